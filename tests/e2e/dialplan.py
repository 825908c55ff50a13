"""Dialplan lines added to a running bench PBX that was started before they existed.

Restarting a PBX that other people's tests use would cut their calls, so the lines are added
at run time with `dialplan add extension ... replace` (idempotent, touches nothing else). The
lines are read from the configuration files themselves, so they cannot drift from them; they
must be written without labels, which `dialplan add extension` does not know.
"""

from __future__ import annotations

from pathlib import Path

from callcenter.devtools.pbx import bench

Line = tuple[str, int, str]  # pattern, priority, application


def numbered(text: str) -> list[Line]:
    """(pattern, priority, application) of every `exten =>` / `same =>` line of `text`."""
    lines: list[Line] = []
    pattern, priority = "", 0
    for raw in text.splitlines():
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


def context_text(path: Path, context: str) -> str:
    """The body of `[context]` in a dialplan file, up to the next section."""
    body: list[str] = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            inside = line.split("]", 1)[0] == f"[{context}"
            continue
        if inside:
            body.append(line)
    assert body, f"[{context}] missing from {path}"
    return "\n".join(body)


def add(context: str, lines: list[Line]) -> None:
    for pattern, priority, app in lines:
        arg = f"{pattern},{priority},{app}"
        quoted = '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
        bench.cli(f"dialplan add extension {quoted} into {context} replace")


def ensure_context(context: str, probe: str) -> None:
    """Add the production `[context]` unless the running PBX shows `probe` in it."""
    if probe not in bench.cli(f"dialplan show {context}"):
        add(context, numbered(context_text(bench.PRODUCTION_CONFIG / "extensions.conf",
                                           context)))
