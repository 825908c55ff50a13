"""What an agent asks of the PBX: log into queues, pause, resume, log out, dial, transfer.

Each is one AMI action (or a few) through the link; nothing here changes the agent's state
in memory — the PBX answers with QueueMember* events, the live-state owner applies them, and
the page shows that. So the state on screen is always the PBX's, never the page's wish.

The PBX actions are a small protocol so the desk runs the same against the live link and a
fake in unit tests. `ActionRunner` runs the actions the event path decides on (the wrap-up
pause at answer, the resume when wrap-up ends) as tasks it owns.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, Protocol

from callcenter.ami import actions
from callcenter.ami.actions import Action
from callcenter.ami.errors import AmiActionFailed, AmiError
from callcenter.ami.protocol import HeaderValue
from callcenter.calls.agent_state import WRAP_UP_REASON
from callcenter.errors import CallcenterError, Conflict

log = logging.getLogger(__name__)

ACTION_TIMEOUT_S = 3.0


class PbxActions(Protocol):
    """The part of `AmiLink` the desk uses."""

    async def action(self, name: str, headers: Mapping[str, HeaderValue] | None = None, *,
                     timeout: float | None = None) -> Any: ...  # noqa: ASYNC109

    def send_originate(self, headers: Mapping[str, HeaderValue]) -> str: ...


class PbxRefused(CallcenterError):
    """The PBX refused or could not be reached; nothing changed there."""

    status = 502
    error_id = "pbx-refused"


class Desk:
    """Agent actions on the PBX; `pbx` is looked up on each call (the link starts later)."""

    def __init__(self, pbx: PbxActions | None = None) -> None:
        self.pbx = pbx

    def _pbx(self) -> PbxActions:
        if self.pbx is None:
            raise PbxRefused("the PBX link is not running")
        return self.pbx

    async def _do(self, action: Action, *, tolerate: str = "") -> None:
        name = action.name
        try:
            await self._pbx().action(name, action.headers, timeout=ACTION_TIMEOUT_S)
        except AmiActionFailed as exc:
            if tolerate and tolerate in exc.pbx_message.lower():
                return
            raise PbxRefused(f"the PBX refused {name}: {exc.pbx_message}",
                             action=name) from None
        except AmiError as exc:
            raise PbxRefused(f"{name} not done: {exc}", action=name) from None

    async def log_in(self, interface: str, queues: Iterable[str], member_name: str) -> None:
        """QueueAdd into each queue, unpaused; a queue the agent is already in is fine."""
        for queue in queues:
            await self._do(actions.queue_add(queue, interface, member_name),
                           tolerate="already there")

    async def pause(self, interface: str, reason: str) -> None:
        """QueuePause in every queue of the interface, with the reason code."""
        await self._do(actions.queue_pause(interface, True, reason))

    async def resume(self, interface: str) -> None:
        await self._do(actions.queue_pause(interface, False))

    async def log_out(self, interface: str, queues: Iterable[str]) -> None:
        for queue in queues:
            await self._do(actions.queue_remove(queue, interface), tolerate="not there")

    def dial(self, interface: str, number: str, context: str, caller_id: str,
             customer_id: int | None) -> str:
        """Click-to-dial: ring the agent's phone; once answered it dials `number` in
        `context`, which announces the call (UserEvent DeskDial) with the interface and the
        customer set here, so the call registry has it like any other (R4). Returns the
        agent leg's id: the OriginateResponse is correlated by it, and as the first channel
        of the call it is also the call's Linkedid, the registry's call id."""
        leg_id = f"dial-{uuid.uuid4().hex[:20]}"
        customer = "" if customer_id is None else str(customer_id)
        try:
            return self._pbx().send_originate(actions.originate(
                interface, context, number, channel_id=leg_id, timeout_s=30.0,
                caller_id=caller_id, other_channel_id=f"{leg_id}-2",
                variables={"DESK_INTERFACE": interface, "DESK_CUSTOMER": customer}))
        except AmiError as exc:
            raise PbxRefused(f"Originate not sent: {exc}", action="Originate") from None

    async def requeue(self, caller_leg_id: str, queue: str, variables: Mapping[str, str]
                      ) -> None:
        """R6 transfer: send the caller's channel back through the hotline into `queue`."""
        channel = await self._channel_of(caller_leg_id)
        for name, value in {"QUEUE": queue, **variables}.items():
            await self._do(actions.set_variable(name, value, channel))
        await self._do(actions.redirect(channel, "inbound", "hotline"))

    async def _channel_of(self, leg_id: str) -> str:
        try:
            listing = actions.core_show_channels()
            result = await self._pbx().action(listing.name, listing.headers,
                                              timeout=ACTION_TIMEOUT_S)
        except AmiError as exc:
            raise PbxRefused(f"channels not listed: {exc}") from None
        for item in getattr(result, "events", ()):
            if item.get("Uniqueid") == leg_id:
                return str(item.get("Channel"))
        raise Conflict("the caller is no longer on the line", call_leg=leg_id)


class ActionRunner:
    """Runs PBX actions decided on the synchronous event path, as tasks it owns."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, what: str, action: Awaitable[None]) -> None:
        task = asyncio.get_running_loop().create_task(self._guard(what, action))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guard(what: str, action: Awaitable[None]) -> None:
        try:
            await action
        except CallcenterError as exc:
            log.warning("%s: %s", what, exc.message)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


__all__ = ["WRAP_UP_REASON", "ActionRunner", "Desk", "PbxActions", "PbxRefused"]
