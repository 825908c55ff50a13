"""Keeping passwords and secrets out of what the service prints and logs.

`callcenter settings` shows the settings in force, and log lines may quote a URL or an error
that quotes one; neither may show the database or Redis password or the AMI secret, because
logs and terminal scroll-back are read by more people than may log in to the database.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

from callcenter.settings import AmiSettings, Settings

MASK = "***"
# user:password@ in any URL: the password part, whatever the scheme.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]+)@",
                           re.IGNORECASE)


def redact_url(url: str) -> str:
    """The URL with its password (if any) replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:{MASK}@{host}"))


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` without any URL password and without any of `secrets`."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}@", text)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def redacted(settings: Settings) -> Settings:
    """The settings as they may be shown: URL passwords and the AMI secret masked."""
    return settings.model_copy(update={
        "database_url": redact_url(settings.database_url),
        "redis_url": redact_url(settings.redis_url) if settings.redis_url else None,
        "ami": settings.ami.model_copy(update={"secret": MASK}),
    })


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """The secret values to mask wherever they appear in a log line.

    The built-in AMI secret is left out: it is public (the README and the bench PBX name it)
    and is also the product's own name, which log lines quote all the time.
    """
    found = [urlsplit(url).password for url in (settings.database_url, settings.redis_url)
             if url]
    if settings.ami.secret != AmiSettings().secret:
        found.append(settings.ami.secret)
    return tuple(sorted({s for s in found if s}, key=len, reverse=True))


class SecretFilter(logging.Filter):
    """A handler filter that rewrites each record's message with `redact_text`."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_text(message, self._secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, self._secrets)
        return True


def install(settings: Settings, logger: logging.Logger | None = None) -> None:
    """Put a `SecretFilter` on every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    secret_filter = SecretFilter(secrets_of(settings))
    for handler in target.handlers:
        handler.addFilter(secret_filter)


__all__ = ["MASK", "SecretFilter", "install", "redact_text", "redact_url", "redacted",
           "secrets_of"]
