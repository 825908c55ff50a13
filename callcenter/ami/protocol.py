"""One AMI TCP session: frames in, actions out, every answer correlated by ActionID.

This replaces panoramisk 1.4's `AMIProtocol`/`Action` future handling, whose guesses about when
an answer is complete are what make several of its traps:
- the QueueAdd future never resolves (it takes "Added interface to queue" for the start of a
  list that never comes): here a Response ends an action unless it says a list follows
  (`EventList: start` or "... will follow");
- awaiting an Async Originate resolves only on OriginateResponse and swallows that event: here
  the action ends at its Response, and an event is consumed by an action only while that action
  is collecting a list, so OriginateResponse always reaches the event handler;
- an action that had part of its answer when the link dropped never resolves: here every action
  has a deadline (`AmiActionTimeout`) and a lost connection fails all of them at once
  (`AmiNotConnected`); nothing is queued for re-sending after a reconnect.

Frames are parsed in `data_received` and handed on synchronously, so events keep their order and
no task is created per event. Work per call is bounded by the transport's read size.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from callcenter.ami.counters import Counters
from callcenter.ami.errors import AmiActionFailed, AmiActionTimeout, AmiNotConnected
from callcenter.ami.frames import Frame, FrameParser, header_values

log = logging.getLogger(__name__)

HeaderValue = str | list[str] | tuple[str, ...]
Headers = Mapping[str, HeaderValue]
_FAILED = frozenset({"Error", "Failure", "Fail"})
_EXPIRED_MEMORY = 256


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The PBX's answer to one action: its Response frame and, for list actions, the items."""

    action: str
    response: Frame
    #: List items (QueueMember, CoreShowChannel...), without the closing `...Complete` event.
    events: tuple[Frame, ...] = ()
    #: The closing `...Complete` event of a list action.
    complete: Frame | None = None

    @property
    def message(self) -> str:
        return self.response.get("Message", "")

    @property
    def output(self) -> list[str]:
        """Command output lines (`Output:` headers)."""
        return header_values(self.response, "Output")

    def get(self, key: str, default: str = "") -> str:
        return self.response.get(key, default)


class _Pending:
    """An action waiting for its answer; `offer()` takes frames carrying its ActionID."""

    __slots__ = ("action", "events", "future", "listing", "response")

    def __init__(self, action: str, future: asyncio.Future[ActionResult]) -> None:
        self.action = action
        self.future = future
        self.response: Frame = {}
        self.events: list[Frame] = []
        self.listing = False

    def offer(self, frame: Frame) -> bool:
        """Take a frame for this action; False leaves it to the event handler."""
        if self.future.done():
            return False
        event = frame.get("Event")
        if event is not None:
            if not self.listing:
                return False  # e.g. OriginateResponse: an event, not part of the answer
            if frame.get("EventList", "").lower() == "complete" or event.endswith("Complete"):
                self.future.set_result(
                    ActionResult(self.action, self.response, tuple(self.events), frame)
                )
            else:
                self.events.append(frame)
            return True
        if frame.get("Response") in _FAILED:
            message = frame.get("Message") or frame.get("Response", "")
            self.future.set_exception(AmiActionFailed(self.action, message, frame))
        elif (
            frame.get("EventList", "").lower() == "start"
            or "will follow" in frame.get("Message", "").lower()
        ):
            self.listing = True
            self.response = frame
        else:
            self.future.set_result(ActionResult(self.action, frame))
        return True


def format_action(name: str, action_id: str, headers: Headers | None = None) -> bytes:
    """Serialise an action; repeated headers (Originate's `Variable`) come from a list value.

    CR and LF are refused in names and values: they would let data smuggle extra headers or
    whole actions (an Originate) into the stream.
    """
    if "\r" in name or "\n" in name:
        raise ValueError("line break in AMI action name")
    lines = [f"Action: {name}", f"ActionID: {action_id}"]
    for key, value in (headers or {}).items():
        if key.lower() in ("action", "actionid"):
            raise ValueError(f"{key} is set by the AMI adapter")
        for item in (value,) if isinstance(value, str) else value:
            text = f"{key}: {item}"
            if "\r" in text or "\n" in text:
                raise ValueError(f"line break in AMI header {key!r}")
            lines.append(text)
    lines.append("\r\n")
    return "\r\n".join(lines).encode("utf-8")


