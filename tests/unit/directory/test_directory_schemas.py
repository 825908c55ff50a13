"""Queue and agent payloads: PBX names checked at the edge, defaults filled, fields named."""

from __future__ import annotations

import json

import pytest

from callcenter.directory.schemas import AgentFields, NewAgent, NewQueue, QueueFields
from callcenter.errors import InvalidInput
from callcenter.web.api import parse_body

pytestmark = pytest.mark.unit


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_a_queue_left_without_a_display_name_or_ring_rule_is_named_and_ruled_by_the_site(
) -> None:
    queue = parse_body(NewQueue, _body({"name": "sales", "display_name": ""}))
    spec = queue.spec(queue.name)
    assert (spec.display_name, spec.ring_threshold, spec.ring_cycle_s, spec.wrapup_s) == (
        "sales", None, None, 30)


def test_a_put_queue_takes_its_name_from_the_path_and_a_whole_ring_cycle_as_seconds() -> None:
    spec = parse_body(QueueFields, _body({"ring_cycle_s": 5, "wrapup_s": 45})).spec("sales")
    assert (spec.name, spec.ring_cycle_s, spec.wrapup_s) == ("sales", 5.0, 45)


def test_an_agents_languages_and_interfaces_are_kept_once_in_their_order() -> None:
    agent = parse_body(NewAgent, _body({
        "id": "li.na", "languages": ["zh", "yue", "zh"],
        "interfaces": ["PJSIP/5001", "Local/1001@agents/n", "PJSIP/5001"]}))
    spec = agent.spec(agent.id)
    assert (spec.display_name, spec.languages, spec.interfaces) == (
        "li.na", ("zh", "yue"), ("PJSIP/5001", "Local/1001@agents/n"))


@pytest.mark.parametrize(("model", "payload", "field"), [
    (NewQueue, {"name": "bad name!"}, "name"),
    (NewQueue, {"name": "q", "ring_threshold": 21}, "ring_threshold"),
    (NewQueue, {"name": "q", "ring_threshold": 2.5}, "ring_threshold"),
    (NewQueue, {"name": "q", "ring_cycle_s": 0.1}, "ring_cycle_s"),
    (NewQueue, {"name": "q", "wrapup_s": None}, "wrapup_s"),
    (NewQueue, {"name": "q", "greeting": "x" * 2001}, "greeting"),
    (NewQueue, {"name": "q", "nmae": "x"}, "nmae"),
    (NewAgent, {"id": "a", "interfaces": ["PJSIP/5001", "5001"]}, "interfaces"),
    (NewAgent, {"id": "a", "languages": [""]}, "languages"),
    (NewAgent, {"id": "a", "team": "x" * 81}, "team"),
    (AgentFields, {"display_name": 7}, "display_name"),
])
def test_bad_directory_fields_are_named(model: type[QueueFields | AgentFields],
                                        payload: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(model, _body(payload))
    assert caught.value.details["field"] == field


def test_a_bad_interface_is_quoted_in_the_message() -> None:
    with pytest.raises(InvalidInput, match=r"interfaces: 0: '5001' is not a PBX interface"):
        parse_body(NewAgent, _body({"id": "a", "interfaces": ["5001"]}))
