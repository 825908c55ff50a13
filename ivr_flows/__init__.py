"""Call flows the PBX runs against the service over FastAGI (the follow-up surveys).

The flows speak to a `Channel` (play prompts, collect a key) and know nothing of AGI: the
FastAGI server lives in `callcenter.ami.fastagi`, the adapter between the two in
`dialer.agi`. Prompts are configuration (`prompts.toml`: audio file and text side by side).
"""
