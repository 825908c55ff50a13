from __future__ import annotations

import pytest

from tests.integration.auth.support import cheap_passwords


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_passwords(monkeypatch)
