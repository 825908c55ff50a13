from datetime import time
from pathlib import Path

import pytest

from callcenter.settings import Settings, SettingsError, load_settings, setting_names

pytestmark = pytest.mark.unit


def test_embedded_defaults_need_no_environment() -> None:
    settings = load_settings({})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url is None
    assert settings.site_timezone == "Asia/Shanghai"
    assert settings.sla.ring_cycle_s == 5.0
    assert settings.sla.max_rings == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CALLCENTER_TIMEZONE", "Mars/Olympus_Mons"),
        ("DATABASE_URL", "postgresql://"),
        ("DATABASE_URL", "mysql://root@localhost/cc"),
        ("DATABASE_URL", "sqlite:///callcenter.db"),
        ("REDIS_URL", "http://localhost:6379"),
        ("CALLCENTER_AMI_PORT", "70000"),
        ("CALLCENTER_AMI_PORT", "five"),
        ("CALLCENTER_PHONE_REGION", "XX"),
        ("CALLCENTER_AREA_CODE", "abc"),
        ("CALLCENTER_RING_CYCLE_SECONDS", "0"),
        ("CALLCENTER_SLA_MAX_RINGS", "-1"),
        ("CALLCENTER_AMI_USER", "  "),
        ("CALLCENTER_TRUSTED_PROXIES", "10.0.0.1, proxy.example"),
    ],
)
def test_bad_setting_is_refused_with_its_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    assert caught.value.name == name
    assert name in str(caught.value)


def test_postgresql_url_gets_the_async_driver() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://cc@db.example:5432/callcenter"})
    assert settings.database_url == "postgresql+asyncpg://cc@db.example:5432/callcenter"


def test_settings_are_frozen() -> None:
    settings = load_settings({})
    with pytest.raises(AttributeError):
        settings.http_port = 1  # type: ignore[misc]


def test_config_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "callcenter.toml"
    config.write_text(
        'site_timezone = "Asia/Urumqi"\narea_code = "021"\n'
        '[ami]\nhost = "pbx.local"\nport = 5039\n',
        encoding="utf-8",
    )
    settings = load_settings(
        {"CALLCENTER_CONFIG": str(config), "CALLCENTER_AMI_PORT": "6000"}
    )
    assert settings.site_timezone == "Asia/Urumqi"
    assert settings.area_code == "21"
    assert settings.ami.host == "pbx.local"
    assert settings.ami.port == 6000


