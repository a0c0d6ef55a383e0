import pytest

from kepweb import create_app
from kepweb.config import REQUIRED_IN_PRODUCTION, ConfigError, from_environment

PRODUCTION = {name: f"https://example.test/{name.lower()}" for name in REQUIRED_IN_PRODUCTION} | {
    "KEPWEB_ENV": "production",
    "KEPWEB_SECRET_KEY": "a-long-secret",
    "KEPWEB_SMTP_HOST": "smtp.example.test",
}


def test_development_defaults_need_no_environment():
    config = from_environment({})
    assert config["BABEL_DEFAULT_LOCALE"] == "el"
    assert config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Athens"
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 30 * 60
    assert len(config["SECRET_KEY"]) >= 32
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_to_start_without_secret_and_external_urls():
    with pytest.raises(ConfigError) as refused:
        from_environment({"KEPWEB_ENV": "production"})
    message = str(refused.value)
    for name in REQUIRED_IN_PRODUCTION:
        assert name in message
    assert "README" in message


@pytest.mark.parametrize("missing", ["KEPWEB_SECRET_KEY", "KEPWEB_SCHEDULING_API_URL", "KEPWEB_GSIS_TOKEN_URL"])
def test_production_names_the_one_missing_setting(missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    with pytest.raises(ConfigError, match=missing):
        from_environment(env)


def test_production_config_has_secure_cookies_and_https():
    config = from_environment(PRODUCTION)
    assert config["SECRET_KEY"] == "a-long-secret"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["KEPWEB_FORCE_HTTPS"] is True
    assert config["TRUSTED_PROXIES"] == 0  # nobody's X-Forwarded-* headers are believed until a proxy is named


@pytest.mark.parametrize(
    "env, message",
    [
        ({"KEPWEB_SESSION_MINUTES": "soon"}, "whole number"),
        ({"KEPWEB_SESSION_MINUTES": "0"}, "more than 0"),
        ({"KEPWEB_DEFAULT_LOCALE": "fr"}, "el, en"),
        ({"KEPWEB_SCHEDULING_API_TIMEOUT": "-1"}, "more than 0"),
        ({"KEPWEB_TRUSTED_PROXIES": "nginx"}, "whole number"),
        ({"KEPWEB_TRUSTED_PROXIES": "-1"}, "0 or more"),
    ],
)
def test_bad_values_are_explained(env, message):
    with pytest.raises(ConfigError, match=message):
        from_environment(env)


def test_create_app_without_an_api_points_to_the_embedded_default(monkeypatch):
    monkeypatch.delenv("KEPWEB_SCHEDULING_API_URL", raising=False)
    with pytest.raises(ConfigError, match="app.py"):
        create_app()


def test_environment_variables_reach_the_app(monkeypatch):
    monkeypatch.setenv("KEPWEB_SCHEDULING_API_URL", "http://api.example.test/v1")
    monkeypatch.setenv("KEPWEB_SESSION_MINUTES", "20")
    monkeypatch.setenv("KEPWEB_DEFAULT_LOCALE", "en")
    app = create_app()
    assert app.config["SCHEDULING_API_URL"] == "http://api.example.test/v1"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 20 * 60
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"


def test_app_py_exits_with_a_clear_message_in_production_without_settings(monkeypatch, capsys):
    import app as entry_point

    for name in REQUIRED_IN_PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KEPWEB_ENV", "production")
    assert entry_point.main() == 2
    assert "KEPWEB_SECRET_KEY" in capsys.readouterr().err
