"""The dialer's scripted customers on the bench PBX (numbers 1390000XXXX).

They live in `docker/asterisk/bench/extensions.conf` between the `BEGIN dialer-customers` and
`END dialer-customers` markers. A PBX started before they were added does not know them, and
restarting a PBX that other people's tests use would cut their calls, so `install()` adds the
same lines at run time with `dialplan add extension ... replace` (idempotent, touches nothing
else). Each customer's behaviour is then set per number with globals (`script()`).
"""

from __future__ import annotations

import re

from callcenter.pbx import bench

CONTEXT = "bench-customers"
PATTERN = "_1390000XXXX"
_BLOCK = re.compile(r"; BEGIN dialer-customers\n(.*?); END dialer-customers", re.S)


def _lines() -> list[tuple[str, int, str]]:
    """(pattern, priority, application) of every line of the block, numbered explicitly."""
    text = (bench.BENCH_CONFIG / "extensions.conf").read_text(encoding="utf-8")
    match = _BLOCK.search(text)
    assert match is not None, "dialer-customers block missing from the bench dialplan"
    lines: list[tuple[str, int, str]] = []
    pattern, priority = "", 0
    for raw in match.group(1).splitlines():
        line = raw.strip()
        if line.startswith("exten =>"):
            pattern, first, app = line.removeprefix("exten =>").strip().split(",", 2)
            priority = int(first)
        elif line.startswith("same =>"):
            _, app = line.removeprefix("same =>").strip().split(",", 1)
            priority += 1
        else:
            continue
        lines.append((pattern, priority, app))
    return lines


def installed() -> bool:
    out = bench.cli(f"dialplan show {PATTERN}@{CONTEXT}")
    return "Hangup()" in out


def install() -> None:
    """Add the block to the running PBX unless it is there already."""
    if installed():
        return
    for pattern, priority, app in _lines():
        arg = f"{pattern},{priority},{app}"
        quoted = '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
        bench.cli(f"dialplan add extension {quoted} into {CONTEXT} replace")


def script(number: str, *, ring: str = "1", keys: str = "", first: float = 1.0,
           gap_ms: int = 1500, after: str = "30") -> None:
    """Set how customer `number` behaves on the next call (see the dialplan's comment)."""
    for name, value in (("RING", ring), ("KEYS", keys), ("FIRST", f"{first:g}"),
                        ("GAP", str(gap_ms)), ("AFTER", after)):
        bench.set_global(f"DC_{name}_{number}", value)
