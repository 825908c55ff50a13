"""The bridge between a FastAGI session (`callcenter.ami.fastagi`) and a flow's `Channel`.

The dialplan's `[survey]` context runs `AGI(${FASTAGI}/survey,${JOB_ID})` for every answered
dialer call, whatever the job's kind; JOB_ID is the attempt's ChannelId, so the dialer
finds the job and runs the flow of its kind. AGI hang-ups become the flows' CallerHungUp.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from callcenter.ami.fastagi import AgiCommandFailed, AgiHangup, AgiSession, Handler
from ivr_flows.channel import CallerHungUp, Channel

log = logging.getLogger(__name__)

SCRIPT = "survey"
"""The AGI script name the dialplan asks for (docker/asterisk/extensions.conf [survey])."""


KEYS = "0123456789*#"


class AgiChannel:
    """`ivr_flows.channel.Channel` on a live AGI session.

    AGI's GET DATA plays one file, so a question with a lead-in (intro, "sorry, again")
    plays the lead-in with STREAM FILE, interruptible by any key (a key pressed during the
    intro answers the question), then asks with GET DATA on the question's own file. A
    prompt that fails to play (a missing file: logged) counts as silence, not a hang-up.
    """

    def __init__(self, session: AgiSession) -> None:
        self._session = session

    async def ask(self, files: Sequence[str], timeout_s: float) -> str | None:
        try:
            for name in files[:-1]:
                key = await self._played(self._session.stream_file(name, KEYS), name)
                if key:
                    return key[:1]
            key = await self._played(self._session.get_data(files[-1], timeout_s, 1),
                                     files[-1])
        except AgiHangup:
            raise CallerHungUp from None
        return key[:1] if key else None

    async def play(self, files: Sequence[str]) -> None:
        try:
            for name in files:
                await self._played(self._session.stream_file(name), name)
        except AgiHangup:
            raise CallerHungUp from None

    @staticmethod
    async def _played(command: Awaitable[str | None], name: str) -> str | None:
        try:
            return await command
        except AgiCommandFailed as exc:
            log.warning("prompt %r did not play (is the sound file there?): %s", name, exc)
            return None

    async def machine_detected(self) -> bool:
        try:
            await self._session.exec("AMD")
            return await self._session.get_variable("AMDSTATUS") == "MACHINE"
        except AgiHangup:
            raise CallerHungUp from None


RunFlow = Callable[[str, Channel], Awaitable[None]]


def flow_route(run_flow: RunFlow) -> dict[str, Handler]:
    """The FastAGI routes: `survey` runs the flow of the job named by the first argument."""

    async def survey(session: AgiSession) -> None:
        channel_id = (session.args[0] if session.args else "") or session.uniqueid
        await run_flow(channel_id, AgiChannel(session))

    return {SCRIPT: survey}


__all__ = ["SCRIPT", "AgiChannel", "flow_route"]
