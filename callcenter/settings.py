"""One frozen, typed settings object, read once at start-up.

Values come from environment variables (`CALLCENTER_*`, plus the conventional `DATABASE_URL`
and `REDIS_URL`), over an optional TOML file named by `CALLCENTER_CONFIG`, over the embedded
defaults. Every value is validated before the service starts, and a bad one stops start-up
with a message that names the setting: a typo in a time zone must not surface hours later as
wrong SLA figures.

Each setting is declared once, as a field of a pydantic-settings model: its type and checks,
its default and, with `Env`, the variable that sets it. The TOML file uses the field names,
a table per group (`[ami] port = 5039`); `setting_names()` and the name in an error come from
the same declarations.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import FrozenInstanceError, dataclass
from datetime import time
from functools import cache
from pathlib import Path
from typing import Annotated, Any, NoReturn, Self, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG = "CALLCENTER_CONFIG"
"""The variable naming the TOML file; errors in the file itself (not in a value) name it."""


class SettingsError(ValueError):
    """A setting is missing or malformed; `name` is the environment variable to fix."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"setting {name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Env:
    """The environment variable that sets a field: `Annotated[Port, Env("CALLCENTER_AMI_PORT")]`.

    A field without one is not a setting: neither the environment nor the file can change it.
    """

    name: str


DIALER_KINDS = (
    "technician_survey", "complaint_callback", "delivery_check", "warranty_check",
    "renewal_notice", "agent_callback",
)
"""Follow-up job kinds (R13-R16, R6); `dialer.kinds.JobKind` has the same values."""

DIALER_EVENTS = ("product_returned", "complaint_resolved", "product_delivered", "contract_dates")
"""Outbox topics the dialer can turn into jobs (`callcenter.followups.outbox.Topic`)."""

Window = tuple[time, time]


# -- Kinds of value. A validator raises ValueError with the problem; the variable's name is
# -- added where the error is reported (`read_settings`), so one check serves every setting.


def _blank_is_none(raw: object) -> object:
    """An empty value leaves an optional setting unset (`CALLCENTER_DIALER_CALLER_ID=`)."""
    return (raw.strip() or None) if isinstance(raw, str) else raw


def _stripped(raw: object) -> object:
    return raw.strip() if isinstance(raw, str) else raw


def _without_percent_sign(raw: object) -> object:
    return raw.strip().rstrip("%") if isinstance(raw, str) else raw


def _listed(raw: object) -> list[str] | None:
    """The items of a list setting: comma-separated in the environment, an array in TOML;
    None for a value already in its typed form (a default, or one given in code)."""
    if isinstance(raw, str):
        raw = raw.split(",")
    if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        return [item.strip() for item in raw if item.strip()]
    return None


def _zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {raw!r} (e.g. Asia/Shanghai)") from None
    return raw


def _region(raw: str) -> str:
    region = raw.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {raw!r} (e.g. CN)")
    return region


def _area_code(raw: str) -> str:
    code = raw.strip().lstrip("0")
    if not code.isdigit() or len(code) > 4:
        raise ValueError(f"{raw!r} is not an area code (e.g. 10 or 010)")
    return code


def _database_url(raw: str) -> str:
    if not raw:
        return raw  # unset: the embedded database in the data directory
    parts = urlsplit(raw)
    if parts.scheme.startswith("sqlite"):
        if parts.scheme != "sqlite+aiosqlite":
            raise ValueError("SQLite URLs must use the async driver: sqlite+aiosqlite:///")
        return raw
    if parts.scheme in ("postgresql", "postgres", "postgresql+asyncpg"):
        if not parts.hostname and "host=" not in parts.query:
            raise ValueError(f"{raw!r} names no database host")
        if not parts.path.strip("/"):
            raise ValueError(f"{raw!r} names no database")
        return "postgresql+asyncpg://" + raw.split("://", 1)[1]
    raise ValueError(
        f"{raw!r} is not a database URL (sqlite+aiosqlite:///file.db or postgresql://...)")


def _data_dir(raw: str) -> str:
    if not raw.strip():
        raise ValueError("must name a directory")
    return str(Path(raw).expanduser().resolve())


DEFAULT_DATA_DIR = "/var/lib/callcenter"
"""Where the embedded database lives unless DATABASE_URL says otherwise: one absolute place,
whatever directory a command is run from."""


def database_url(raw: str) -> str:
    """A DATABASE_URL given elsewhere (a command's option), checked and normalised as the
    setting is; a bad one raises SettingsError naming DATABASE_URL."""
    try:
        return _database_url(raw)
    except ValueError as exc:
        raise SettingsError("DATABASE_URL", str(exc)) from None


def _redis_url(raw: str | None) -> str | None:
    if raw is not None:
        parts = urlsplit(raw)
        if parts.scheme not in ("redis", "rediss", "unix") or (
            parts.scheme != "unix" and not parts.hostname
        ):
            raise ValueError(f"{raw!r} is not a Redis URL (redis://host:6379/0)")
    return raw


def _networks(raw: object) -> object:
    """`10.0.0.5, 192.168.1.0/24, ::1`: addresses or networks, normalised."""
    items = _listed(raw)
    if items is None:
        return raw
    found = []
    for item in items:
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network "
                             "(e.g. 10.0.0.5 or 10.0.0.0/24)") from None
    return tuple(found)


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError(f"{raw!r} is not one of DEBUG, INFO, WARNING, ERROR")
    return level


