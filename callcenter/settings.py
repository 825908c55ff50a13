"""One frozen, typed settings object, read once at start-up.

Values come from environment variables (`CALLCENTER_*`, plus the conventional `DATABASE_URL`
and `REDIS_URL`), over an optional TOML file named by `CALLCENTER_CONFIG`, over the embedded
defaults. Every value is validated before the service starts, and a bad one stops start-up
with a message that names the setting: a typo in a time zone must not surface hours later as
wrong SLA figures.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers


class SettingsError(ValueError):
    """A setting is missing or malformed; `name` is the environment variable to fix."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"setting {name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True, slots=True)
class AmiSettings:
    host: str = "127.0.0.1"
    port: int = 5038
    user: str = "callcenter"
    secret: str = "callcenter"
    action_timeout_s: float = 5.0
    ping_interval_s: float = 5.0
    ping_timeout_s: float = 3.0
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 10.0


@dataclass(frozen=True, slots=True)
class SlaSettings:
    """R1: ring cadence and the answering rule."""

    ring_cycle_s: float = 5.0
    max_rings: int = 3
    short_abandon_s: float = 5.0


DIALER_KINDS = (
    "technician_survey", "complaint_callback", "delivery_check", "warranty_check",
    "renewal_notice", "agent_callback",
)
"""Follow-up job kinds (R13-R16, R6); `dialer.kinds.JobKind` has the same values."""

DIALER_EVENTS = ("product_returned", "complaint_resolved", "product_delivered", "contract_dates")
"""Outbox topics the dialer can turn into jobs (`callcenter.followups.outbox.Topic`)."""

Window = tuple[time, time]


@dataclass(frozen=True, slots=True)
class DialerSettings:
    """The follow-up dialer (R13-R20): which events make jobs, when and how calls are placed.

    Caps (`max_calls`, `kind_caps`, `originates_per_s`) hold per service instance: with
    several instances on one PostgreSQL, give each its share.
    """

    enabled: bool = True
    job_events: tuple[str, ...] = DIALER_EVENTS
    sampling_percent: float = 100.0  # R17: every service request by default
    calling_windows: tuple[Window, ...] = ((time(9), time(12)), (time(14), time(20)))
    call_on_holidays: bool = False  # DOMAIN: no follow-up call on a public holiday
    max_attempts: int = 3
    retry_min_gap_s: float = 1800.0
    retry_max_gap_s: float = 86400.0
    max_calls: int = 10
    kind_caps: tuple[tuple[str, int], ...] = ()
    originates_per_s: float = 2.0
    dial_string: str = "PJSIP/{number}@trunk"
    dial_prefix: str = ""
    caller_id: str | None = None
    ring_s: float = 30.0
    lease_s: float = 120.0
    tick_s: float = 5.0
    machine_detection: bool = False  # off: AMD takes long spoken greetings for machines
    service_manager: str = "service-manager"  # R20: owner of complaints from low ratings
    fastagi_host: str = "127.0.0.1"
    fastagi_port: int = 4573
    fastagi_url: str | None = None  # what the PBX dials; default agi://host:port
    prompts_file: str | None = None  # default: the prompts shipped in ivr_flows
    answer_timeout_s: float = 5.0

    @property
    def agi_url(self) -> str:
        return self.fastagi_url or f"agi://{self.fastagi_host}:{self.fastagi_port}"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///callcenter.db"
    redis_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    site_timezone: str = "Asia/Shanghai"
    phone_region: str = "CN"
    area_code: str = "10"
    ami: AmiSettings = field(default_factory=AmiSettings)
    sla: SlaSettings = field(default_factory=SlaSettings)
    dialer: DialerSettings = field(default_factory=DialerSettings)
    log_level: str = "INFO"
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of the reverse proxies whose `X-Forwarded-Proto` and
    `X-Forwarded-For` are believed (`callcenter.web.proxies`); nobody's by default."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)


_Parser = Callable[[str, str], Any]


def _text(name: str, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise SettingsError(name, "must not be empty")
    return value


def _optional_text(name: str, raw: str) -> str | None:
    return raw.strip() or None


def _port(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"{raw!r} is not a port number") from None
    if not 0 < value < 65536:
        raise SettingsError(name, f"{value} is outside 1..65535")
    return value


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"{raw!r} is not a whole number") from None
    if value <= 0:
        raise SettingsError(name, "must be greater than 0")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, f"{raw!r} is not a number of seconds") from None
    if not value > 0:
        raise SettingsError(name, "must be greater than 0 seconds")
    return value


