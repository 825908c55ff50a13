from pathlib import Path

import pytest

from callcenter.settings import SettingsError, load_settings

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