def _clock(raw: str) -> time:
    try:
        hours, minutes = raw.strip().split(":")
        return time(int(hours), int(minutes)) if hours != "24" else time.max
    except ValueError:
        raise ValueError(f"{raw!r} is not a time of day (HH:MM)") from None


def _windows(raw: object) -> object:
    """`09:00-12:00,14:00-20:00`: calling windows in the customer's own time zone."""
    parts = _listed(raw)
    if parts is None:
        return raw
    windows: list[Window] = []
    for part in parts:
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(f"{part!r} is not a window like 09:00-12:00")
        window = (_clock(start), _clock(end))
        if not window[0] < window[1]:
            raise ValueError(f"window {part!r} must start before it ends")
        if windows and window[0] < windows[-1][1]:
            raise ValueError("windows must be in order and must not overlap")
        windows.append(window)
    if not windows:
        raise ValueError("needs at least one window, e.g. 09:00-12:00,14:00-20:00")
    return tuple(windows)


def _choices(allowed: tuple[str, ...]) -> Callable[[object], object]:
    def check(raw: object) -> object:
        values = _listed(raw)
        if values is None:
            return raw
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValueError(f"unknown {unknown[0]!r}; known: {', '.join(allowed)}")
        return tuple(values)
    return check


def _kind_caps(raw: object) -> object:
    """`technician_survey=5,renewal_notice=2`: concurrent calls per job kind."""
    parts = _listed(raw)
    if parts is None:
        return raw
    caps: list[tuple[str, int]] = []
    for part in parts:
        kind, sep, value = part.partition("=")
        if not sep or kind.strip() not in DIALER_KINDS:
            raise ValueError(f"{part!r} is not kind=calls with a kind among "
                             f"{', '.join(DIALER_KINDS)}")
        try:
            calls = int(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
        if calls <= 0:
            raise ValueError("must be greater than 0")
        caps.append((kind.strip(), calls))
    return tuple(caps)


def _dial_string(raw: str) -> str:
    value = raw.strip()
    if "{number}" not in value or "/" not in value:
        raise ValueError(f"{raw!r} must name a channel with {{number}}, "
                         "e.g. PJSIP/{number}@trunk")
    try:
        value.format(number="1")
    except (KeyError, IndexError, ValueError):
        raise ValueError(f"{raw!r} may use only the {{number}} placeholder") from None
    return value


def _dial_prefix(raw: str) -> str:
    value = raw.strip()
    if not all(c.isdigit() or c in "*#+" for c in value):
        raise ValueError(f"{raw!r} is not a dialling prefix (digits, * or #)")
    return value


def _agi_url(raw: str | None) -> str | None:
    if raw is not None and not raw.startswith("agi://"):
        raise ValueError(f"{raw!r} is not a FastAGI URL (agi://host:port)")
    return raw


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_is_none)]
Port = Annotated[int, Field(ge=1, le=65535)]
Count = Annotated[int, Field(gt=0)]
Seconds = Annotated[float, Field(gt=0)]
Rate = Annotated[float, Field(gt=0)]
Percent = Annotated[float, BeforeValidator(_without_percent_sign), Field(gt=0, le=100)]
Flag = Annotated[bool, BeforeValidator(_stripped)]
"""1/0, true/false, yes/no, on/off (a TOML boolean too)."""
Zone = Annotated[str, AfterValidator(_zone)]
Region = Annotated[str, AfterValidator(_region)]
AreaCode = Annotated[str, AfterValidator(_area_code)]
DatabaseUrl = Annotated[str, AfterValidator(_database_url)]
DataDir = Annotated[str, AfterValidator(_data_dir)]
RedisUrl = Annotated[str | None, BeforeValidator(_blank_is_none), AfterValidator(_redis_url)]
Networks = Annotated[tuple[str, ...], BeforeValidator(_networks)]
LogLevel = Annotated[str, AfterValidator(_log_level)]
Windows = Annotated[tuple[Window, ...], BeforeValidator(_windows)]
JobEvents = Annotated[tuple[str, ...], BeforeValidator(_choices(DIALER_EVENTS))]
KindCaps = Annotated[tuple[tuple[str, int], ...], BeforeValidator(_kind_caps)]
DialString = Annotated[str, AfterValidator(_dial_string)]
DialPrefix = Annotated[str, AfterValidator(_dial_prefix)]
AgiUrl = Annotated[str | None, BeforeValidator(_blank_is_none), AfterValidator(_agi_url)]


