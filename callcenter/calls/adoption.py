"""Adoption: taking over the calls the PBX has in progress when the service (re)connects.

A call that started while no service was listening (a restart, a deploy, a lost link) would
otherwise never be registered (R4): its Hangup arrives for a call nobody follows. The
snapshot taken after every (re)connect says what is in progress:
- each caller waiting in a queue (QueueEntry, with `Wait`, the seconds since joining);
- each channel (CoreShowChannel: Linkedid, `Duration` since it was created, `BridgeId`, the
  application it runs). A caller's leg runs `Queue` while it waits and still runs it once
  bridged to the agent, whose leg runs `AppQueue` in the same bridge.

So a QueueEntry is a caller still waiting, and a `Queue` channel in a bridge is a call an
agent answered before adoption. Their start times are the PBX's own, derived from those
ages, which are whole seconds; what the PBX does not tell (when the agent answered, when a
bridged caller joined the queue, which phones rang before) stays unknown. Both are written
on the call (`CallState.precision`), never filled in with guesses.

Not adopted: callers still in the hotline menu (in no queue yet; their queue join starts the
call as usual, without the menu time) and agents' outbound click-to-dial calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from callcenter.calls.call_records import LegEnd, TimePrecision, VisitResult
from callcenter.calls.state import CallState, LegState, VisitState
from callcenter.events import ChannelSnapshot, PbxSnapshot, QueueEntrySnapshot, QueueSnapshot

SECOND = TimePrecision.SECOND
UNKNOWN = TimePrecision.UNKNOWN

#: The application a queue's caller leg runs, waiting or bridged, and the agent leg's.
CALLER_APP = "Queue"
AGENT_APP = "AppQueue"

#: What is never known of a call adopted after an agent answered it.
_ANSWERED_UNKNOWN = ("queued_at", "menu_s", "wait_s", "caller_rings", "answered_at",
                     "talk_s", "legs")


@dataclass(frozen=True, slots=True)
class Adoption:
    """A call taken over from the snapshot, with the caller ID the PBX shows for it."""

    call: CallState
    caller_num: str
    caller_name: str


def adoptions(snapshot: PbxSnapshot, known: Callable[[str], bool]) -> Iterator[Adoption]:
    """The calls in progress on the PBX that `known` does not know (live or finished)."""
    channels = {channel.leg_id: channel for channel in snapshot.channels}
    taken: set[str] = set()
    for queue in snapshot.queues:
        for entry in queue.entries:
            if known(entry.call_id) or entry.call_id in taken:
                continue
            taken.add(entry.call_id)
            yield _waiting(snapshot, queue, entry, channels.get(entry.leg_id))
    queues = {queue.name: queue for queue in snapshot.queues}
    for channel in snapshot.channels:
        if (channel.application != CALLER_APP or not channel.bridge_id
                or known(channel.call_id) or channel.call_id in taken):
            continue
        taken.add(channel.call_id)
        yield _answered(snapshot, channel, queues)


def _entered(snapshot: PbxSnapshot, channel: ChannelSnapshot | None,
             latest: float) -> tuple[float, TimePrecision]:
    """When the caller's leg was created: its Duration ago (whole seconds), never after
    `latest`; unknown (taken as `latest`) when the PBX gave no Duration."""
    if channel is None or channel.duration_s is None:
        return latest, UNKNOWN
    return min(snapshot.ts - channel.duration_s, latest), SECOND


def _waiting(snapshot: PbxSnapshot, queue: QueueSnapshot, entry: QueueEntrySnapshot,
             channel: ChannelSnapshot | None) -> Adoption:
    """A caller still in the queue: joined `Wait` seconds before the snapshot."""
    queued = snapshot.ts - entry.wait_s
    entered, entered_precision = _entered(snapshot, channel, queued)
    call = CallState(entry.call_id, entry.leg_id, entered,
                     via_hotline=entered_precision is SECOND, hotline_queue=queue.name)
    call.join(queued, queue.name, entry.position)
    call.last_ts = queued
    call.adopted = True
    call.precision = {"entered_at": entered_precision, "queued_at": SECOND, "wait_s": SECOND,
                      "caller_rings": SECOND,
                      "menu_s": SECOND if entered_precision is SECOND else UNKNOWN}
    if any(c.call_id == entry.call_id and c.application == AGENT_APP
           for c in snapshot.channels):
        call.precision["legs"] = UNKNOWN  # a phone was ringing already: since when, unknown
    name = entry.caller_name or (channel.caller_name if channel else "")
    return Adoption(call, entry.caller_num or (channel.caller_num if channel else ""), name)


def _answered(snapshot: PbxSnapshot, channel: ChannelSnapshot,
              queues: dict[str, QueueSnapshot]) -> Adoption:
    """A caller bridged to an agent: answered at an unknown time, wait and rings unknown."""
    queue = channel.app_data.split(",", 1)[0]
    entered, entered_precision = _entered(snapshot, channel, snapshot.ts)
    call = CallState(channel.call_id, channel.leg_id, entered, via_hotline=False,
                     hotline_queue=queue)
    call.last_ts = snapshot.ts
    call.adopted = True
    call.precision = {"entered_at": entered_precision}
    call.precision.update(dict.fromkeys(_ANSWERED_UNKNOWN, UNKNOWN))
    agent = next((c for c in snapshot.channels
                  if c.bridge_id == channel.bridge_id and c.leg_id != channel.leg_id), None)
    if agent is not None:
        interface, member = _member(agent.channel, queues.get(queue))
        # The queue visit's times are unknown, so the visit is not listed: the leg hangs off
        # one kept out of `call.visits`, and only says who is talking.
        visit = VisitState(0, queue, entered, 0)
        visit.result = VisitResult.ANSWERED
        leg = LegState(0, visit, agent.leg_id, interface, member, entered)
        leg.adopted = leg.answered = True
        leg.end = LegEnd.ANSWERED
        call.legs[agent.leg_id] = leg
        call.answered_leg = leg
    return Adoption(call, channel.caller_num, channel.caller_name)


def _member(channel: str, queue: QueueSnapshot | None) -> tuple[str, str]:
    """The queue member (interface, name) behind an agent's channel name: the channel is the
    device plus a `-<sequence>` (and `;<half>` for a Local channel), the member's interface
    that device, for Local ones with its `/n` option."""
    device = channel.split(";", 1)[0].rsplit("-", 1)[0]
    for member in queue.members if queue is not None else ():
        if member.interface == device or member.interface.startswith(device + "/"):
            return member.interface, member.member_name
    return device, device


__all__ = ["AGENT_APP", "CALLER_APP", "Adoption", "adoptions"]
