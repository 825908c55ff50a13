"""Runs bench scenarios through the AMI adapter, optionally recording each one's transcript.

Recorded transcripts are how unit tests see real Asterisk output without a PBX: a scenario is
recorded alone (so its transcript holds only its own calls) with the raw stream as Asterisk
sent it, version included.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from callcenter.ami import AmiLink, Recorder
from callcenter.devtools.pbx import scenarios
from callcenter.settings import AmiSettings


async def run_scenarios(
    settings: AmiSettings, names: Sequence[str], *, record_dir: Path | None = None
) -> list[Path]:
    unknown = [n for n in names if n not in scenarios.SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenarios {unknown}; known: {sorted(scenarios.SCENARIOS)}")
    chosen = [scenarios.SCENARIOS[n] for n in names or scenarios.SCENARIOS]
    link = AmiLink(settings, consumers=[])
    await link.start()
    written: list[Path] = []
    try:
        await link.wait_connected(timeout_s=15)
        if record_dir is None:
            await scenarios.run(link, chosen)
            return written
        await asyncio.to_thread(record_dir.mkdir, parents=True, exist_ok=True)
        for scenario in chosen:
            async with Recorder(settings, record_dir / f"{scenario.name}.ami") as recorder:
                await scenarios.run(link, [scenario], settle_s=2.0)
            written.append(recorder.path)
    finally:
        await link.stop()
    return written
