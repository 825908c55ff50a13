"""Agent feeds (snapshot, numbered deltas, a slow page dropped, never the service), the
desk's settings and the websocket's Origin check."""

from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import make_mocked_request

from callcenter.agents.config import load_desk_settings
from callcenter.agents.feeds import Feeds
from callcenter.agents.ws import origin_allowed
from callcenter.auth.principal import Principal, Role
from callcenter.settings import SettingsError

pytestmark = pytest.mark.unit

WHO = Principal(1, "li.na", Role.AGENT, "li.na")


def drain(feeds: Feeds, client: object) -> list[dict[str, object]]:
    frames = client.frames  # type: ignore[attr-defined]
    out = []
    while not frames.empty():
        out.append(json.loads(frames.get_nowait()))
    return out


async def test_a_page_gets_a_snapshot_then_deltas_numbered_after_it() -> None:
    feeds = Feeds(client_queue=8)
    feeds.publish("li.na", {"type": "presence"})  # before the page opened: seq 1
    client = feeds.attach("li.na", WHO, lambda: {"pops": []})
    feeds.publish("li.na", {"type": "pop"})
    feeds.publish("wang.wei", {"type": "pop"})  # somebody else's
    frames = drain(feeds, client)
    assert [(f["type"], f["seq"]) for f in frames] == [("snapshot", 1), ("pop", 2)]


async def test_a_page_that_falls_behind_is_dropped_and_the_others_go_on() -> None:
    feeds = Feeds(client_queue=8)
    slow = feeds.attach("li.na", WHO, dict)
    fast = feeds.attach("li.na", WHO, dict)
    for i in range(20):
        feeds.publish("li.na", {"type": "presence", "n": i})
        drain(feeds, fast)
    assert slow.dropped.is_set()
    assert slow.drop_reason.startswith("too slow")
    assert feeds.clients("li.na") == [fast]
    assert feeds.dropped_clients == 1
    assert slow.frames.qsize() == 8  # bounded: what it had, nothing more


def test_pause_reasons_come_from_the_environment_and_wrap_up_is_reserved() -> None:
    assert load_desk_settings({"CALLCENTER_PAUSE_REASONS": "break, lunch,break"}
                              ).pause_reasons == ("break", "lunch")
    with pytest.raises(SettingsError, match=r"CALLCENTER_PAUSE_REASONS.*reserved"):
        load_desk_settings({"CALLCENTER_PAUSE_REASONS": "break,wrap-up"})
    with pytest.raises(SettingsError, match="CALLCENTER_DIAL_CONTEXT"):
        load_desk_settings({"CALLCENTER_DIAL_CONTEXT": "bad context"})
    assert load_desk_settings({}).pause_reasons[0] == "break"


def test_an_empty_desk_variable_keeps_its_default_and_a_bad_queue_is_named() -> None:
    desk = load_desk_settings({"CALLCENTER_PAUSE_REASONS": " ", "CALLCENTER_WS_CLIENT_QUEUE": "",
                               "CALLCENTER_DESK_ORIGINS": "https://a.example/, http://b:8080"})
    assert desk.pause_reasons[0] == "break"
    assert desk.client_queue == 256
    assert desk.origins == ("https://a.example", "http://b:8080")
    with pytest.raises(SettingsError, match="CALLCENTER_WS_CLIENT_QUEUE: must be at least 8"):
        load_desk_settings({"CALLCENTER_WS_CLIENT_QUEUE": "7"})


@pytest.mark.parametrize(("origin", "allowed"), [
    ("http://desk.example:8080", True),
    ("https://desk.example:8080", True),
    ("http://evil.example", False),
    ("http://desk.example:9999", False),
    ("", False),
    ("https://portal.example", True),
])
def test_the_websocket_takes_only_its_own_or_configured_origins(origin: str,
                                                                allowed: bool) -> None:
    headers = {"Host": "desk.example:8080"}
    if origin:
        headers["Origin"] = origin
    request = make_mocked_request("GET", "/ws/agent", headers=headers)
    assert origin_allowed(request, ("https://portal.example",)) is allowed
