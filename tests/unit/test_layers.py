"""What may reach for what, checked on the source: a rule broken fails the build.

The floors, bottom up: storage (and the plain helpers beside it: errors, clock, phones)
knows no domain package; the domain packages under `callcenter/` know neither the dialer
nor the developer tooling; the dialer sits beside the core and reaches other packages'
data through their functions, never their tables; the composition root (`app`, `pipeline`,
`schema`, the CLI) puts it all together. AMI words stay in `callcenter/ami/`: every action
the product sends is a named helper there (`callcenter.ami.actions`), so nothing outside
builds an action by name or by header dict.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("callcenter", "dialer", "ivr_flows", "agent_ui")
AMI_PACKAGE = ROOT / "callcenter" / "ami"
AMI_HEADERS = frozenset({"Action", "Queue", "Interface", "MemberName", "StateInterface",
                         "Paused", "Channel", "Context", "Exten", "Priority", "ChannelId",
                         "OtherChannelId", "Variable", "CallerID", "Timeout", "Async"})


DEVTOOLS = ROOT / "callcenter" / "devtools"


def _modules() -> Iterator[Path]:
    """Product modules outside the AMI package and the developer tooling."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if (AMI_PACKAGE not in path.parents and DEVTOOLS not in path.parents
                    and "migrations" not in path.parts):
                yield path


def imported_modules(source: str) -> list[str]:
    """Every absolute module name `source` imports (`from a.b import c` gives `a.b` and
    `a.b.c`, since `c` may be a module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _offenders(paths: Iterator[Path] | list[Path], bad: Callable[[str], bool]
               ) -> dict[str, list[str]]:
    result = {}
    for path in paths:
        names = sorted({name for name in imported_modules(path.read_text(encoding="utf-8"))
                        if bad(name)})
        if names:
            result[str(path.relative_to(ROOT))] = names
    return result


def _within(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


GROUND_FLOOR = ("callcenter.storage", "callcenter.errors", "callcenter.clock",
                "callcenter.settings", "callcenter.redact")


def test_storage_imports_no_domain_package() -> None:
    """Storage is the ground floor: the table registry that imports every package's tables
    is `callcenter.schema`, beside the composition root."""
    paths = sorted((ROOT / "callcenter" / "storage").rglob("*.py"))
    bad = _offenders(paths, lambda name: (_within(name, "callcenter", "dialer", "ivr_flows",
                                                  "agent_ui")
                                          and not _within(name, *GROUND_FLOOR)))
    assert bad == {}


COMPOSITION_ROOT = frozenset({"callcenter/app.py", "callcenter/pipeline.py",
                              "callcenter/cli.py", "callcenter/schema/tables.py"})


def test_the_core_imports_the_dialer_only_where_the_app_is_composed() -> None:
    paths = [path for path in _modules() if path.is_relative_to(ROOT / "callcenter")
             and str(path.relative_to(ROOT)) not in COMPOSITION_ROOT]
    assert _offenders(paths, lambda name: _within(name, "dialer")) == {}


def test_the_dialer_reaches_other_packages_through_functions_not_tables() -> None:
    """The dialer reads and changes customers, complaints, contracts, survey results and
    promised call-backs through those packages' query and service functions."""
    paths = sorted((ROOT / "dialer").rglob("*.py"))
    assert _offenders(paths, lambda name: _within(name, "callcenter")
                      and name.endswith(".models")) == {}


def test_nothing_but_the_command_line_imports_the_developer_tooling() -> None:
    paths = [path for path in _modules() if str(path.relative_to(ROOT)) != "callcenter/cli.py"]
    paths += sorted(AMI_PACKAGE.rglob("*.py"))
    assert _offenders(paths, lambda name: _within(name, "callcenter.devtools")) == {}


def test_the_import_reader_names_modules_and_their_imported_names() -> None:
    source = "import dialer.engine\nfrom callcenter.customers import models\n"
    assert imported_modules(source) == ["dialer.engine", "callcenter.customers",
                                        "callcenter.customers.models"]


def ami_action_sites(source: str) -> list[str]:
    """Places in `source` that build an AMI action: an `.action("Name", ...)` call, or a
    dict literal with two or more AMI header names as keys."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("action", "submit") and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            found.append(f"line {node.lineno}: .{node.func.attr}({node.args[0].value!r})")
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            if len(keys & AMI_HEADERS) >= 2:
                found.append(f"line {node.lineno}: headers {sorted(keys & AMI_HEADERS)}")
    return found


def test_no_module_outside_the_ami_package_builds_an_ami_action() -> None:
    offenders = {str(path.relative_to(ROOT)): sites for path in _modules()
                 if (sites := ami_action_sites(path.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_action_check_finds_a_header_dict_and_a_named_action() -> None:
    source = ('async def f(link):\n'
              '    await link.action("QueuePause", {"Interface": "x", "Paused": "true"})\n')
    assert ami_action_sites(source) == ["line 2: .action('QueuePause')",
                                        "line 2: headers ['Interface', 'Paused']"]


FRAMEWORK_FREE = ("callcenter.calls", "callcenter.rules", "callcenter.events",
                  "callcenter.auth.principal", "callcenter.storage", "callcenter.clock",
                  "callcenter.phones", "callcenter.sitecalendar.book")


def _framework_free_modules() -> list[str]:
    names = []
    for prefix in FRAMEWORK_FREE:
        path = ROOT.joinpath(*prefix.split("."))
        if path.is_dir():
            names += [f"{prefix}.{p.stem}" for p in sorted(path.glob("*.py"))
                      if p.stem not in ("__init__", "http")]
        else:
            names.append(prefix)
    return names


def test_the_domain_core_reaches_no_web_framework_through_its_imports() -> None:
    """Calls, rules, events and the principal are plain Python: importing any of them
    (their HTTP modules aside) must not load aiohttp."""
    script = ("import importlib, sys\n"
              f"for name in {_framework_free_modules()!r}:\n"
              "    importlib.import_module(name)\n"
              "    if 'aiohttp' in sys.modules:\n"
              "        print(name)\n"
              "        break\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


OWNER_PACKAGE = ROOT / "callcenter" / "calls"


def pbx_event_imports(source: str) -> list[str]:
    """Event classes of calls and agents in progress that `source` imports from
    `callcenter.events` (snapshots, the link's own events and the base class are not)."""
    import callcenter.events as events

    progress = {name for name, value in vars(events).items() if isinstance(value, type)
                and issubclass(value, events.PbxEvent) and value is not events.PbxEvent}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "callcenter.events":
            found += [alias.name for alias in node.names if alias.name in progress]
    return found


def test_only_the_live_state_owner_reads_the_events_of_calls_and_agents() -> None:
    """One owner of live call and agent state: outside the AMI adapter that makes the events
    and `callcenter/calls/` that owns what they mean, nobody works out from raw events
    whether a phone rings or a call ended; pops, presence, the dialer and the hub read the
    owner's change records instead."""
    offenders = {
        str(path.relative_to(ROOT)): names for path in _modules()
        if OWNER_PACKAGE not in path.parents
        and (names := pbx_event_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_event_import_check_names_a_ring_event() -> None:
    source = "from callcenter.events import AgentRung, PbxSnapshot, PbxEvent\n"
    assert pbx_event_imports(source) == ["AgentRung"]