# -- The declaring classes.


class _ReadOnly:
    """Settings behave as the frozen dataclasses they were: assignment fails with
    AttributeError (a frozen pydantic model raises ValidationError), and `str()` is the
    `repr()` that `callcenter settings` prints (pydantic's leaves out the class names)."""

    def __str__(self) -> str:
        return repr(self)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


class SettingsGroup(_ReadOnly, BaseModel, frozen=True):
    """A part of the settings (`settings.ami`): a table of its own in the TOML file."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class EnvSettings(_ReadOnly, BaseSettings):
    """Settings declared field by field with `Env`, read by `read_settings`.

    Built directly (`Settings()`, `Settings(database_url=...)`), an instance holds what it is
    given over the defaults and nothing from the process: a test's settings are what the test
    says.

    Subclasses say `frozen=True` as a class keyword too, for mypy, which then reports that a
    frozen class cannot derive from BaseSettings (to mypy, a non-frozen dataclass): that
    report is silenced on each subclass; pydantic itself freezes them either way.
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="forbid", case_sensitive=True, coerce_numbers_to_str=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


class AmiSettings(SettingsGroup, frozen=True):
    host: Annotated[Text, Env("CALLCENTER_AMI_HOST")] = "127.0.0.1"
    port: Annotated[Port, Env("CALLCENTER_AMI_PORT")] = 5038
    user: Annotated[Text, Env("CALLCENTER_AMI_USER")] = "callcenter"
    secret: Annotated[Text, Env("CALLCENTER_AMI_SECRET")] = "callcenter"
    action_timeout_s: Annotated[Seconds, Env("CALLCENTER_AMI_ACTION_TIMEOUT")] = 5.0
    ping_interval_s: Annotated[Seconds, Env("CALLCENTER_AMI_PING_INTERVAL")] = 5.0
    ping_timeout_s: Annotated[Seconds, Env("CALLCENTER_AMI_PING_TIMEOUT")] = 3.0
    reconnect_min_s: Seconds = 0.5
    reconnect_max_s: Seconds = 10.0

    @model_validator(mode="after")
    def _pings_fit(self) -> Self:
        if self.ping_timeout_s >= self.ping_interval_s * 4:
            raise SettingsError("CALLCENTER_AMI_PING_TIMEOUT",
                                "must be well below the ping interval times four")
        return self


