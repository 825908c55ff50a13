"""The agent desk (R3, R5, R6): views of the live-state owner for the people at the phones.

Owns the screen-pops and the cards they show (`pops`, `cards`), each agent's feed to their
pages (`feeds`, `ws`), the wrap-up clock and stored wrap-ups (`wrapup`, `records`), the
requests an agent makes of the PBX (`desk`), promised call-backs (`callbacks`, `models`) and
the assembled desk (`runtime`, put into the app by `context`). Agent state itself is the
live-state owner's (`callcenter.calls.agent_state`).
"""
