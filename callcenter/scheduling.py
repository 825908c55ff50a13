"""APScheduler jobs whose runs belong to the app that scheduled them.

APScheduler's `shutdown()` does not cancel a coroutine job that is running; such a run would
outlive its app and hold a database connection while the engine is disposed (and a test's
event loop would wait for it forever). Jobs wrapped here are tracked, and `stop()` cancels
and awaits the runs in progress.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

Job = Callable[[], Awaitable[Any]]


class OwnedScheduler:
    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.scheduler = scheduler
        self._running: set[asyncio.Task[Any]] = set()

    def own(self, job: Job) -> Job:
        @wraps(job)
        async def tracked() -> Any:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                return await job()
            finally:
                self._running.discard(task)

        return tracked

    def add_job(self, job: Job, *args: Any, **kwargs: Any) -> None:
        self.scheduler.add_job(self.own(job), *args, **kwargs)

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        running = list(self._running)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