class SlaSettings(SettingsGroup, frozen=True):
    """R1: ring cadence and the answering rule."""

    ring_cycle_s: Annotated[Seconds, Env("CALLCENTER_RING_CYCLE_SECONDS")] = 5.0
    max_rings: Annotated[Count, Env("CALLCENTER_SLA_MAX_RINGS")] = 3
    short_abandon_s: Annotated[Seconds, Env("CALLCENTER_SHORT_ABANDON_SECONDS")] = 5.0


class DialerSettings(SettingsGroup, frozen=True):
    """The follow-up dialer (R13-R20): which events make jobs, when and how calls are placed.

    Caps (`max_calls`, `kind_caps`, `originates_per_s`) hold per service instance: with
    several instances on one PostgreSQL, give each its share.
    """

    enabled: Annotated[Flag, Env("CALLCENTER_DIALER_ENABLED")] = True
    job_events: Annotated[JobEvents, Env("CALLCENTER_DIALER_EVENTS")] = DIALER_EVENTS
    # R17: every service request by default
    sampling_percent: Annotated[Percent, Env("CALLCENTER_DIALER_SAMPLING_PERCENT")] = 100.0
    calling_windows: Annotated[Windows, Env("CALLCENTER_DIALER_WINDOWS")] = (
        (time(9), time(12)), (time(14), time(20)))
    # DOMAIN: no follow-up call on a public holiday
    call_on_holidays: Annotated[Flag, Env("CALLCENTER_DIALER_CALL_ON_HOLIDAYS")] = False
    max_attempts: Annotated[Count, Env("CALLCENTER_DIALER_MAX_ATTEMPTS")] = 3
    retry_min_gap_s: Annotated[Seconds, Env("CALLCENTER_DIALER_RETRY_MIN_GAP")] = 1800.0
    retry_max_gap_s: Annotated[Seconds, Env("CALLCENTER_DIALER_RETRY_MAX_GAP")] = 86400.0
    max_calls: Annotated[Count, Env("CALLCENTER_DIALER_MAX_CALLS")] = 10
    kind_caps: Annotated[KindCaps, Env("CALLCENTER_DIALER_KIND_CAPS")] = ()
    originates_per_s: Annotated[Rate, Env("CALLCENTER_DIALER_ORIGINATES_PER_S")] = 2.0
    dial_string: Annotated[DialString, Env("CALLCENTER_DIALER_DIAL_STRING")] = (
        "PJSIP/{number}@trunk")
    dial_prefix: Annotated[DialPrefix, Env("CALLCENTER_DIALER_DIAL_PREFIX")] = ""
    caller_id: Annotated[OptionalText, Env("CALLCENTER_DIALER_CALLER_ID")] = None
    ring_s: Annotated[Seconds, Env("CALLCENTER_DIALER_RING_SECONDS")] = 30.0
    lease_s: Annotated[Seconds, Env("CALLCENTER_DIALER_LEASE_SECONDS")] = 120.0
    tick_s: Annotated[Seconds, Env("CALLCENTER_DIALER_TICK_SECONDS")] = 5.0
    # off: AMD takes long spoken greetings for machines
    machine_detection: Annotated[Flag, Env("CALLCENTER_DIALER_MACHINE_DETECTION")] = False
    # R20: owner of complaints from low ratings
    service_manager: Annotated[Text, Env("CALLCENTER_DIALER_SERVICE_MANAGER")] = (
        "service-manager")
    fastagi_host: Annotated[Text, Env("CALLCENTER_FASTAGI_HOST")] = "127.0.0.1"
    fastagi_port: Annotated[Port, Env("CALLCENTER_FASTAGI_PORT")] = 4573
    # what the PBX dials; default agi://host:port
    fastagi_url: Annotated[AgiUrl, Env("CALLCENTER_FASTAGI_URL")] = None
    # default: the prompts shipped in ivr_flows
    prompts_file: Annotated[OptionalText, Env("CALLCENTER_IVR_PROMPTS")] = None
    answer_timeout_s: Annotated[Seconds, Env("CALLCENTER_IVR_ANSWER_TIMEOUT")] = 5.0

    @property
    def agi_url(self) -> str:
        return self.fastagi_url or f"agi://{self.fastagi_host}:{self.fastagi_port}"

    @model_validator(mode="after")
    def _checked_together(self) -> Self:
        """Rules between dialer settings, each reported under the setting to change."""
        if self.retry_min_gap_s > self.retry_max_gap_s:
            raise SettingsError("CALLCENTER_DIALER_RETRY_MIN_GAP",
                                "must not exceed CALLCENTER_DIALER_RETRY_MAX_GAP")
        if self.lease_s < 2 * self.tick_s:
            raise SettingsError("CALLCENTER_DIALER_LEASE_SECONDS",
                                "must be at least twice CALLCENTER_DIALER_TICK_SECONDS")
        return self


