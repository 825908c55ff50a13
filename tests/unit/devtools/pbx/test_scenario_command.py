"""`callcenter scenario`: its help lists the scenarios; a name it does not know is a usage
error that lists them, not a traceback."""

from __future__ import annotations

import pytest

from callcenter.cli import build_parser
from callcenter.devtools.pbx.scenarios import SCENARIOS

pytestmark = pytest.mark.unit


def test_the_scenario_help_lists_every_scenario_with_its_description(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["scenario", "--help"])
    out = capsys.readouterr().out
    for name, scenario in SCENARIOS.items():
        assert name in out
        assert scenario.description[:40] in out


def test_an_unknown_scenario_is_a_usage_error_naming_the_known_ones(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["scenario", "no_such_call"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'no_such_call'" in err
    assert "queue_timeout" in err
