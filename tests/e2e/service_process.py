"""`callcenter serve` in a child process, for the e2e tests that stop and restart it."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path


class Service:
    """`callcenter serve` in a child process, logging to a file in the test's directory."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "callcenter", "serve"],
                                            env=self.env, stdout=out, stderr=out)

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)

    async def connected(self) -> bool:
        """/health says the PBX link is up (logged in and resynced)."""
        url = f"http://127.0.0.1:{self.env['CALLCENTER_HTTP_PORT']}/health"

        def get() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    return bool(json.load(response)["pbx"].get("ok"))
            except OSError:
                return False

        return await asyncio.to_thread(get)
