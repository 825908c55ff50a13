"""The agent desk assembled: presence, pops, wrap-up, the pages' feeds, and its background jobs.

The desk is a view of the live-state owner (`callcenter.calls.tracker.CallTracker`): it
listens to the owner's change records (agent presence, rings, originates) and keeps no call
or agent state of its own; presence changes are pushed to the agent's pages as the owner
applies them. The background sweep copies wrap-ups onto the registry and turns promised
call-backs that fall due into reminders on the agent's page (R6).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from callcenter.agents import records
from callcenter.agents.cards import AuditTrail, CardLoader, QueueInfos
from callcenter.agents.config import DeskSettings
from callcenter.agents.desk import ActionRunner, Desk, PbxActions
from callcenter.agents.feeds import Feeds
from callcenter.agents.models import PromisedCallbackRow
from callcenter.agents.pops import Pop, PopBoard
from callcenter.agents.presence import presence_json
from callcenter.agents.schemas import PromisedCallback
from callcenter.agents.wrapup import WrapupDesk
from callcenter.calls.agent_state import AgentState, Presence
from callcenter.calls.changes import AgentChanged, Change, OriginateEnded
from callcenter.calls.tracker import CallTracker
from callcenter.customers.service import customers_with_number
from callcenter.directory.service import DirectoryService
from callcenter.settings import Settings
from callcenter.storage.database import Database

log = logging.getLogger(__name__)

_ORIGINATE_RESULTS = {0: "failed", 1: "hangup", 3: "no_answer", 4: "answered", 5: "busy",
                      8: "congestion"}


class DialWatcher:
    """Hears how click-to-dial Originates ended and tells the agent's page."""

    def __init__(self, on_result: Callable[[str, str, str], None]) -> None:
        self._on_result = on_result
        self.dials: dict[str, str] = {}  # agent leg id -> agent id

    def on_change(self, change: Change) -> None:
        if isinstance(change, OriginateEnded):
            agent_id = self.dials.pop(change.leg_id, None)
            if agent_id is not None:
                result = _ORIGINATE_RESULTS.get(change.reason, f"reason_{change.reason}")
                self._on_result(agent_id, change.leg_id, result)


