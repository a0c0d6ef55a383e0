"""Several instances behind a balancer that sends each request wherever it likes (kepweb/shared_store.py):
with KEPWEB_REDIS_URL every instance sees the session, the wizard's answers, the uploads and the fair-use
counters another wrote; on files each instance keeps its own, which production refuses to start on."""

from __future__ import annotations

import time

import pytest
import redis
from cachelib import FileSystemCache, RedisCache

from kepweb import create_app
from kepweb.auth.sessions import LAST_SEEN, SESSION_CITIZEN
from kepweb.booking import state
from kepweb.config import ConfigError
from tests.booking.conftest import MARIA
from tests.conftest import PageClient, free_port
from tests.test_config import PRODUCTION

SECRET = "one-secret-key-shared-by-every-instance"
COOKIE = "kepweb_session"


@pytest.fixture
def redis_store(redis_url):
    """The test's Redis, emptied first: nothing of another test's sessions or counters."""
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def instance(app_config, **overrides):
    """One kepweb instance, as gunicorn on another port (or another machine) would run it."""
    return create_app({**app_config, "SECRET_KEY": SECRET, **overrides})


def signed_in_client(app):
    client = app.test_client()
    client.set_cookie("kepweb_lang", "en")
    with client.session_transaction() as session:
        session[SESSION_CITIZEN] = MARIA.to_session()
        session[LAST_SEEN] = time.time()
    return PageClient(client)


def same_browser_on(app, browser: PageClient) -> PageClient:
    """The browser's next request, sent by the balancer to `app`: the same cookies."""
    client = app.test_client()
    for name in (COOKIE, "kepweb_lang"):
        client.set_cookie(name, browser.client.get_cookie(name).value)
    return PageClient(client)


def choose_category(browser):
    response = browser.post("/book/category", {"category": "information"}, expected_status=303)
    assert response.headers["Location"].endswith("/book/procedure")


def test_on_files_the_other_instance_does_not_know_the_session(app_config, tmp_path):
    """The failure production refuses: two instances, each with its own folder (two machines, or two
    containers), and the citizen's second request lands on the one that never saw the first."""
    first = instance(app_config, SESSION_DIRECTORY=str(tmp_path / "first"))
    second = instance(app_config, SESSION_DIRECTORY=str(tmp_path / "second"))
    browser = signed_in_client(first)
    choose_category(browser)
    assert browser.client.get("/book/procedure").status_code == 200
    response = same_browser_on(second, browser).client.get("/book/procedure")
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.headers["Location"], "signed out by a change of instance"


def test_on_redis_any_instance_serves_the_next_step_with_every_answer_kept(app_config, redis_store):
    first, second = instance(app_config, REDIS_URL=redis_store), instance(app_config, REDIS_URL=redis_store)
    assert isinstance(first.config["SESSION_CACHELIB"], RedisCache)
    browser = signed_in_client(first)
    choose_category(browser)
    on_second = same_browser_on(second, browser)
    page = on_second.get("/book/procedure")
    assert "Step 2 of" in page.title.get_text()
    # Back on the first: the answer given through the second is there too.
    response = on_second.post("/book/procedure", {"procedure": "housing-allowance"}, expected_status=303)
    assert response.headers["Location"].endswith("/book/municipality")
    again = same_browser_on(first, on_second)
    assert "Step 3 of" in again.get("/book/municipality").title.get_text()
    keys = [key.decode() for key in redis.Redis.from_url(redis_store).keys("kepweb:wizard:*")]
    assert len(keys) == 1, "one citizen, one wizard, wherever she was served"
    answers = first.config["SESSION_CACHELIB"].get(keys[0].removeprefix("kepweb:"))
    assert answers["category"] == "information" and answers["procedure"] == "housing-allowance"


def test_sessions_wizard_answers_and_uploads_share_one_store(app_config, redis_store):
    app = instance(app_config, REDIS_URL=redis_store)
    with app.app_context():
        assert state.store() is app.config["SESSION_CACHELIB"]
        assert app.session_interface.stored.cache is app.config["SESSION_CACHELIB"], "signed-in sessions too"
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_store, "the counters default to the same Redis"


