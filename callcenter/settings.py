"""One frozen, typed settings object, read once at start-up.

Values come from environment variables (`CALLCENTER_*`, plus the conventional `DATABASE_URL`
and `REDIS_URL`), over an optional TOML file named by `CALLCENTER_CONFIG`, over the embedded
defaults. Every value is validated before the service starts, and a bad one stops start-up
with a message that names the setting: a typo in a time zone must not surface hours later as
wrong SLA figures.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    log_level: str = "INFO"

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


def _redis_url(name: str, raw: str) -> str | None:
    if not raw.strip():
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix") or (
        parts.scheme != "unix" and not parts.hostname
    ):
        raise SettingsError(name, f"{raw!r} is not a Redis URL (redis://host:6379/0)")
    return raw


def _log_level(name: str, raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(name, f"{raw!r} is not one of DEBUG, INFO, WARNING, ERROR")
    return level


_SOURCES: dict[str, tuple[str, _Parser]] = {
    "DATABASE_URL": ("database_url", _database_url),
    "REDIS_URL": ("redis_url", _redis_url),
    "CALLCENTER_HTTP_HOST": ("http_host", _text),
    "CALLCENTER_HTTP_PORT": ("http_port", _port),
    "CALLCENTER_TIMEZONE": ("site_timezone", _zone),
    "CALLCENTER_PHONE_REGION": ("phone_region", _region),
    "CALLCENTER_AREA_CODE": ("area_code", _area_code),
    "CALLCENTER_LOG_LEVEL": ("log_level", _log_level),
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
        values[env] = str(value)
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
    nested: dict[str, dict[str, Any]] = {"ami": {}, "sla": {}}
    for name, value in raw.items():
        attr, parse = _SOURCES[name]
        parsed = parse(name, value)
        group, _, leaf = attr.rpartition(".")
        (nested[group] if group else top)[leaf] = parsed
    settings = Settings(
        ami=AmiSettings(**nested["ami"]), sla=SlaSettings(**nested["sla"]), **top
    )
    if settings.ami.ping_timeout_s >= settings.ami.ping_interval_s * 4:
        raise SettingsError(
            "CALLCENTER_AMI_PING_TIMEOUT", "must be well below the ping interval times four"
        )
    return settings


def setting_names() -> list[str]:
    """Every environment variable the service reads, for the README and `--help`."""
    return ["CALLCENTER_CONFIG", *_SOURCES]


__all__ = ["AmiSettings", "Settings", "SettingsError", "SlaSettings", "load_settings"]
