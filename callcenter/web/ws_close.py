"""Websocket close codes the service uses, in one place. The agent page
(`agent_ui/static/agent.js`, `CLOSE_TEXT`) explains each to the person and knows after which
ones it may reconnect.

- 1001 `GOING_AWAY`: the service is stopping. The page reconnects with back-off.
- 4008 `TOO_SLOW`: the page fell too far behind the feed. It reconnects for a fresh snapshot.
- 4401 `SESSION_ENDED`: the session ended — logged out (in this browser or another tab) or
  the password was changed. The page asks the person to log in again; it does not reconnect.
- 4403 `ACCESS_WITHDRAWN`: the account was deactivated, or its role or agent link changed.
  The page says so and does not reconnect.

The close reason names the cause (`callcenter.auth.revocation.REASONS`).
"""

from __future__ import annotations

GOING_AWAY = 1001
TOO_SLOW = 4008
SESSION_ENDED = 4401
ACCESS_WITHDRAWN = 4403

__all__ = ["ACCESS_WITHDRAWN", "GOING_AWAY", "SESSION_ENDED", "TOO_SLOW"]
