"""The benchmarks take their database URL in the same forms as DATABASE_URL, and refuse a bad
one with the setting's own message before anything starts."""

from __future__ import annotations

import pytest

from callcenter.cli import main

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("bench", ["pop", "claim"])
def test_a_url_that_is_no_database_url_is_refused_with_the_settings_message(
        bench: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", bench, "--database-url", "mysql://db.example/callcenter"]) == 2
    assert "DATABASE_URL: 'mysql://db.example/callcenter' is not a database URL" in (
        capsys.readouterr().err)


def test_the_claim_benchmark_refuses_sqlite_which_runs_one_worker_only(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "claim", "--database-url", "sqlite+aiosqlite:///unused.db"]) == 2
    assert "needs PostgreSQL" in capsys.readouterr().out
