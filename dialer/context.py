"""The dialer's place in the service: one `cleanup_ctx` entry and its typed app key.

It must come before `pbx_pipeline` in the cleanup list: the pipeline builds the AMI link
with the dialer among its consumers and attaches the link to it. This entry starts the
FastAGI server the `[survey]` dialplan calls, and the APScheduler jobs (a pass every
`tick_s`, lease renewal every third of a lease); on the way down it stops them, and calls
in flight are left to the next start (their leases lapse and are settled then).

A FastAGI port already taken does not stop the service: answered calls then hit the
dialplan's fall-through (polite goodbye) and are recorded as failed attempts, not surveys.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from callcenter.ami.fastagi import FastAgiServer
from callcenter.calls.http import CALL_TRACKER
from callcenter.scheduling import OwnedScheduler
from callcenter.sitecalendar.context import CALENDAR_BOOK
from callcenter.web.keys import DATABASE, HUB, SETTINGS
from dialer.agi import flow_route
from dialer.claim import claim_engine
from dialer.config import DialerConfig
from dialer.engine import Dialer
from ivr_flows.flows import check_prompts
from ivr_flows.prompts import load_prompts

log = logging.getLogger(__name__)
# APScheduler logs every run of every job at INFO: a line a second per job drowns the log.
logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)

DIALER = web.AppKey("dialer", Dialer)
FASTAGI = web.AppKey("fastagi", FastAgiServer)


async def dialer_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    d = settings.dialer
    prompts = load_prompts(d.prompts_file)
    check_prompts(prompts)
    db = app[DATABASE]
    engine = claim_engine(settings.database_url) if db.backend == "postgresql" else None
    config = DialerConfig.from_settings(settings, app[CALENDAR_BOOK])
    dialer = Dialer(db, config, prompts, app[CALL_TRACKER], hub=app[HUB],
                    claim_engine=engine)
    app[DIALER] = dialer
    server = FastAgiServer(d.fastagi_host, d.fastagi_port, flow_route(dialer.run_flow_for))
    app[FASTAGI] = server
    jobs = OwnedScheduler(AsyncIOScheduler(timezone=UTC))
    if d.enabled:
        try:
            await server.start()
        except OSError as exc:
            log.error("FastAGI not listening on %s:%s (%s): answered dialer calls will "
                      "fall through to the dialplan's goodbye", d.fastagi_host, d.fastagi_port,
                      exc)
        jobs.add_job(dialer.tick, "interval", seconds=d.tick_s, max_instances=1,
                     coalesce=True, next_run_time=datetime.now(UTC), id="dialer-pass")
        jobs.add_job(dialer.renew, "interval", seconds=max(1.0, d.lease_s / 3),
                     max_instances=1, coalesce=True, id="dialer-leases")
        jobs.scheduler.start()
    yield
    await dialer.stop()  # ends the pass in progress; runs from now on do nothing
    await jobs.stop()
    await server.stop()
    if engine is not None:
        await engine.dispose()


__all__ = ["DIALER", "FASTAGI", "dialer_context"]
