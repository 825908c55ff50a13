"""The dialer's scripted customers on the bench PBX (numbers 1390000XXXX).

They live in `docker/asterisk/bench/extensions.conf` between the `BEGIN dialer-customers` and
`END dialer-customers` markers. A PBX started before they were added does not know them, and
restarting a PBX that other people's tests use would cut their calls, so `install()` adds the
same lines at run time (`tests.e2e.dialplan`). Each customer's behaviour is then set per
number with globals (`script()`).
"""

from __future__ import annotations

import re

from callcenter.devtools.pbx import bench
from tests.e2e import dialplan

CONTEXT = "bench-customers"
PATTERN = "_1390000XXXX"
_BLOCK = re.compile(r"; BEGIN dialer-customers\n(.*?); END dialer-customers", re.S)


def _lines() -> list[dialplan.Line]:
    """(pattern, priority, application) of every line of the block, numbered explicitly."""
    text = (bench.BENCH_CONFIG / "extensions.conf").read_text(encoding="utf-8")
    match = _BLOCK.search(text)
    assert match is not None, "dialer-customers block missing from the bench dialplan"
    return dialplan.numbered(match.group(1))


def installed() -> bool:
    out = bench.cli(f"dialplan show {PATTERN}@{CONTEXT}")
    return "Hangup()" in out


def install() -> None:
    """Add the block to the running PBX unless it is there already."""
    if not installed():
        dialplan.add(CONTEXT, _lines())


def script(number: str, *, ring: str = "1", keys: str = "", first: float = 1.0,
           gap_ms: int = 1500, after: str = "30") -> None:
    """Set how customer `number` behaves on the next call (see the dialplan's comment)."""
    for name, value in (("RING", ring), ("KEYS", keys), ("FIRST", f"{first:g}"),
                        ("GAP", str(gap_ms)), ("AFTER", after)):
        bench.set_global(f"DC_{name}_{number}", value)
