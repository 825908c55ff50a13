"""The dialer worker: plan, claim, pace, originate, follow, settle (R13-R20).

`run_once()` is one pass, the unit the tests drive: plan (outbox → jobs, slots, risk), settle
expired leases (interrupted, or adopted from the PBX), then claim and place calls while the
caps allow. APScheduler runs it every `tick_s`; a finished call also starts a fill at once.

Each claimed attempt is one task that owns it to the end: wait for its originate slot, make
the claim durable (`mark_dialled`), Originate (Async, ChannelId naming job and attempt,
JOB_ID and FASTAGI channel variables), follow the PBX's events (`AttemptCall`), and settle the
outcome with the write-back (`finish_attempt`). The live-state owner hands its records of
originates and hang-ups synchronously (`on_change`); the flow runs in the FastAGI server's
task (`run_flow_for`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from callcenter.ami import actions
from callcenter.ami.protocol import HeaderValue
from callcenter.calls.changes import Change, LegEnded, OriginateEnded, Resynced
from callcenter.calls.tracker import CallTracker
from callcenter.clock import utcnow
from callcenter.errors import CallcenterError
from callcenter.hub.base import Hub
from callcenter.overdue import reminders
from callcenter.storage.database import Database
from dialer import notify
from dialer.attempt_calls import AttemptCall
from dialer.claim import Claim, claim_one, mark_dialled, renew_leases
from dialer.config import AUTO_KINDS, DialerConfig
from dialer.control import is_paused
from dialer.finish import AttemptEnd, Settled, finish_attempt, save_answer, stored_flow
from dialer.kinds import Outcome
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.numbers import dial_string, dialable
from dialer.pacing import Pacer
from dialer.planning_pass import PlanReport, plan_once
from dialer.preview import import_promises
from dialer.reconcile import expire_leases
from dialer.satisfaction import technician_figures
from dialer.schemas import DialerCaps, DialerStatus
from ivr_flows.channel import Channel
from ivr_flows.flows import FLOWS, FlowContext, run_flow
from ivr_flows.prompts import PromptBook
from ivr_flows.result import FlowResult

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
STOP_GRACE_S = 5.0


class PbxDialer(Protocol):
    """What the dialer needs from the AMI link (`callcenter.ami.AmiLink` has it)."""

    @property
    def connected(self) -> bool: ...

    def send_originate(self, headers: Mapping[str, HeaderValue]) -> str: ...


@dataclass
class RunReport:
    plan: PlanReport = field(default_factory=PlanReport)
    interrupted: int = 0
    adopted: int = 0
    dialled: int = 0


class Dialer:
    """One dialer worker (one per service instance)."""

    def __init__(self, db: Database, config: DialerConfig, prompts: PromptBook,
                 tracker: CallTracker, *,
                 hub: Hub | None = None, claim_engine: AsyncEngine | None = None,
                 clock: Clock = utcnow, worker: str | None = None) -> None:
        self.db, self.config, self.prompts, self.hub = db, config, prompts, hub
        self.worker = worker or f"dialer-{uuid.uuid4().hex[:10]}"
        self._claim_engine = claim_engine
        self._clock = clock
        d = config.dialer
        self.pacer = Pacer(d.max_calls, {k: config.kind_cap(k) for k in AUTO_KINDS},
                           d.originates_per_s)
        self.pbx: PbxDialer | None = None
        self.paused = False
        self.live: dict[str, AttemptCall] = {}
        self.tracker = tracker
        tracker.subscribe(self.on_change)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._fill_lock = asyncio.Lock()
        self._stopping = False

    # -- the live-state owner's records (synchronous, in event order) -----------------------

    def on_change(self, change: Change) -> None:
        if isinstance(change, OriginateEnded):
            call = self.live.get(change.leg_id)
            if call is not None:
                call.originate_result(change.success, change.reason, change.ts)
        elif isinstance(change, LegEnded):
            call = self.live.get(change.leg_id.partition(";")[0])
            if call is not None:
                call.hung_up(change.leg_id, change.cause)
        elif isinstance(change, Resynced):
            for call in self.live.values():
                if not self.pbx_has(call.channel_id) and (call.success or call.adopted):
                    call.lost()  # ended while the link was down

    def pbx_has(self, channel_id: str) -> bool:
        """Whether the PBX still has the attempt's originated leg (the one running the flow).

        Only that leg counts: on the bench the customer's side of a Local channel (`;2`) was
        seen to outlive it by seconds, still keying, after the survey side had hung up.
        """
        return self.tracker.pbx_has(channel_id)

    # -- lifecycle ----------------------------------------------------------------------------

    def attach(self, pbx: PbxDialer) -> None:
        self.pbx = pbx

    async def stop(self) -> None:
        """Let a pass in progress end (a few seconds at most), then stop following calls:
        their leases lapse and the next start settles them."""
        self._stopping = True
        passes = [t for t in self._tasks if not t.get_name().startswith("call-")]
        if passes:
            await asyncio.wait(passes, timeout=STOP_GRACE_S)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            _, stuck = await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_S)
            if stuck:  # a stop must end: a task deaf to cancellation is named and left
                log.error("dialer stop: tasks still running after cancel: %s",
                          sorted(task.get_name() for task in stuck))

    async def idle(self) -> None:
        """Wait until nothing the dialer started is still running: calls, passes, and the
        refill a finished call starts (which claims with the clock of the moment it runs)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- one pass -----------------------------------------------------------------------------

    async def run_once(self, now: datetime | None = None) -> RunReport:
        """Plan, settle expired leases, fill the free lines (see the module docstring)."""
        now = now or self._clock()
        report = RunReport(plan=await plan_once(self.db, self.config, now))
        async with self.db.transaction() as session:
            report.plan.created += await import_promises(session, self.config, now)
        await notify.publish(self.hub, report.plan.at_risk)
        self.paused = await is_paused(self.db)
        self._drop_ended_adoptions()
        if self.pbx is not None and self.pbx.connected and self.tracker.pbx_legs_known:
            expiry = await expire_leases(self.db, self.config, self.worker, now, self.pbx_has)
            report.interrupted = len(expiry.interrupted)
            report.adopted = len(expiry.adopted) + len(expiry.answered)
            if expiry.interrupted or report.adopted:
                log.info("expired leases: jobs %s interrupted; %s followed on the PBX; %s "
                         "settled from saved answers", expiry.interrupted,
                         [c.channel_id for c in expiry.adopted],
                         [c.channel_id for c in expiry.answered])
            for claim in expiry.adopted:
                self._start_call(claim, adopted=True)
            for claim in expiry.answered:
                self._start_call(claim, adopted=True).lost()
        report.dialled = await self.fill()
        return report

    def _drop_ended_adoptions(self) -> None:
        """An adopted call whose leg the PBX no longer has is over, seen or not."""
        if not self.tracker.pbx_legs_known:
            return
        for call in self.live.values():
            if call.adopted and not self.pbx_has(call.channel_id):
                call.lost()

    async def tick(self) -> None:
        """The scheduler's job: one pass, failures logged (a database outage is retried).

        The pass runs as a task the dialer owns, so `stop()` ends it before the database
        goes away; the scheduler's own task only waits for it.
        """
        await self._owned(self._guarded(self.run_once(), "dialer pass"), "dialer-pass")

    async def renew(self) -> None:
        """The scheduler's other job: keep this worker's leases while its calls last."""
        ids = [call.claim.job_id for call in self.live.values()]
        renewal = renew_leases(self.db, self.worker, ids, self._clock(), self.config.lease)
        await self._owned(self._guarded(renewal, "lease renewal"), "dialer-leases")

    async def _owned(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        if self._stopping:
            coro.close()
            return
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # the app is stopping: its scheduler cancels the run it waits on; `stop()`
            # owns and ends the pass itself, so this is no failure of the scheduled job

    @staticmethod
    async def _guarded(work: Coroutine[Any, Any, object], what: str) -> None:
        try:
            await work
        except (SQLAlchemyError, OSError, CallcenterError) as exc:
            log.warning("%s failed, retried on the next tick: %s", what, exc)

    async def fill(self) -> int:
        """Claim and start calls while lines are free, not paused and the PBX is there."""
        started = 0
        async with self._fill_lock:
            while (not self.paused and self.pbx is not None and self.pbx.connected
                   and not self._no_call_day()):
                kinds = self.pacer.free_kinds(AUTO_KINDS)
                if not kinds:
                    break
                claim = await claim_one(self.db, self.worker, kinds, self._clock(),
                                        self.config.lease, engine=self._claim_engine)
                if claim is None:
                    break
                self._start_call(claim)
                started += 1
        return started

    def _no_call_day(self) -> bool:
        """Today at the site is a public holiday or unknown to every calendar source: jobs
        planned before the calendar said so wait, and are planned again when their window
        closes."""
        today = self._clock().astimezone(self.config.site_zone).date()
        return self.config.policy.no_call_day(today)

    def _start_call(self, claim: Claim, *, adopted: bool = False) -> AttemptCall:
        if adopted:
            self.pacer.occupy(claim.kind)
        else:
            self.pacer.take(claim.kind)
        call = AttemptCall(claim, adopted=adopted)
        self.live[claim.channel_id] = call
        self._spawn(self._attempt(call), f"call-{claim.channel_id}")
        return call

    def _kick(self) -> None:
        async def refill() -> None:
            with contextlib.suppress(SQLAlchemyError, OSError, CallcenterError):
                await self.fill()

        if not self.paused and not self._stopping:
            self._spawn(refill(), "dialer-refill")

    # -- one attempt --------------------------------------------------------------------------

    async def _attempt(self, call: AttemptCall) -> None:
        claim = call.claim
        try:
            if not call.adopted and not await self._dial(call):
                return
            await call.follow(self.config.dialer.ring_s)
            flow = call.flow or (FlowResult(FLOWS[claim.kind].questions, dict(call.partial),
                                            hung_up=True) if call.partial else None)
            if flow is None:
                flow = await self._stored_flow(claim)
            end = AttemptEnd(claim.channel_id, call.outcome(flow), call.reason, call.cause,
                             call.answered_at, self._clock(), flow)
            await self._settle(end)
        except (SQLAlchemyError, OSError) as exc:
            log.error("attempt %s not settled (its lease will lapse): %s", claim.channel_id, exc)
        finally:
            self.live.pop(claim.channel_id, None)
            self.pacer.give_back(claim.kind)
            self._kick()

    async def _dial(self, call: AttemptCall) -> bool:
        """Pace, make the claim durable, Originate; False when the attempt ended already."""
        claim, d = call.claim, self.config.dialer
        await self.pacer.wait_turn()
        if not await mark_dialled(self.db, claim, self.worker, self._clock()):
            return False
        number = dialable(claim.phone or "", self.config.phone_region, d.dial_prefix)
        failure = Outcome.INVALID_NUMBER if number is None else None
        if number is not None and self.pbx is not None:
            headers = actions.originate(
                dial_string(d.dial_string, number), "survey", "s",
                channel_id=claim.channel_id, timeout_s=d.ring_s, caller_id=d.caller_id or None,
                variables={"JOB_ID": claim.channel_id, "FASTAGI": d.agi_url})
            try:
                self.pbx.send_originate(headers)
                log.info("attempt %s: dialling %s", claim.channel_id, headers["Channel"])
                return True
            except CallcenterError as exc:
                log.warning("originate %s not sent: %s", claim.channel_id, exc)
        await self._settle(AttemptEnd(claim.channel_id, failure or Outcome.FAILED, None, None,
                                      None, self._clock(), None))
        return False

    async def _stored_flow(self, claim: Claim) -> FlowResult | None:
        async with self.db.sessions() as session:
            answers = await session.scalar(select(DialerAttemptRow.answers).where(
                DialerAttemptRow.channel_id == claim.channel_id))
        return stored_flow(FLOWS[claim.kind].questions, dict(answers or {}))

    async def _settle(self, end: AttemptEnd) -> None:
        settled = await finish_attempt(self.db, self.config, self.worker, end)
        if settled is not None:
            log.info("attempt %s: %s (reason %s, cause %s) → job %s %s", end.channel_id,
                     settled.outcome, end.reason, end.cause, settled.state, settled.result)
            await self._announce(settled)

    async def _announce(self, settled: Settled) -> None:
        messages = [settled.hub_message()]
        written = settled.written
        if written is not None:
            if written.reminders and self.hub is not None:
                await reminders.announce(self.hub, written.reminders)
            if written.technician:
                async with self.db.sessions() as session:
                    figures = await technician_figures(session, written.technician,
                                                       self._clock(), self.config.site_zone)
                messages.append({"type": "dialer.satisfaction",
                                 **figures.model_dump(mode="json")})
        await notify.publish(self.hub, messages)

    # -- the flow (called by the FastAGI server) ---------------------------------------------

    async def run_flow_for(self, channel_id: str, channel: Channel) -> None:
        """Run the flow of the job whose attempt is `channel_id` on this answered call."""
        call = self.live.get(channel_id)
        kind = call.claim.kind if call is not None else await self._kind_of(channel_id)
        flow = FLOWS.get(kind or "")
        if flow is None:
            log.warning("FastAGI call for unknown attempt %r: not a dialer call", channel_id)
            return
        if call is not None:
            call.flow_started = True

        async def keep(name: str, value: int) -> None:
            if call is not None:
                call.partial[name] = value
            await save_answer(self.db, channel_id, name, value)

        d = self.config.dialer
        ctx = FlowContext(channel, self.prompts, d.answer_timeout_s, keep, d.machine_detection)
        try:
            result = await run_flow(flow, ctx)
        finally:
            if call is not None:
                call.flow_done.set()
        if call is not None:
            call.flow = result

    async def _kind_of(self, channel_id: str) -> str | None:
        async with self.db.sessions() as session:
            return await session.scalar(
                select(DialerJobRow.kind).join(DialerAttemptRow,
                                               DialerAttemptRow.job_id == DialerJobRow.id)
                .where(DialerAttemptRow.channel_id == channel_id,
                       DialerAttemptRow.outcome.is_(None)))

    # -- status -------------------------------------------------------------------------------

    def status(self) -> DialerStatus:
        """This instance's view; `paused` is its last reading of the shared switch."""
        d = self.config.dialer
        return DialerStatus(
            worker=self.worker, paused=self.paused,
            pbx_connected=bool(self.pbx and self.pbx.connected),
            in_flight=self.pacer.in_flight,
            in_flight_by_kind={k: self.pacer.busy(k) for k in AUTO_KINDS if self.pacer.busy(k)},
            caps=DialerCaps(max_calls=d.max_calls, kind_caps=dict(d.kind_caps),
                            originates_per_s=d.originates_per_s))


__all__ = ["Dialer", "PbxDialer", "RunReport"]
