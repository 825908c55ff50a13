"""Schemathesis fuzzes the running service from its own OpenAPI document: no 5xx allowed.

The service runs as `python -m callcenter serve` on a free port, exactly as deployed. Each
operation is called with a token of a role it admits (the document's `x-roles`; admin when
it admits admins), so every module is fuzzed past its role check. The seeded accounts and
tokens get ids far from the small numbers the fuzzer tries, so a generated
`DELETE /api/tokens/1` cannot lock the run out halfway. It runs on PostgreSQL, the
production back-end and the stricter one (32-bit integers, no NUL in text), to stay within
a minute.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.auth.models import AccountRow, ApiTokenRow
from callcenter.auth.passwords import hash_password
from callcenter.auth.principal import Role
from callcenter.auth.secret import digest, new_api_token
from callcenter.directory.models import AgentRow
from callcenter.storage.database import open_database

pytestmark = pytest.mark.integration

FAR_ID = 2_000_000_000
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 8
PREFERENCE = ("admin", "manager", "supervisor", "technician", "agent")


async def _seed_tokens(database_url: str) -> dict[str, str]:
    """One account and token per role, with ids the fuzzer will not stumble on."""
    tokens: dict[str, str] = {}
    now = datetime.now(UTC)
    password_hash = await hash_password("x" * 12)
    db = open_database(database_url)
    try:
        async with db.transaction() as session:
            session.add(AgentRow(id="fuzz-agent", display_name="Fuzz", team="", languages=[],
                                 source="directory", interfaces=[], created_at=now,
                                 updated_at=now))
            await session.flush()
            for n, role in enumerate(Role):
                tokens[str(role)] = token = new_api_token()
                session.add(AccountRow(id=FAR_ID + n, username=f"fuzz-{role}",
                                       display_name="Fuzz", role=str(role),
                                       password_hash=password_hash, active=True,
                                       agent_id="fuzz-agent" if role == Role.AGENT else None,
                                       created_at=now, updated_at=now))
                await session.flush()
                session.add(ApiTokenRow(id=FAR_ID + n, account_id=FAR_ID + n, name="fuzz",
                                        token_hash=digest(token), hint=token[:10],
                                        created_at=now))
    finally:
        await db.dispose()
    return tokens


def _config(base: str, tokens: dict[str, str]) -> str:
    """schemathesis.toml: admin's token by default, another role's where admin is refused."""
    with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5) as response:
        document = json.load(response)
    lines = [f'headers = {{ Authorization = "Bearer {tokens["admin"]}" }}']
    for path, item in document["paths"].items():
        for method, operation in item.items():
            roles = operation.get("x-roles") if isinstance(operation, dict) else None
            if not roles or "admin" in roles:
                continue
            role = next(r for r in PREFERENCE if r in roles)
            name = json.dumps(f"{method.upper()} {path}")
            lines += ["", "[[operations]]", f"include-name = {name}",
                      f'headers = {{ Authorization = "Bearer {tokens[role]}" }}']
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the service exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"the service did not answer {url} within {timeout_s} s")


@pytest.fixture
def live_service(pg_url: str, tmp_path: Path
                 ) -> Iterator[tuple[str, dict[str, str], Path]]:
    """(base URL, token per role, server log) of a service running in its own process."""
    tokens = asyncio.run(_seed_tokens(pg_url))
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": pg_url, "CALLCENTER_HTTP_HOST": "127.0.0.1",
           "CALLCENTER_HTTP_PORT": str(port), "CALLCENTER_LOG_LEVEL": "WARNING",
           "REDIS_URL": ""}
    env.pop("CALLCENTER_CONFIG", None)
    log = tmp_path / "service.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([sys.executable, "-m", "callcenter", "serve"], env=env,
                                  stdout=sink, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/api/openapi.json", server)
        yield f"http://127.0.0.1:{port}", tokens, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_fuzzing_the_documented_api_finds_no_server_error(
    live_service: tuple[str, dict[str, str], Path], tmp_path: Path
) -> None:
    base, tokens, log = live_service
    assert SCHEMATHESIS.exists(), "schemathesis is a dev dependency: pip install -e .[dev]"
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(base, tokens))
    command = [
        str(SCHEMATHESIS), "--config-file", str(config), "run", f"{base}/api/openapi.json",
        "--checks", "not_a_server_error",
        "--max-examples", str(MAX_EXAMPLES),
        "--phases", "examples,coverage,fuzzing",
        "--seed", "20261122",
        "--workers", "1",
        "--request-timeout", "10",
        "--suppress-health-check", "all",
        "--report-dir", str(tmp_path / "report"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "NO_COLOR": "1"}, check=False)
    assert run.returncode == 0, (
        f"schemathesis found problems:\n{run.stdout[-12000:]}\n{run.stderr[-3000:]}\n"
        f"--- service log ---\n{log.read_text(errors='replace')[-8000:]}")
