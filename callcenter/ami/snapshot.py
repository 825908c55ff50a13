"""Resync answers → `PbxSnapshot`: what is live on the PBX right after a (re)connect.

The link asks `QueueStatus` (QueueParams, QueueMember, QueueEntry..., QueueStatusComplete) and
`CoreShowChannels` (CoreShowChannel..., CoreShowChannelsComplete). QueueEntry carries no
Linkedid, so each entry's call id is looked up from the channel list by Uniqueid; that is why
both lists are taken together. A garbled item is counted and left out rather than failing the
whole resync: a snapshot missing one member is better than no snapshot after a reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence

from callcenter.ami.counters import Counters, bump
from callcenter.ami.frames import Frame
from callcenter.ami.protocol import AmiConnection
from callcenter.events import (
    ChannelSnapshot,
    PbxSnapshot,
    QueueEntrySnapshot,
    QueueMemberSnapshot,
    QueueSnapshot,
)

log = logging.getLogger(__name__)


def channel_snapshots(
    frames: Iterable[Frame], counters: Counters | None = None
) -> tuple[ChannelSnapshot, ...]:
    """CoreShowChannel items → channel records (other frames are ignored)."""
    channels: list[ChannelSnapshot] = []
    for f in frames:
        if f.get("Event") != "CoreShowChannel":
            continue
        try:
            channels.append(
                ChannelSnapshot(
                    call_id=f.get("Linkedid") or f["Uniqueid"],
                    leg_id=f["Uniqueid"],
                    channel=f["Channel"],
                    state=f.get("ChannelStateDesc", ""),
                    caller_num=_number(f.get("CallerIDNum", "")),
                    caller_name=_number(f.get("CallerIDName", "")),
                    application=f.get("Application", ""),
                    app_data=f.get("ApplicationData", ""),
                    duration_s=_duration(f.get("Duration", "")),
                    bridge_id=f.get("BridgeId", ""),
                )
            )
        except KeyError as exc:
            _malformed(counters, "CoreShowChannel", exc)
    return tuple(channels)


def queue_snapshots(
    frames: Iterable[Frame],
    channels: Sequence[ChannelSnapshot] = (),
    counters: Counters | None = None,
) -> tuple[QueueSnapshot, ...]:
    """QueueParams/QueueMember/QueueEntry items → one record per queue, in PBX order."""
    call_of = {c.leg_id: c.call_id for c in channels}
    order: list[str] = []
    strategy: dict[str, str] = {}
    members: dict[str, list[QueueMemberSnapshot]] = {}
    entries: dict[str, list[QueueEntrySnapshot]] = {}
    for f in frames:
        name = f.get("Event")
        try:
            if name == "QueueParams":
                queue = f["Queue"]
                if queue not in strategy:
                    order.append(queue)
                strategy[queue] = f.get("Strategy", "")
            elif name == "QueueMember":
                members.setdefault(f["Queue"], []).append(_member(f))
            elif name == "QueueEntry":
                entries.setdefault(f["Queue"], []).append(_entry(f, call_of))
        except (KeyError, ValueError) as exc:
            _malformed(counters, name or "?", exc)
    for queue in (*members, *entries):
        if queue not in strategy:
            order.append(queue)
            strategy[queue] = ""
    return tuple(
        QueueSnapshot(
            name=q,
            strategy=strategy[q],
            members=tuple(members.get(q, ())),
            entries=tuple(sorted(entries.get(q, ()), key=lambda e: e.position)),
        )
        for q in order
    )


def build_snapshot(
    queue_status: Iterable[Frame],
    core_channels: Iterable[Frame],
    *,
    ts: float,
    counters: Counters | None = None,
) -> PbxSnapshot:
    """Both resync answers → one snapshot taken at `ts`."""
    channels = channel_snapshots(core_channels, counters)
    return PbxSnapshot(
        ts=ts, queues=queue_snapshots(queue_status, channels, counters), channels=channels
    )


async def take_snapshot(
    conn: AmiConnection, *, timeout_s: float, counters: Counters | None = None
) -> PbxSnapshot:
    """Ask the PBX what is live (both lists at once) and build the snapshot.

    `ts` is local time: list answers carry no PBX Timestamp (the PBX runs on the same host or
    an NTP-synced one, so the two clocks agree to well under a ring).
    """
    queues, channels = await asyncio.gather(
        conn.action("QueueStatus", timeout_s=timeout_s),
        conn.action("CoreShowChannels", timeout_s=timeout_s),
    )
    return build_snapshot(queues.events, channels.events, ts=time.time(), counters=counters)


def _member(f: Frame) -> QueueMemberSnapshot:
    # QueueStatus answers with Name/Location; events use MemberName/Interface.
    interface = f.get("Location") or f.get("Interface") or f["StateInterface"]
    return QueueMemberSnapshot(
        queue=f["Queue"],
        interface=interface,
        member_name=f.get("Name") or f.get("MemberName") or interface,
        status=int(f["Status"]),
        paused=f.get("Paused", "0") == "1",
        paused_reason=f.get("PausedReason", ""),
        in_call=f.get("InCall", "0") == "1",
    )


def _entry(f: Frame, call_of: dict[str, str]) -> QueueEntrySnapshot:
    leg = f["Uniqueid"]
    return QueueEntrySnapshot(
        queue=f["Queue"],
        call_id=f.get("Linkedid") or call_of.get(leg, leg),
        leg_id=leg,
        position=int(f["Position"]),
        wait_s=float(f.get("Wait", "0")),
        caller_num=_number(f.get("CallerIDNum", "")),
        caller_name=_number(f.get("CallerIDName", "")),
    )


def _number(value: str) -> str:
    """Caller ID as given, except the PBX's placeholder for none."""
    return "" if value == "<unknown>" else value


def _duration(value: str) -> int | None:
    """CoreShowChannel's `Duration` (HH:MM:SS, whole seconds) → seconds; None if absent."""
    try:
        hours, minutes, secs = (int(part) for part in value.split(":"))
    except ValueError:
        return None
    return hours * 3600 + minutes * 60 + secs


def _malformed(counters: Counters | None, name: str, exc: Exception) -> None:
    if counters is not None:
        bump(counters.malformed_events, name)
    log.warning("malformed AMI %s item in resync: %s: %s", name, type(exc).__name__, exc)


__all__ = ["build_snapshot", "channel_snapshots", "queue_snapshots", "take_snapshot"]