def test_unknown_key_in_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "callcenter.toml"
    config.write_text('time_zone = "Asia/Shanghai"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="time_zone") as caught:
        load_settings({"CALLCENTER_CONFIG": str(config)})
    assert caught.value.name == "CALLCENTER_CONFIG"


def test_bad_value_in_config_file_names_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "callcenter.toml"
    config.write_text('site_timezone = "Nowhere/Land"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings({"CALLCENTER_CONFIG": str(config)})
    assert caught.value.name == "CALLCENTER_TIMEZONE"


def test_trusted_proxies_are_addresses_or_networks_from_the_environment_or_a_file(
    tmp_path: Path,
) -> None:
    assert load_settings({}).trusted_proxies == ()
    listed = load_settings({"CALLCENTER_TRUSTED_PROXIES": " 10.0.0.5, 192.168.1.0/24,::1"})
    assert listed.trusted_proxies == ("10.0.0.5/32", "192.168.1.0/24", "::1/128")
    config = tmp_path / "callcenter.toml"
    config.write_text('trusted_proxies = ["10.0.0.5", "10.1.0.0/16"]\n', encoding="utf-8")
    from_file = load_settings({"CALLCENTER_CONFIG": str(config)})
    assert from_file.trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16")


def test_settings_built_in_code_take_nothing_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALLCENTER_HTTP_PORT", "1")
    assert Settings().http_port == 8080
    assert Settings(http_port=9000).http_port == 9000


def test_every_setting_is_read_from_one_variable_of_its_own() -> None:
    names = setting_names()
    assert len(names) == len(set(names)) == 45
    assert names[:4] == ["CALLCENTER_CONFIG", "CALLCENTER_DATA_DIR", "DATABASE_URL",
                         "REDIS_URL"]


def test_config_file_takes_arrays_booleans_and_numbers_as_toml_writes_them(
    tmp_path: Path,
) -> None:
    config = tmp_path / "callcenter.toml"
    config.write_text(
        "area_code = 21\n[sla]\nmax_rings = 4\n"
        '[dialer]\nenabled = false\ncalling_windows = ["08:00-12:00", "13:00-18:00"]\n'
        'sampling_percent = 25\njob_events = ["product_returned"]\n',
        encoding="utf-8",
    )
    settings = load_settings({"CALLCENTER_CONFIG": str(config)})
    assert settings.area_code == "21"
    assert settings.sla.max_rings == 4
    assert settings.dialer.enabled is False
    assert settings.dialer.calling_windows == ((time(8), time(12)), (time(13), time(18)))
    assert settings.dialer.sampling_percent == 25.0
    assert settings.dialer.job_events == ("product_returned",)


def test_config_file_cannot_set_what_no_variable_sets(tmp_path: Path) -> None:
    config = tmp_path / "callcenter.toml"
    config.write_text("[ami]\nreconnect_min_s = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"unknown setting .ami\.reconnect_min_s.") as caught:
        load_settings({"CALLCENTER_CONFIG": str(config)})
    assert caught.value.name == "CALLCENTER_CONFIG"


def test_a_config_file_that_is_not_there_or_not_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read") as caught:
        load_settings({"CALLCENTER_CONFIG": str(tmp_path / "missing.toml")})
    assert caught.value.name == "CALLCENTER_CONFIG"
    broken = tmp_path / "broken.toml"
    broken.write_text("site_timezone = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML") as caught:
        load_settings({"CALLCENTER_CONFIG": str(broken)})
    assert caught.value.name == "CALLCENTER_CONFIG"


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("CALLCENTER_SLA_MAX_RINGS", "0", "must be greater than 0"),
        ("CALLCENTER_SLA_MAX_RINGS", "three", "'three' is not a whole number"),
        ("CALLCENTER_HTTP_PORT", "70000", "must be at most 65535"),
        ("CALLCENTER_RING_CYCLE_SECONDS", "soon", "'soon' is not a number"),
        ("CALLCENTER_DIALER_ENABLED", "maybe", "'maybe' is not true or false"),
        ("CALLCENTER_AMI_SECRET", "", "must not be empty"),
    ],
)
def test_refusals_say_what_is_wrong_in_words(name: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    assert str(caught.value) == f"setting {name}: {problem}"


def test_a_rule_between_two_settings_names_the_one_to_change() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"CALLCENTER_AMI_PING_INTERVAL": "1", "CALLCENTER_AMI_PING_TIMEOUT": "4"})
    assert caught.value.name == "CALLCENTER_AMI_PING_TIMEOUT"


def test_groups_are_frozen_and_print_as_they_did() -> None:
    settings = load_settings({})
    with pytest.raises(AttributeError):
        settings.ami.port = 1  # type: ignore[misc]
    assert str(settings) == repr(settings)
    assert repr(settings.sla) == (
        "SlaSettings(ring_cycle_s=5.0, max_rings=3, short_abandon_s=5.0)")


def test_the_embedded_database_lives_in_the_data_directory_whatever_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings({}).database_url == (
        "sqlite+aiosqlite:////var/lib/callcenter/callcenter.db")
    monkeypatch.chdir(tmp_path)
    relative = load_settings({"CALLCENTER_DATA_DIR": "data"})
    assert relative.data_dir == str(tmp_path / "data")
    assert relative.database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'callcenter.db'}"
    given = load_settings({"DATABASE_URL": "postgresql://u@h/db", "CALLCENTER_DATA_DIR": "x"})
    assert given.database_url == "postgresql+asyncpg://u@h/db"
