"""The OpenAPI description of the agent desk's REST endpoints (`callcenter.agents.http`)."""

from __future__ import annotations

from typing import Any

from callcenter.web.openapi import ID_SCHEMA, error, json_body, json_response, path_param, ref

_TAG = ["agent desk"]
_OBJ: dict[str, Any] = {"type": "object"}
_ACCEPTED = json_response("Sent to the PBX; the new state arrives on /ws/agent",
                          ref("AgentActionAccepted"))


def _post(summary: str, body: dict[str, Any] | None, *, ok: dict[str, Any] | None = None,
          status: str = "202", conflict: bool = True) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "tags": _TAG,
                          "responses": {status: ok or _ACCEPTED,
                                        "502": json_response("The PBX refused or is away",
                                                             ref("Error"))}}
    if conflict:
        op["responses"]["409"] = error("Conflict")
    if body is not None:
        op["requestBody"] = json_body(body)
    return {"post": op}


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/agent/desk": {"get": {
            "summary": "The agent's desk: directory entry, desks, queues, colleagues, state, "
                       "open pops and wrap-ups",
            "tags": _TAG, "responses": {"200": json_response("The desk", ref("AgentDesk"))}}},
        "/api/agent/login": _post("Log into queues at one of the agent's desks (QueueAdd)", {
            "type": "object", "required": ["queues"], "properties": {
                "interface": {"type": "string", "description": "one of the agent's desks; "
                              "default the first"},
                "queues": {"type": "array", "minItems": 1, "items": {"type": "string"}}}}),
        "/api/agent/pause": _post("Pause with a reason code from the configured list", {
            "type": "object", "required": ["reason"],
            "properties": {"reason": {"type": "string"}}}),
        "/api/agent/resume": _post("End the pause (or the wrap-up, before its time)", None),
        "/api/agent/logout": _post("Leave every queue (QueueRemove)", None, conflict=False),
        "/api/agent/wrapup": _post(
            "Classify a call of the agent's, create its order, complaint or promised "
            "call-back (R6), fill the registry's outcome, end the wrap-up pause",
            ref("Wrapup"), ok=json_response("Stored", ref("WrapupResult")), status="201"),
        "/api/agent/transfer": _post(
            "R6: re-queue the caller to an available colleague (language); the pop follows. "
            "The queue is the colleague's queue with the fewest other free agents; "
            "`others_free` > 0 means someone else may be rung first", {
                "type": "object", "required": ["call_id", "to_agent"], "properties": {
                    "call_id": {"type": "string"}, "to_agent": {"type": "string"},
                    "note": {"type": "string"}}},
            ok=json_response("Sent to the PBX; the pop follows on /ws/agent", {
                "type": "object", "required": ["accepted", "queue", "to_agent", "others_free"],
                "properties": {"accepted": {"const": True}, "queue": {"type": "string"},
                               "to_agent": {"type": "string"},
                               "others_free": {"type": "integer", "minimum": 0}}})),
        "/api/agent/dial": _post(
            "Click-to-dial: ring the agent's phone, then the customer; the call is registered "
            "(R4) under `call_id`, linked to `customer_id` or the number's only customer", {
                "type": "object", "required": ["number"], "properties": {
                    "number": {"type": "string"}, "customer_id": ID_SCHEMA}},
            ok=json_response("Sent to the PBX; dial_result arrives on /ws/agent", {
                "type": "object", "required": ["accepted", "call_id", "leg_id", "number"],
                "properties": {"accepted": {"const": True}, "call_id": {"type": "string"},
                               "leg_id": {"type": "string"}, "number": {"type": "string"},
                               "customer_id": {"type": ["integer", "null"]}}})),
        "/api/agent/figures": {"get": {
            "summary": "The agent's own figures today (R1): calls taken, average rings "
                       "before answer, calls let ring out",
            "tags": _TAG,
            "responses": {"200": json_response("Today's figures", ref("AgentFigures"))}}},
        "/api/agent/callbacks": {"get": {
            "summary": "The agent's open promised call-backs (R6)", "tags": _TAG,
            "responses": {"200": json_response("Open call-backs", _OBJ)}}},
        "/api/agent/callbacks/{callback_id}/done": {"post": {
            "summary": "Mark a promised call-back as done", "tags": _TAG,
            "parameters": [path_param("callback_id", ID_SCHEMA)],
            "responses": {"200": json_response("The call-back", _OBJ),
                          "404": error("NotFound")}}},
    },
    "schemas": {
        "AgentActionAccepted": {"type": "object", "required": ["accepted"],
                                "properties": {"accepted": {"const": True}}},
        "AgentDesk": {"type": "object", "properties": {
            "agent": _OBJ, "interfaces": {"type": "array", "items": {"type": "string"}},
            "queues": {"type": "array", "items": _OBJ},
            "colleagues": {"type": "array", "items": _OBJ},
            "presence": ref("AgentPresence"),
            "pops": {"type": "array", "items": _OBJ},
            "wrapups": {"type": "array", "items": _OBJ},
            "pause_reasons": {"type": "array", "items": {"type": "string"}}}},
        "AgentPresence": {"type": "object", "properties": {
            "interface": {"type": ["string", "null"]},
            "state": {"enum": ["logged_out", "available", "ringing", "on_call", "wrap_up",
                               "paused"]},
            "since": {"type": ["number", "null"]},
            "queues": {"type": "array", "items": {"type": "string"}},
            "paused_reason": {"type": "string"}}},
        "Wrapup": {"type": "object", "required": ["call_id", "classification"], "properties": {
            "call_id": {"type": "string"},
            "classification": {"enum": ["consultation", "repair_request", "complaint_general",
                                        "complaint_major"]},
            "customer_id": ID_SCHEMA, "note": {"type": "string"},
            "order": {"type": "object", "description": "POST /api/orders fields (repair)"},
            "complaint": {"type": "object",
                          "description": "POST /api/complaints fields (complaints)"},
            "callback": {"type": "object", "required": ["due_at"], "properties": {
                "due_at": {"type": "string", "format": "date-time"},
                "number": {"type": "string"}, "note": {"type": "string"}}}}},
        "WrapupResult": {"type": "object", "properties": {
            "call_id": {"type": "string"}, "classification": {"type": "string"},
            "outcome": {"type": "string"}, "order_id": ID_SCHEMA, "complaint_id": ID_SCHEMA,
            "complaint_number": {"type": "string"}, "callback_id": ID_SCHEMA}},
        "AgentFigures": {"type": "object", "properties": {
            "agent_id": {"type": "string"}, "day": {"type": "string", "format": "date"},
            "calls_taken": {"type": "integer"},
            "avg_rings_before_answer": {"type": ["number", "null"]},
            "rang_out": {"type": "integer"}, "missed": {"type": "integer"},
            "rung": {"type": "integer"}}},
    },
}

__all__ = ["OPENAPI"]