class Settings(EnvSettings, frozen=True):  # type: ignore[misc]  # frozen: see EnvSettings
    data_dir: Annotated[DataDir, Env("CALLCENTER_DATA_DIR")] = DEFAULT_DATA_DIR
    # Unset: the embedded SQLite file in data_dir (filled in by `_embedded_database`).
    database_url: Annotated[DatabaseUrl, Env("DATABASE_URL")] = ""
    redis_url: Annotated[RedisUrl, Env("REDIS_URL")] = None
    http_host: Annotated[Text, Env("CALLCENTER_HTTP_HOST")] = "127.0.0.1"
    http_port: Annotated[Port, Env("CALLCENTER_HTTP_PORT")] = 8080
    site_timezone: Annotated[Zone, Env("CALLCENTER_TIMEZONE")] = "Asia/Shanghai"
    phone_region: Annotated[Region, Env("CALLCENTER_PHONE_REGION")] = "CN"
    area_code: Annotated[AreaCode, Env("CALLCENTER_AREA_CODE")] = "10"
    ami: AmiSettings = Field(default_factory=AmiSettings)
    sla: SlaSettings = Field(default_factory=SlaSettings)
    dialer: DialerSettings = Field(default_factory=DialerSettings)
    log_level: Annotated[LogLevel, Env("CALLCENTER_LOG_LEVEL")] = "INFO"
    trusted_proxies: Annotated[Networks, Env("CALLCENTER_TRUSTED_PROXIES")] = ()
    """Addresses or networks of the reverse proxies whose `X-Forwarded-Proto` and
    `X-Forwarded-For` are believed (`callcenter.web.proxies`); nobody's by default."""

    @model_validator(mode="after")
    def _embedded_database(self) -> Self:
        """Without DATABASE_URL, the embedded SQLite file lives in the data directory."""
        if not self.database_url:
            url = f"sqlite+aiosqlite:///{Path(self.data_dir) / 'callcenter.db'}"
            object.__setattr__(self, "database_url", url)  # frozen: set once, while built
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)


# -- Reading.


@cache
def _variables(model: type[BaseModel]) -> Mapping[tuple[str, ...], str]:
    """Field path (`("ami", "port")`) to variable, for every setting of `model`: its own
    first, then each group's."""
    return dict(_declared(model))


def _declared(model: type[BaseModel], at: tuple[str, ...] = ()
              ) -> Iterator[tuple[tuple[str, ...], str]]:
    groups: list[tuple[str, type[BaseModel]]] = []
    for name, info in model.model_fields.items():
        env = next((m.name for m in info.metadata if isinstance(m, Env)), None)
        if env is not None:
            yield (*at, name), env
        elif isinstance(info.annotation, type) and issubclass(info.annotation, SettingsGroup):
            groups.append((name, info.annotation))
    for name, group in groups:
        yield from _declared(group, (*at, name))


