import pytest

from callcenter.auth.csrf import CsrfFailed, check_csrf, csrf_required
from callcenter.auth.secret import digest, new_secret

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("method", "via", "required"),
    [
        ("GET", "session", False),
        ("HEAD", "session", False),
        ("OPTIONS", "session", False),
        ("POST", "session", True),
        ("PUT", "session", True),
        ("PATCH", "session", True),
        ("DELETE", "session", True),
        ("delete", "session", True),
        ("POST", "token", False),
        ("DELETE", "token", False),
    ],
)
def test_only_unsafe_methods_with_a_cookie_need_the_token(
    method: str, via: str, required: bool
) -> None:
    assert csrf_required(method, via) is required


def test_a_matching_header_passes() -> None:
    token = new_secret()
    check_csrf("POST", "session", token, digest(token))


@pytest.mark.parametrize("header", [None, "", "wrong-token"])
def test_a_missing_or_wrong_header_is_refused(header: str | None) -> None:
    token = new_secret()
    with pytest.raises(CsrfFailed) as refused:
        check_csrf("PUT", "session", header, digest(token))
    assert refused.value.status == 403
    assert refused.value.error_id == "csrf-failed"


def test_tokens_and_reads_need_no_header() -> None:
    check_csrf("DELETE", "token", None, "")
    check_csrf("GET", "session", None, digest("x"))
