"""The real PBX bench: Asterisk 22 from Debian sid, run in a chroot on the host.

Debian 12 has no Asterisk package, sid has Asterisk 22, and a sid chroot shares the host's
network, so AMI on 127.0.0.1:5038 and FastAGI servers on the host work unchanged. The chroot is
built once into a cache directory outside the repository (``.ci/install-pbx.sh``) and reused.

Each ``up`` copies the production configuration (``docker/asterisk``) and, for the bench, the
overlay (``docker/asterisk/bench``) into a private config directory inside the chroot. Overlay
files are pulled in by an ``#include`` appended to the copied production file only, so the
production files themselves never reference bench content.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_ROOT = Path("/var/cache/callcenter/pbx-sid")
ROOT_ENV = "CALLCENTER_PBX_ROOT"
AMI_HOST = "127.0.0.1"
AMI_PORT = 5038
AMI_USER = "callcenter"
AMI_SECRET = "callcenter"

REPO = Path(__file__).resolve().parents[3]
PRODUCTION_CONFIG = REPO / "docker" / "asterisk"
BENCH_CONFIG = PRODUCTION_CONFIG / "bench"
INSTALL_SCRIPT = REPO / ".ci" / "install-pbx.sh"

# Paths inside the chroot. They are private to the bench, so the packaged /etc/asterisk is
# never read and a stale socket of another Asterisk cannot be mistaken for ours.
CONF_DIR = "/etc/callcenter-asterisk"
RUN_DIR = "/var/run/callcenter-asterisk"
LOG_DIR = "/var/log/callcenter-asterisk"
SPOOL_DIR = "/var/spool/callcenter-asterisk"
DB_DIR = "/var/lib/callcenter-asterisk"
CACHE_DIR = "/var/cache/callcenter-asterisk"
ASTERISK_CONF = f"{CONF_DIR}/asterisk.conf"

CLI_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
STATUS_TIMEOUT_S = 3.0


class PbxError(RuntimeError):
    """The bench PBX could not be built, started, stopped or reached."""


def bench_root() -> Path:
    """The chroot directory; CALLCENTER_PBX_ROOT moves it (e.g. a CI cache)."""
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)


@contextmanager
def _exclusive() -> Iterator[None]:
    """One build/start/stop at a time across processes (parallel test workers, CI jobs)."""
    root = bench_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    with root.with_name(root.name + ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _inside(path: str) -> Path:
    return bench_root() / path.lstrip("/")


def ensure_built() -> None:
    """Build the chroot unless cached; the script is the one CI runs, so both stay identical."""
    with _exclusive():
        _build()


def _build() -> None:
    if not INSTALL_SCRIPT.is_file():
        raise PbxError(f"missing {INSTALL_SCRIPT}")
    env = {**os.environ, ROOT_ENV: str(bench_root())}
    done = subprocess.run(["bash", str(INSTALL_SCRIPT)], env=env, check=False)
    if done.returncode != 0:
        raise PbxError(f"{INSTALL_SCRIPT.name} failed with exit code {done.returncode}")


def _asterisk_conf() -> str:
    return (
        "[directories]\n"
        f"astetcdir => {CONF_DIR}\n"
        f"astrundir => {RUN_DIR}\n"
        f"astlogdir => {LOG_DIR}\n"
        f"astspooldir => {SPOOL_DIR}\n"
        f"astdbdir => {DB_DIR}\n"
        f"astcachedir => {CACHE_DIR}\n"
        "\n"
    )


def _write_config(with_bench: bool) -> None:
    """Fresh config dir on every start: nothing left over from an earlier run can load."""
    conf = _inside(CONF_DIR)
    shutil.rmtree(conf, ignore_errors=True)
    conf.mkdir(parents=True)
    for path in sorted(PRODUCTION_CONFIG.glob("*.conf")):
        shutil.copyfile(path, conf / path.name)
    if with_bench:
        (conf / "bench").mkdir()
        for path in sorted(BENCH_CONFIG.glob("*.conf")):
            shutil.copyfile(path, conf / "bench" / path.name)
            with (conf / path.name).open("a", encoding="utf-8") as merged:
                merged.write(f'\n#include "bench/{path.name}"\n')
    template = PRODUCTION_CONFIG / "asterisk.conf"
    options = template.read_text(encoding="utf-8") if template.is_file() else "[options]\n"
    (conf / "asterisk.conf").write_text(_asterisk_conf() + options, encoding="utf-8")
    for directory in (RUN_DIR, LOG_DIR, SPOOL_DIR, DB_DIR, CACHE_DIR):
        _inside(directory).mkdir(parents=True, exist_ok=True)


def _asterisk(*args: str) -> list[str]:
    return ["chroot", str(bench_root()), "asterisk", "-C", ASTERISK_CONF, *args]


def _state(pid: int) -> str:
    """Kernel process state letter (R, S, T when stopped, Z when a zombie), '' if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _is_ours(pid: int) -> bool:
    """A live (not zombie) Asterisk server whose root is the bench chroot, not a CLI client."""
    proc = Path(f"/proc/{pid}")
    try:
        if proc.joinpath("root").resolve() != bench_root().resolve():
            return False
        if _state(pid) in ("", "Z", "X"):
            return False
        argv = proc.joinpath("cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return False
    if not argv or not argv[0].endswith(b"asterisk"):
        return False
    return not any(arg.startswith(b"-r") or arg.startswith(b"-R") for arg in argv[1:])


def _scan() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _is_ours(int(entry.name)):
            found.append(int(entry.name))
    return sorted(found)


def pid() -> int | None:
    """Pid of the running bench Asterisk (the pid file first, a /proc scan if it is gone)."""
    try:
        recorded = int(_inside(f"{RUN_DIR}/asterisk.pid").read_text().strip())
    except (OSError, ValueError):
        recorded = None
    if recorded is not None and _is_ours(recorded):
        return recorded
    found = _scan()
    return found[0] if found else None


def kill(sig: int) -> None:
    """Send a signal to the running Asterisk (fault tests: SIGKILL, SIGSTOP, SIGCONT)."""
    current = pid()
    if current is None:
        raise PbxError("the bench PBX is not running")
    os.kill(current, sig)


def cli(command: str, *, timeout_s: float = CLI_TIMEOUT_S) -> str:
    """Run one CLI command on the running PBX and return its output."""
    try:
        done = subprocess.run(
            _asterisk("-rx", command),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PbxError(f"CLI command {command!r} timed out (is the PBX frozen?)") from exc
    if done.returncode != 0:
        raise PbxError(f"CLI command {command!r} failed: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def set_global(name: str, value: str) -> None:
    """Set a dialplan global (RING_<ext>, TALK_<ext>, KEYS_<number>...) without an AMI login."""
    cli(f"dialplan set global {name} {value}")


def _version(timeout_s: float = CLI_TIMEOUT_S) -> str:
    words = cli("core show version", timeout_s=timeout_s).split()
    return " ".join(words[:2]) if len(words) >= 2 else "Asterisk unknown"


def _ami_ready() -> bool:
    """The manager answers with its banner; a bare accept could still be a half-started PBX."""
    try:
        with socket.create_connection((AMI_HOST, AMI_PORT), timeout=1.0) as conn:
            conn.settimeout(1.0)
            return conn.recv(64).startswith(b"Asterisk Call Manager")
    except OSError:
        return False


def _last_log_lines(count: int = 20) -> str:
    try:
        lines = _inside(f"{LOG_DIR}/messages.log").read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-count:])


def _wait_booted(deadline: float) -> None:
    while time.monotonic() < deadline:
        if pid() is None:
            raise PbxError(f"Asterisk exited during start-up:\n{_last_log_lines()}")
        try:
            cli("core waitfullybooted", timeout_s=max(0.5, deadline - time.monotonic()))
        except PbxError:
            time.sleep(0.1)
            continue
        break
    while time.monotonic() < deadline:
        if _ami_ready():
            return
        time.sleep(0.1)
    raise PbxError(f"Asterisk did not come up in time:\n{_last_log_lines()}")


def _port_taken() -> bool:
    try:
        with socket.create_connection((AMI_HOST, AMI_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def up(*, with_bench: bool = True, wait_s: float = 30) -> str:
    """Start the PBX (restarting a running one) and return its version once AMI answers.

    A restart rather than a reload: Local-channel queue members whose extension did not exist
    when the queue loaded stay Invalid, so dialplan and queues must load together.
    """
    with _exclusive():
        _build()
        _stop()
        return _start(with_bench, wait_s)


def _start(with_bench: bool, wait_s: float) -> str:
    if _port_taken():
        raise PbxError(f"port {AMI_PORT} is already in use by another process")
    _write_config(with_bench)
    _inside(f"{RUN_DIR}/asterisk.ctl").unlink(missing_ok=True)
    started = subprocess.run(
        _asterisk("-F"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=wait_s,
        check=False,
        start_new_session=True,
    )
    if started.returncode != 0:
        raise PbxError(f"Asterisk failed to start: {(started.stderr or started.stdout).strip()}")
    _wait_booted(time.monotonic() + wait_s)
    return _version()


def _wait_gone(current: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _is_ours(current):
            return True
        time.sleep(0.05)
    return not _is_ours(current)


def down() -> None:
    """Stop gracefully (a frozen PBX is thawed first), then kill whatever is left."""
    with _exclusive():
        _stop()


def _stop() -> None:
    for current in _scan():
        os.kill(current, signal.SIGCONT)
        try:
            cli("core stop now", timeout_s=STOP_TIMEOUT_S / 2)
        except PbxError:
            os.kill(current, signal.SIGTERM)
        if not _wait_gone(current, STOP_TIMEOUT_S):
            os.kill(current, signal.SIGKILL)
            _wait_gone(current, STOP_TIMEOUT_S)
    _inside(f"{RUN_DIR}/asterisk.ctl").unlink(missing_ok=True)
    _inside(f"{RUN_DIR}/asterisk.pid").unlink(missing_ok=True)


def restart(*, with_bench: bool = True, wait_s: float = 30) -> str:
    """Stop and start again; the version string of the new process."""
    return up(with_bench=with_bench, wait_s=wait_s)


def status() -> str:
    """``running (pid N): Asterisk 22.x``, ``frozen (pid N)`` after SIGSTOP, or ``stopped``."""
    current = pid()
    if current is None:
        return "stopped"
    if _state(current) == "T":
        return f"frozen (pid {current})"
    try:
        return f"running (pid {current}): {_version(STATUS_TIMEOUT_S)}"
    except PbxError:
        return f"running (pid {current}): not answering"
