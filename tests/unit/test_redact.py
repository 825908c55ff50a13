"""`callcenter settings` and the logs never show a password or secret."""

from __future__ import annotations

import io
import logging

import pytest

from callcenter import redact
from callcenter.settings import load_settings

pytestmark = pytest.mark.unit

SECRET_ENV = {"DATABASE_URL": "postgresql://cc:db-pass-1@db.example/callcenter",
              "REDIS_URL": "redis://:redis-pass-2@cache.example:6379/0",
              "CALLCENTER_AMI_SECRET": "ami-secret-3"}


def test_printed_settings_show_no_database_redis_or_ami_secret() -> None:
    shown = repr(redact.redacted(load_settings(SECRET_ENV)))
    for secret in ("db-pass-1", "redis-pass-2", "ami-secret-3"):
        assert secret not in shown
    assert "postgresql+asyncpg://cc:***@db.example/callcenter" in shown
    assert "redis://:***@cache.example:6379/0" in shown
    assert "secret='***'" in shown


def test_a_url_without_a_password_is_shown_unchanged() -> None:
    assert redact.redact_url("redis://cache:6379/0") == "redis://cache:6379/0"
    assert redact.redact_url("sqlite+aiosqlite:///callcenter.db") == (
        "sqlite+aiosqlite:///callcenter.db")


def test_log_lines_quoting_a_secret_or_any_url_password_are_masked() -> None:
    settings = load_settings(SECRET_ENV)
    logger = logging.getLogger("test_redact")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        redact.install(settings, logger)
        logger.warning("AMI login as callcenter with %s failed", "ami-secret-3")
        logger.warning("connecting to %s", "postgresql://x:other-pass@h/db")
        try:
            raise OSError("redis://:redis-pass-2@cache.example refused")
        except OSError:
            logger.exception("hub down")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    for secret in ("ami-secret-3", "other-pass", "redis-pass-2"):
        assert secret not in text
    assert "AMI login as callcenter with *** failed" in text
    assert "postgresql://x:***@h/db" in text


def test_the_public_default_ami_secret_is_not_masked_in_log_lines() -> None:
    """It is also the product's name, which log lines quote everywhere."""
    assert redact.secrets_of(load_settings({})) == ()
