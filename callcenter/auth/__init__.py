"""Who may do what (R28): accounts, roles, sessions, tokens, login throttling, revocation.

`principal` is plain data any domain service may take; the request side (`roles`,
`middleware`, `csrf`) and the wiring into the app (`context`) hold the web framework.
"""