def _zone(name: str, raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(name, f"unknown time zone {raw!r} (e.g. Asia/Shanghai)") from None
    return raw


def _region(name: str, raw: str) -> str:
    region = raw.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(name, f"unknown phone region {raw!r} (e.g. CN)")
    return region


def _area_code(name: str, raw: str) -> str:
    code = raw.strip().lstrip("0")
    if not code.isdigit() or len(code) > 4:
        raise SettingsError(name, f"{raw!r} is not an area code (e.g. 10 or 010)")
    return code


def _database_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme.startswith("sqlite"):
        if parts.scheme != "sqlite+aiosqlite":
            raise SettingsError(name, "SQLite URLs must use the async driver: sqlite+aiosqlite:///")
        return raw
    if parts.scheme in ("postgresql", "postgres", "postgresql+asyncpg"):
        if not parts.hostname and "host=" not in parts.query:
            raise SettingsError(name, f"{raw!r} names no database host")
        if not parts.path.strip("/"):
            raise SettingsError(name, f"{raw!r} names no database")
        return "postgresql+asyncpg://" + raw.split("://", 1)[1]
    raise SettingsError(
        name, f"{raw!r} is not a database URL (sqlite+aiosqlite:///file.db or postgresql://...)"
    )


def database_url(raw: str) -> str:
    """A DATABASE_URL given elsewhere (a command's option), checked and normalised as the
    setting is; a bad one raises SettingsError naming DATABASE_URL."""
    return _database_url("DATABASE_URL", raw)


def _redis_url(name: str, raw: str) -> str | None:
    if not raw.strip():
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix") or (
        parts.scheme != "unix" and not parts.hostname
    ):
        raise SettingsError(name, f"{raw!r} is not a Redis URL (redis://host:6379/0)")
    return raw


