"""The production module list loads in full on the bench: a module named in modules.conf
that fails to start (a missing config file, a missing dependency) would otherwise show only
when its feature is first used on a live call."""

import re

import pytest

from callcenter.devtools.pbx import bench
from callcenter.devtools.pbx.bench import PRODUCTION_CONFIG

pytestmark = pytest.mark.e2e


def test_every_module_of_the_production_list_is_running(bench_pbx: str) -> None:
    listed = re.findall(r"^load\s*=\s*(\S+\.so)", (PRODUCTION_CONFIG / "modules.conf")
                        .read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert "app_amd.so" in listed
    shown = bench.cli("module show")
    status = {m.group(1): m.group(2) for m in re.finditer(
        r"^(\S+\.so)\s+.*?\s(Running|Not Running|Declined|Unknown)\s", shown, re.MULTILINE)}
    not_running = {name: status.get(name, "absent") for name in listed
                   if status.get(name) != "Running"}
    assert not_running == {}
