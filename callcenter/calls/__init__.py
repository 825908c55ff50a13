"""Calls: the one owner of live call and agent state, the R1 ring-count SLA, the registry (R4).

`tracker.CallTracker` is the only reader of the PBX's call and agent events: it keeps each
call's working state (`state`, `rings`, `agent_state`, `adoption`) and hands out typed change
records (`changes`) and immutable call records (`call_records`, made by `from_state`). The
registry (`registry`, `rows`, `models`) stores each finished call once; `sla` judges R1. No
web framework here but `http` (the REST views and the app keys of the registry and tracker).
"""