class _Environment(PydanticBaseSettingsSource):
    """The declared variables found in `environ`, each put at its field's place (`ami.port`).

    pydantic-settings' own environment source derives names from field names (with a
    prefix and a nesting delimiter); the service's names predate this module and stay.
    """

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ looks up the declared names

    def __call__(self) -> dict[str, Any]:
        skip_empty = self.config.get("env_ignore_empty", False)
        values: dict[str, Any] = {}
        for path, name in _variables(self.settings_cls).items():
            raw = self._environ.get(name)
            if raw is None or (skip_empty and not raw.strip()):
                continue
            *groups, leaf = path
            place = values
            for group in groups:
                place = place.setdefault(group, {})
            place[leaf] = raw
        return values


class _ConfigFile(TomlConfigSettingsSource):
    """The TOML file named by CALLCENTER_CONFIG. A file that cannot be read, or a key that is
    not a setting, stops start-up: a misspelt key silently ignored would be a wrong setting."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        try:  # pydantic-settings skips a file that is not there
            path.open("rb").close()
            super().__init__(settings_cls, toml_file=path)
        except OSError as exc:
            raise SettingsError(CONFIG, f"cannot read {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(CONFIG, f"{path} is not valid TOML: {exc}") from None
        _check_keys(self.toml_data, _variables(settings_cls), path)


def _check_keys(data: Mapping[str, Any], known: Mapping[tuple[str, ...], str], path: Path,
                at: tuple[str, ...] = ()) -> None:
    for key, value in data.items():
        where = (*at, key)
        if where in known:
            continue
        if isinstance(value, Mapping) and any(p[:len(where)] == where for p in known):
            _check_keys(value, known, path, where)
        else:
            raise SettingsError(CONFIG, f"{path}: unknown setting {'.'.join(where)!r}")


_PROBLEMS = {
    "bool_parsing": "{input!r} is not true or false",
    "int_parsing": "{input!r} is not a whole number",
    "int_from_float": "{input!r} is not a whole number",
    "float_parsing": "{input!r} is not a number",
    "greater_than": "must be greater than {gt:g}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "string_too_short": "must not be empty",
}
"""pydantic's refusals, in the words of the messages above."""


def _refusal(model: type[BaseModel], exc: ValidationError) -> SettingsError:
    """The first error, as a SettingsError naming the variable to fix."""
    error = exc.errors()[0]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, SettingsError):  # a rule between settings names its own
        return cause
    path = tuple(str(part) for part in error["loc"])
    names = _variables(model)
    name = next((names[path[:n]] for n in range(len(path), 0, -1) if path[:n] in names),
                CONFIG)
    return SettingsError(name, _problem(error))


def _problem(error: ErrorDetails) -> str:
    ctx = error.get("ctx", {})
    if error["type"] == "value_error":
        return str(ctx["error"])
    template = _PROBLEMS.get(error["type"])
    return template.format(input=error["input"], **ctx) if template else error["msg"]


S = TypeVar("S", bound=EnvSettings)


def read_settings(model: type[S], environ: Mapping[str, str], config: Path | None = None) -> S:
    """`model` from the declared variables in `environ`, over the TOML file `config`, over
    the defaults; raise SettingsError naming the first bad setting."""
    sources: tuple[PydanticBaseSettingsSource, ...] = (_Environment(model, environ),)
    if config is not None:
        sources += (_ConfigFile(model, config),)
    try:
        # `_build_sources` is BaseSettings' documented way to hand an instance its sources
        # (the first wins); mypy's dataclass view of the model does not show it.
        return model(_build_sources=(sources, {}))  # type: ignore[call-arg]
    except ValidationError as exc:
        raise _refusal(model, exc) from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise SettingsError naming the first bad one."""
    env = os.environ if environ is None else environ
    config = env.get(CONFIG, "").strip()
    return read_settings(Settings, env, Path(config) if config else None)


def setting_names() -> list[str]:
    """Every environment variable the service reads, for the README and `--help`."""
    return [CONFIG, *_variables(Settings).values()]


__all__ = ["CONFIG", "DIALER_EVENTS", "DIALER_KINDS", "AmiSettings", "DialerSettings", "Env",
           "EnvSettings", "Settings", "SettingsError", "SettingsGroup", "SlaSettings",
           "database_url", "load_settings", "read_settings", "setting_names"]