class AmiConnection(asyncio.Protocol):
    """An asyncio protocol for one AMI session (one login), owned by `AmiLink` or the recorder."""

    def __init__(
        self,
        *,
        on_event: Callable[[Frame], None],
        counters: Counters | None = None,
        keep: frozenset[str] | None = None,
        known: frozenset[str] = frozenset(),
        tap: Callable[[bytes], None] | None = None,
    ) -> None:
        self.counters = counters if counters is not None else Counters()
        self.parser = FrameParser(self.counters, keep=keep, known=known)
        self._on_event = on_event
        self._tap = tap
        self._transport: asyncio.Transport | None = None
        self._pending: dict[str, _Pending] = {}
        self._expired: OrderedDict[str, None] = OrderedDict()
        self._ids = itertools.count(1)
        self._id_prefix = f"cc-{uuid.uuid4().hex[:8]}-"
        self._lost_reason: str | None = None
        self.closed: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    # -- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._tap is not None:
            self._tap(data)
        for frame in self.parser.feed(data):
            try:
                self._route(frame)
            except Exception:  # a bug here must not kill the session: log, go on
                log.exception("AMI frame handling failed: event=%s", frame.get("Event"))

    def eof_received(self) -> bool:
        self._lost_reason = self._lost_reason or "PBX closed the connection"
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        reason = self._lost_reason or (f"connection lost: {exc}" if exc else "connection closed")
        pending, self._pending = self._pending, {}
        for p in pending.values():
            if not p.future.done():
                p.future.set_exception(AmiNotConnected(f"{reason} (waiting for {p.action})"))
        if not self.closed.done():
            self.closed.set_result(reason)

    # -- actions ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    def submit(
        self, name: str, headers: Headers | None = None, *, timeout_s: float
    ) -> asyncio.Future[ActionResult]:
        """Send an action now; the future gets its answer, AmiActionFailed or AmiActionTimeout.

        The deadline runs whether or not anyone awaits the future, so nothing waits forever.
        """
        transport = self._transport
        if transport is None or transport.is_closing():
            raise AmiNotConnected(self._lost_reason or "no AMI session")
        action_id = f"{self._id_prefix}{next(self._ids)}"
        data = format_action(name, action_id, headers)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ActionResult] = loop.create_future()
        self._pending[action_id] = _Pending(name, future)
        expiry = loop.call_later(timeout_s, self._expire, action_id, timeout_s)

        def _finished(_: asyncio.Future[ActionResult]) -> None:
            expiry.cancel()
            self._pending.pop(action_id, None)

        future.add_done_callback(_finished)
        transport.write(data)
        return future

    async def action(
        self, name: str, headers: Headers | None = None, *, timeout_s: float
    ) -> ActionResult:
        """Send an action and wait for its complete answer (see `submit`)."""
        return await self.submit(name, headers, timeout_s=timeout_s)

    def abort(self, reason: str) -> None:
        """Drop the session at once (no goodbye): used when the PBX stopped answering."""
        self._lost_reason = reason
        if self._transport is not None:
            self._transport.abort()

    def close(self, reason: str = "closed by the service") -> None:
        self._lost_reason = self._lost_reason or reason
        if self._transport is not None:
            self._transport.close()

    # -- internals -------------------------------------------------------------------------

    def _route(self, frame: Frame) -> None:
        action_id = frame.get("ActionID")
        if action_id is not None:
            pending = self._pending.get(action_id)
            if pending is not None:
                if pending.offer(frame):
                    return
            elif action_id in self._expired and frame.get("Event") != "OriginateResponse":
                return  # the late rest of an answer nobody waits for any more
        if "Event" in frame:
            self._on_event(frame)
        elif "Response" in frame:
            log.debug("AMI response for no pending action: %s", action_id)

    def _expire(self, action_id: str, timeout: float) -> None:
        pending = self._pending.pop(action_id, None)
        if pending is None or pending.future.done():
            return
        self._expired[action_id] = None
        if len(self._expired) > _EXPIRED_MEMORY:
            self._expired.popitem(last=False)
        pending.future.set_exception(AmiActionTimeout(pending.action, timeout))


async def open_connection(
    host: str,
    port: int,
    *,
    timeout_s: float,
    on_event: Callable[[Frame], None],
    counters: Counters | None = None,
    keep: frozenset[str] | None = None,
    known: frozenset[str] = frozenset(),
    tap: Callable[[bytes], None] | None = None,
) -> AmiConnection:
    """Connect a new session (not yet logged in); AmiNotConnected when the PBX is unreachable."""
    loop = asyncio.get_running_loop()

    def factory() -> AmiConnection:
        return AmiConnection(on_event=on_event, counters=counters, keep=keep, known=known, tap=tap)

    try:
        _, protocol = await asyncio.wait_for(
            loop.create_connection(factory, host, port), timeout_s
        )
    except (OSError, TimeoutError) as exc:
        raise AmiNotConnected(f"cannot connect to {host}:{port}: {exc or 'timeout'}") from exc
    return protocol


async def login(
    connection: AmiConnection, user: str, secret: str, *, timeout_s: float, events: bool = True
) -> None:
    """Log the session in; AmiActionFailed when the PBX refuses the credentials."""
    await connection.action(
        "Login",
        {"Username": user, "Secret": secret, "Events": "on" if events else "off"},
        timeout_s=timeout_s,
    )


__all__ = [
    "ActionResult",
    "AmiConnection",
    "HeaderValue",
    "Headers",
    "format_action",
    "login",
    "open_connection",
]