class AgentDeskService:
    def __init__(self, db: Database, directory: DirectoryService, settings: Settings,
                 desk_settings: DeskSettings, live: CallTracker) -> None:
        self.db = db
        self.directory = directory
        self.settings = settings
        self.desk_settings = desk_settings
        self.feeds = Feeds(desk_settings.client_queue)
        self.presence = live.agents
        self.queues = QueueInfos(directory)
        self.audit = AuditTrail(db)
        self.desk = Desk()
        self.runner = ActionRunner()
        self.wrapups = WrapupDesk(self.feeds, self.desk, self.runner, self.presence,
                                  self.queues, self.audit, self._store_unclassified)
        self.cards = CardLoader(db, settings.phone_region, settings.area_code,
                                sqlite_url=settings.database_url if db.backend == "sqlite"
                                else None)
        self.pops = PopBoard(self.feeds, self.queues.greeting, self.cards,
                             listener=self.wrapups)
        self.dial_watcher = DialWatcher(self._dial_ended)
        for listener in (self._presence_changed, self.pops.on_change,
                         self.dial_watcher.on_change):
            live.subscribe(listener)
        self._sweeper: asyncio.Task[None] | None = None

    def attach_pbx(self, pbx: PbxActions) -> None:
        self.desk.pbx = pbx

    # -- views -------------------------------------------------------------------------------

    def agent_presence(self, agent_id: str) -> list[Presence]:
        resolve = self.directory.agent_for_interface
        return [p for p in self.presence.all() if resolve(p.interface) == agent_id]

    def current(self, agent_id: str) -> Presence | None:
        """The agent's interface that is logged in, if any (one desk at a time)."""
        mine = [p for p in self.agent_presence(agent_id) if p.state is not AgentState.LOGGED_OUT]
        return mine[0] if mine else None

    def snapshot(self, agent_id: str) -> dict[str, Any]:
        """What a page needs to start: state, open pops, pending wrap-ups (in memory only)."""
        current = self.current(agent_id)
        return {
            "agent_id": agent_id,
            "presence": presence_json(current) if current else {
                "interface": None, "state": AgentState.LOGGED_OUT.value, "since": None,
                "queues": [], "paused_reason": "", "call_ids": []},
            "pops": [p.frame() for p in self.pops.open_pops(agent_id)],
            "wrapups": [w.frame() for w in self.wrapups.pending(agent_id)],
            "pause_reasons": list(self.desk_settings.pause_reasons),
        }

    def _presence_changed(self, change: Change) -> None:
        if not isinstance(change, AgentChanged):
            return
        presence = change.presence
        agent_id = self.directory.agent_for_interface(presence.interface)
        if agent_id is not None:
            self.feeds.publish(agent_id, {"type": "presence",
                                          "presence": presence_json(presence)})

    # -- click-to-dial -----------------------------------------------------------------------

    async def dial(self, agent_id: str, interface: str, number: str, national: str,
                   customer_id: int | None, caller_id: str) -> tuple[str, int | None]:
        """Originate the click-to-dial; returns its call id and the customer it is linked to:
        the one given, else the only customer with that number (R4, R5)."""
        if customer_id is None:  # a shared number (a family's line) links none: no guessing
            async with self.db.sessions() as session:
                found = await customers_with_number(session, number)
            customer_id = found[0] if len(found) == 1 else None
        leg_id = self.desk.dial(interface, national, self.desk_settings.dial_context,
                                caller_id, customer_id)
        self.dial_watcher.dials[leg_id] = agent_id
        return leg_id, customer_id

    def _dial_ended(self, agent_id: str, leg_id: str, result: str) -> None:
        self.feeds.publish(agent_id, {"type": "dial_result", "leg_id": leg_id,
                                      "result": result})

    # -- lifetime and the sweep ---------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.queues.refresh()
        except (SQLAlchemyError, OSError) as exc:
            log.error("queue greetings not loaded (database down): %s", exc)
        self.audit.start()
        self.cards.start()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever(),
                                                               name="agent-desk-sweep")

    async def stop(self) -> None:
        self.wrapups.close()
        self.feeds.close_all("service stopping")
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        await self.pops.close()
        await self.cards.stop()
        await self.runner.close()
        await self.audit.stop()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.desk_settings.sweep_interval_s)
            try:
                await self.sweep(datetime.now(UTC))
            except (SQLAlchemyError, OSError) as exc:
                log.warning("agent desk sweep skipped (database): %s", exc)

    async def sweep(self, now: datetime) -> None:
        """One round: registry outcomes, due call-backs, fresh greetings (run_once style)."""
        await records.fill_registry(self.db, now)
        await self.queues.refresh()
        async with self.db.transaction() as session:
            due = (await session.scalars(
                select(PromisedCallbackRow).where(PromisedCallbackRow.status == "open",
                                                  PromisedCallbackRow.reminded_at.is_(None),
                                                  PromisedCallbackRow.due_at <= now)
                .limit(100))).all()
            for row in due:
                row.reminded_at = now
        for row in due:  # the call-back as GET /api/agent/callbacks shows it
            callback = PromisedCallback.model_validate(row).model_dump(mode="json")
            self.feeds.publish(row.agent_id, {"type": "callback_due", "callback": callback})

    async def _store_unclassified(self, agent_id: str, pop: Pop) -> None:
        """A wrap-up whose time ran out: "not classified", with the customer the pop knew
        (only when the number matched one customer)."""
        customers = (pop.card or {}).get("customers") or []
        customer_id = int(customers[0]["id"]) if len(customers) == 1 else None
        await records.record_unclassified(self.db, agent_id, pop.call_id, customer_id,
                                          datetime.now(UTC))


__all__ = ["AgentDeskService", "DialWatcher"]
