"""The FastAGI server against a fake PBX speaking the AGI wire protocol over TCP.

The replies are the ones Asterisk 22 sends (`200 result=52 (timeout)`, `200 result=-1` on a
hang-up, a `HANGUP` line when AGISIGHUP is on, `511 Command Not Permitted on a dead
channel or intercept routine`, a multi-line `520-` usage text).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from callcenter.ami.fastagi import AgiCommandFailed, AgiHangup, AgiSession, FastAgiServer

pytestmark = pytest.mark.unit


class FakePbx:
    """Opens one AGI session to the server and answers its commands from a script."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.commands: list[str] = []

    async def call(self, script: str, replies: list[str], *args: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        env = [f"agi_request: agi://127.0.0.1:{self.port}/{script}",
               "agi_channel: Local/13900001001@bench-customers-00000001;1",
               "agi_uniqueid: dialer-7-1",
               *(f"agi_arg_{n}: {value}" for n, value in enumerate(args, 1))]
        writer.write(("\n".join(env) + "\n\n").encode())
        await writer.drain()
        if not replies:  # the channel went away: the PBX drops the connection
            writer.close()
            return
        for reply in replies:
            line = await reader.readline()
            if not line:
                break
            self.commands.append(line.decode().strip())
            writer.write(reply.encode() + b"\n")
            await writer.drain()
        await reader.read()  # until the server closes the session
        writer.close()


@pytest.fixture
async def served() -> AsyncIterator[tuple[FastAgiServer, list[object]]]:
    seen: list[object] = []

    async def survey(session: AgiSession) -> None:
        seen.append(session.args)
        seen.append(session.uniqueid)
        try:
            seen.append(await session.get_data("hello&vm-press", 3.0))
            seen.append(await session.get_data("vm-press", 3.0))
            seen.append(await session.get_variable("AMDSTATUS"))
            seen.append(await session.get_data("vm-press", 3.0))
        except AgiHangup:
            seen.append("hung up")

    server = FastAgiServer("127.0.0.1", 0, {"survey": survey}, command_timeout_s=2.0)
    await server.start()
    yield server, seen
    await server.stop()


async def test_routes_on_the_script_name_and_reads_keys(
        served: tuple[FastAgiServer, list[object]]) -> None:
    server, seen = served
    pbx = FakePbx(server.bound_port)
    await pbx.call("survey", ["200 result=4", "200 result= (timeout)",
                              "200 result=1 (HUMAN)", "200 result=3"], "dialer-7-1")
    assert seen == [["dialer-7-1"], "dialer-7-1", "4", None, "HUMAN", "3"]
    assert pbx.commands[0] == "GET DATA hello&vm-press 3000 1"


async def test_a_hang_up_mid_session_raises_in_the_handler(
        served: tuple[FastAgiServer, list[object]]) -> None:
    server, seen = served
    await FakePbx(server.bound_port).call("survey", ["200 result=4", "HANGUP\n200 result=-1"])
    assert seen[2:] == ["4", "hung up"]


async def test_a_dead_channel_reply_is_a_hang_up(
        served: tuple[FastAgiServer, list[object]]) -> None:
    server, seen = served
    await FakePbx(server.bound_port).call(
        "survey", ["511 Command Not Permitted on a dead channel or intercept routine"])
    assert seen[2:] == ["hung up"]


async def test_the_pbx_closing_the_connection_is_a_hang_up(
        served: tuple[FastAgiServer, list[object]]) -> None:
    server, seen = served
    await FakePbx(server.bound_port).call("survey", [])
    await asyncio.sleep(0.05)
    assert seen[2:] == ["hung up"]


async def test_unknown_script_is_closed_at_once(
        served: tuple[FastAgiServer, list[object]]) -> None:
    server, seen = served
    pbx = FakePbx(server.bound_port)
    await asyncio.wait_for(pbx.call("nosuch", ["200 result=0"]), 2.0)
    assert seen == []
    assert pbx.commands == []


async def test_usage_error_is_reported_not_hung() -> None:
    errors: list[str] = []

    async def bad(session: AgiSession) -> None:
        try:
            await session.command("GET DATA")
        except Exception as exc:  # what the handler sees
            errors.append(type(exc).__name__)

    server = FastAgiServer("127.0.0.1", 0, {"bad": bad})
    await server.start()
    try:
        await FakePbx(server.bound_port).call(
            "bad", ["520-Invalid command syntax.  Proper usage follows:\nUsage: GET DATA\n"
                    "520 End of proper usage."])
    finally:
        await server.stop()
    assert errors == ["AgiProtocolError"]


async def test_minus_one_without_a_hang_up_notice_is_a_failed_command() -> None:
    """Asterisk answers a missing sound file with result=-1 on a live channel."""
    seen: list[str] = []

    async def play(session: AgiSession) -> None:
        try:
            await session.stream_file("no-such-file")
        except AgiCommandFailed:
            seen.append("failed")
        seen.append(str(await session.get_data("vm-press", 1.0)))

    server = FastAgiServer("127.0.0.1", 0, {"play": play})
    await server.start()
    try:
        await FakePbx(server.bound_port).call("play", ["200 result=-1 endpos=0",
                                                       "200 result=5"])
    finally:
        await server.stop()
    assert seen == ["failed", "5"]