def _networks(name: str, raw: str) -> tuple[str, ...]:
    """`10.0.0.5, 192.168.1.0/24, ::1`: addresses or networks, normalised."""
    found = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise SettingsError(name, f"{item!r} is not an IP address or network "
                                      "(e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return tuple(found)


def _log_level(name: str, raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(name, f"{raw!r} is not one of DEBUG, INFO, WARNING, ERROR")
    return level


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(name, f"{raw!r} is not true or false")


def _percent(name: str, raw: str) -> float:
    try:
        value = float(raw.strip().rstrip("%"))
    except ValueError:
        raise SettingsError(name, f"{raw!r} is not a percentage (e.g. 100 or 25)") from None
    if not 0 < value <= 100:
        raise SettingsError(name, "must be more than 0 and at most 100 (percent)")
    return value


def _clock(name: str, raw: str) -> time:
    try:
        hours, minutes = raw.strip().split(":")
        return time(int(hours), int(minutes)) if hours != "24" else time.max
    except ValueError:
        raise SettingsError(name, f"{raw!r} is not a time of day (HH:MM)") from None


def _windows(name: str, raw: str) -> tuple[Window, ...]:
    """`09:00-12:00,14:00-20:00`: calling windows in the customer's own time zone."""
    windows: list[Window] = []
    for part in (p for p in raw.split(",") if p.strip()):
        start, sep, end = part.partition("-")
        if not sep:
            raise SettingsError(name, f"{part.strip()!r} is not a window like 09:00-12:00")
        window = (_clock(name, start), _clock(name, end))
        if not window[0] < window[1]:
            raise SettingsError(name, f"window {part.strip()!r} must start before it ends")
        if windows and window[0] < windows[-1][1]:
            raise SettingsError(name, "windows must be in order and must not overlap")
        windows.append(window)
    if not windows:
        raise SettingsError(name, "needs at least one window, e.g. 09:00-12:00,14:00-20:00")
    return tuple(windows)


def _choices(allowed: tuple[str, ...]) -> _Parser:
    def parse(name: str, raw: str) -> tuple[str, ...]:
        values = tuple(v.strip() for v in raw.split(",") if v.strip())
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise SettingsError(name, f"unknown {unknown[0]!r}; known: {', '.join(allowed)}")
        return values
    return parse


def _kind_caps(name: str, raw: str) -> tuple[tuple[str, int], ...]:
    """`technician_survey=5,renewal_notice=2`: concurrent calls per job kind."""
    caps: list[tuple[str, int]] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        kind, sep, value = part.partition("=")
        if not sep or kind.strip() not in DIALER_KINDS:
            raise SettingsError(name, f"{part!r} is not kind=calls with a kind among "
                                      f"{', '.join(DIALER_KINDS)}")
        caps.append((kind.strip(), _positive_int(name, value)))
    return tuple(caps)


def _dial_string(name: str, raw: str) -> str:
    value = raw.strip()
    if "{number}" not in value or "/" not in value:
        raise SettingsError(name, f"{raw!r} must name a channel with {{number}}, "
                                  "e.g. PJSIP/{number}@trunk")
    try:
        value.format(number="1")
    except (KeyError, IndexError, ValueError):
        raise SettingsError(name, f"{raw!r} may use only the {{number}} placeholder") from None
    return value


def _dial_prefix(name: str, raw: str) -> str:
    value = raw.strip()
    if not all(c.isdigit() or c in "*#+" for c in value):
        raise SettingsError(name, f"{raw!r} is not a dialling prefix (digits, * or #)")
    return value


def _agi_url(name: str, raw: str) -> str | None:
    value = raw.strip()
    if value and not value.startswith("agi://"):
        raise SettingsError(name, f"{raw!r} is not a FastAGI URL (agi://host:port)")
    return value or None


_SOURCES: dict[str, tuple[str, _Parser]] = {
    "DATABASE_URL": ("database_url", _database_url),
    "REDIS_URL": ("redis_url", _redis_url),
    "CALLCENTER_HTTP_HOST": ("http_host", _text),
    "CALLCENTER_HTTP_PORT": ("http_port", _port),
    "CALLCENTER_TIMEZONE": ("site_timezone", _zone),
    "CALLCENTER_PHONE_REGION": ("phone_region", _region),
    "CALLCENTER_AREA_CODE": ("area_code", _area_code),
    "CALLCENTER_LOG_LEVEL": ("log_level", _log_level),
    "CALLCENTER_TRUSTED_PROXIES": ("trusted_proxies", _networks),
    "CALLCENTER_AMI_HOST": ("ami.host", _text),
    "CALLCENTER_AMI_PORT": ("ami.port", _port),
    "CALLCENTER_AMI_USER": ("ami.user", _text),
    "CALLCENTER_AMI_SECRET": ("ami.secret", _text),
    "CALLCENTER_AMI_ACTION_TIMEOUT": ("ami.action_timeout_s", _seconds),
    "CALLCENTER_AMI_PING_INTERVAL": ("ami.ping_interval_s", _seconds),
    "CALLCENTER_AMI_PING_TIMEOUT": ("ami.ping_timeout_s", _seconds),
    "CALLCENTER_RING_CYCLE_SECONDS": ("sla.ring_cycle_s", _seconds),
    "CALLCENTER_SLA_MAX_RINGS": ("sla.max_rings", _positive_int),
    "CALLCENTER_SHORT_ABANDON_SECONDS": ("sla.short_abandon_s", _seconds),
    "CALLCENTER_DIALER_ENABLED": ("dialer.enabled", _flag),
    "CALLCENTER_DIALER_EVENTS": ("dialer.job_events", _choices(DIALER_EVENTS)),
    "CALLCENTER_DIALER_SAMPLING_PERCENT": ("dialer.sampling_percent", _percent),
    "CALLCENTER_DIALER_WINDOWS": ("dialer.calling_windows", _windows),
    "CALLCENTER_DIALER_CALL_ON_HOLIDAYS": ("dialer.call_on_holidays", _flag),
    "CALLCENTER_DIALER_MAX_ATTEMPTS": ("dialer.max_attempts", _positive_int),
    "CALLCENTER_DIALER_RETRY_MIN_GAP": ("dialer.retry_min_gap_s", _seconds),
    "CALLCENTER_DIALER_RETRY_MAX_GAP": ("dialer.retry_max_gap_s", _seconds),
    "CALLCENTER_DIALER_MAX_CALLS": ("dialer.max_calls", _positive_int),
    "CALLCENTER_DIALER_KIND_CAPS": ("dialer.kind_caps", _kind_caps),
    "CALLCENTER_DIALER_ORIGINATES_PER_S": ("dialer.originates_per_s", _seconds),
    "CALLCENTER_DIALER_DIAL_STRING": ("dialer.dial_string", _dial_string),
    "CALLCENTER_DIALER_DIAL_PREFIX": ("dialer.dial_prefix", _dial_prefix),
    "CALLCENTER_DIALER_CALLER_ID": ("dialer.caller_id", _optional_text),
    "CALLCENTER_DIALER_RING_SECONDS": ("dialer.ring_s", _seconds),
    "CALLCENTER_DIALER_LEASE_SECONDS": ("dialer.lease_s", _seconds),
    "CALLCENTER_DIALER_TICK_SECONDS": ("dialer.tick_s", _seconds),
    "CALLCENTER_DIALER_MACHINE_DETECTION": ("dialer.machine_detection", _flag),
    "CALLCENTER_DIALER_SERVICE_MANAGER": ("dialer.service_manager", _text),
    "CALLCENTER_FASTAGI_HOST": ("dialer.fastagi_host", _text),
    "CALLCENTER_FASTAGI_PORT": ("dialer.fastagi_port", _port),
    "CALLCENTER_FASTAGI_URL": ("dialer.fastagi_url", _agi_url),
    "CALLCENTER_IVR_PROMPTS": ("dialer.prompts_file", _optional_text),
    "CALLCENTER_IVR_ANSWER_TIMEOUT": ("dialer.answer_timeout_s", _seconds),
}


def _file_values(path: Path) -> dict[str, str]:
    """Flatten a TOML file into the same names the environment uses."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError("CALLCENTER_CONFIG", f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError("CALLCENTER_CONFIG", f"{path} is not valid TOML: {exc}") from None
    by_attr = {attr: env for env, (attr, _) in _SOURCES.items()}
    values: dict[str, str] = {}
    for key, value in _flatten(data):
        env = by_attr.get(key)
        if env is None:
            raise SettingsError("CALLCENTER_CONFIG", f"{path}: unknown setting {key!r}")
        # A TOML list (trusted_proxies = ["10.0.0.5", ...]) reads as the comma-separated form.
        values[env] = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return values


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            items.extend(_flatten(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise SettingsError naming the first bad one."""
    env = dict(os.environ if environ is None else environ)
    raw: dict[str, str] = {}
    config = env.get("CALLCENTER_CONFIG", "").strip()
    if config:
        raw.update(_file_values(Path(config)))
    raw.update({k: v for k, v in env.items() if k in _SOURCES})

    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {"ami": {}, "sla": {}, "dialer": {}}
    for name, value in raw.items():
        attr, parse = _SOURCES[name]
        parsed = parse(name, value)
        group, _, leaf = attr.rpartition(".")
        (nested[group] if group else top)[leaf] = parsed
    settings = Settings(
        ami=AmiSettings(**nested["ami"]), sla=SlaSettings(**nested["sla"]),
        dialer=DialerSettings(**nested["dialer"]), **top
    )
    if settings.ami.ping_timeout_s >= settings.ami.ping_interval_s * 4:
        raise SettingsError(
            "CALLCENTER_AMI_PING_TIMEOUT", "must be well below the ping interval times four"
        )
    _check_dialer(settings.dialer)
    return settings


def _check_dialer(dialer: DialerSettings) -> None:
    """Rules between dialer settings, each reported under the setting to change."""
    if dialer.retry_min_gap_s > dialer.retry_max_gap_s:
        raise SettingsError("CALLCENTER_DIALER_RETRY_MIN_GAP",
                            "must not exceed CALLCENTER_DIALER_RETRY_MAX_GAP")
    if dialer.lease_s < 2 * dialer.tick_s:
        raise SettingsError("CALLCENTER_DIALER_LEASE_SECONDS",
                            "must be at least twice CALLCENTER_DIALER_TICK_SECONDS")


def setting_names() -> list[str]:
    """Every environment variable the service reads, for the README and `--help`."""
    return ["CALLCENTER_CONFIG", *_SOURCES]


__all__ = ["AmiSettings", "DialerSettings", "Settings", "SettingsError", "SlaSettings",
           "database_url", "load_settings"]