def test_without_redis_the_store_is_files_and_the_counters_memory(app_config, tmp_path):
    app = instance(app_config, SESSION_DIRECTORY=str(tmp_path / "sessions"))
    assert isinstance(app.config["SESSION_CACHELIB"], FileSystemCache)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.test_client().get("/readyz").json["checks"] == {"scheduling_api": "ok"}


def test_a_fair_use_budget_is_counted_across_instances(app_config, redis_store):
    first, second = instance(app_config, REDIS_URL=redis_store), instance(app_config, REDIS_URL=redis_store)
    for app in (first, second):
        app.config["RATELIMITS"] = {"search": ("1000/minute", "2/minute")}
    browser = signed_in_client(first)
    assert browser.client.get("/municipalities?q=chania").status_code == 200
    on_second = same_browser_on(second, browser)
    assert on_second.client.get("/municipalities?q=chania").status_code == 200
    assert browser.client.get("/municipalities?q=chania").status_code == 429, "two instances, one budget"


def test_readyz_checks_redis(app_config, redis_store):
    response = instance(app_config, REDIS_URL=redis_store).test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"scheduling_api": "ok", "redis": "ok"}


def test_readyz_answers_503_when_redis_is_not_there(app_config):
    gone = f"redis://127.0.0.1:{free_port()}/0"
    response = instance(app_config, REDIS_URL=gone).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == "unreachable (ConnectionError)"
    assert response.json["checks"]["scheduling_api"] == "ok"


def production_environment(monkeypatch, scheduling_api, **settings):
    for name, value in (PRODUCTION | settings).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KEPWEB_SCHEDULING_API_URL", scheduling_api)


def test_production_refuses_to_start_on_session_files(monkeypatch, scheduling_api):
    production_environment(monkeypatch, scheduling_api)
    monkeypatch.delenv("KEPWEB_REDIS_URL", raising=False)
    with pytest.raises(ConfigError, match="Not acceptable: sessions, wizard answers and uploads kept in files "
                                          "in production.*KEPWEB_REDIS_URL"):
        create_app()


def test_production_refuses_to_keep_limits_in_process_memory(monkeypatch, scheduling_api, redis_store):
    production_environment(monkeypatch, scheduling_api, KEPWEB_REDIS_URL=redis_store,
                           KEPWEB_RATELIMIT_STORAGE_URI="memory://")
    with pytest.raises(ConfigError, match="Not acceptable: limits kept in process memory in production"):
        create_app()


def test_production_on_redis_starts_and_counts_there(monkeypatch, scheduling_api, redis_store):
    production_environment(monkeypatch, scheduling_api, KEPWEB_REDIS_URL=redis_store)
    monkeypatch.delenv("KEPWEB_RATELIMIT_STORAGE_URI", raising=False)
    app = create_app()
    assert isinstance(app.config["SESSION_CACHELIB"], RedisCache)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_store


def test_app_py_says_why_it_will_not_start_on_files_in_production(monkeypatch, capsys, scheduling_api):
    import app as entry_point

    production_environment(monkeypatch, scheduling_api)
    monkeypatch.delenv("KEPWEB_REDIS_URL", raising=False)
    assert entry_point.main() == 2
    assert "KEPWEB_REDIS_URL" in capsys.readouterr().err


def test_anonymous_visitors_write_nothing_to_redis(app_config, redis_store):
    """Production's store, the same promise as on files (tests/test_anonymous_sessions.py): a crowd that has
    not signed in leaves Redis as empty as it found it, page views and the feedback form's CSRF included."""
    app = instance(app_config, REDIS_URL=redis_store)
    for _ in range(10):
        visitor = app.test_client()
        for path in ("/", "/manual", "/accessibility", "/privacy", "/feedback", "/municipalities"):
            assert visitor.get(path).status_code == 200
        assert visitor.get("/no-such-page").status_code == 404
        assert visitor.get("/appointments").status_code in (302, 303)  # to sign in
    assert redis.Redis.from_url(redis_store).keys("kepweb:session:*") == []
    signed_in_client(app).get("/book/category")
    assert len(redis.Redis.from_url(redis_store).keys("kepweb:session:*")) == 1, "a signed-in session is kept there"
