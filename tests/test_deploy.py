"""The production stack's configs in the repo (deploy/): gunicorn's and nginx's, checked as the servers
read them. The stack itself runs in e2e/test_production_stack.py."""

from __future__ import annotations

import re
import runpy
import subprocess

import pytest

from deploy.stack import API_DEADLINE, NGINX, Ports, Stack, make_certificate

GUNICORN_CONF = "deploy/gunicorn.conf.py"


def gunicorn_settings(monkeypatch, **environment) -> dict:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(GUNICORN_CONF)


def test_gunicorn_runs_the_app_factory_in_threads(monkeypatch):
    settings = gunicorn_settings(monkeypatch, KEPWEB_BIND="127.0.0.1:8123")
    assert settings["wsgi_app"] == "kepweb:create_app()"
    assert settings["worker_class"] == "gthread"
    assert settings["bind"] == "127.0.0.1:8123"


@pytest.mark.parametrize("deadline", ["10", "25"])
def test_gunicorns_timeout_is_above_the_api_deadline(monkeypatch, deadline):
    settings = gunicorn_settings(monkeypatch, KEPWEB_SCHEDULING_API_DEADLINE=deadline)
    assert settings["timeout"] > float(deadline)


def test_gunicorn_believes_forwarded_headers_only_from_the_proxy(monkeypatch):
    monkeypatch.delenv("KEPWEB_PROXY_ADDRESS", raising=False)
    assert gunicorn_settings(monkeypatch)["forwarded_allow_ips"] == "127.0.0.1"


def test_gunicorns_access_log_has_no_query_string_referer_or_agent(monkeypatch):
    log_format = gunicorn_settings(monkeypatch)["access_log_format"]
    assert "%(U)s" in log_format  # the path alone
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%({"):
        assert leaky not in log_format


@pytest.fixture(scope="module")
def nginx_config(tmp_path_factory):
    root = tmp_path_factory.mktemp("stack")
    stack = Stack(root, Ports.free())
    stack.certificate, _key = make_certificate(root / "tls")
    stack.logs.mkdir(parents=True)
    return stack, stack.nginx_config()


def test_the_nginx_config_is_valid(nginx_config):
    stack, config = nginx_config
    checked = subprocess.run([NGINX, "-t", "-p", str(stack.root / "nginx"), "-c", str(config)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_nginx_balances_both_instances_without_stickiness_and_skips_a_dead_one(nginx_config):
    stack, config = nginx_config
    text = config.read_text()
    upstream = re.search(r"upstream kepweb \{(.*?)\}", text, re.S).group(1)
    assert {f"127.0.0.1:{port}" for port in stack.ports.kepweb} == set(re.findall(r"server (\S+) ", upstream))
    for sticky in ("ip_hash", "hash ", "sticky", "least_conn"):
        assert sticky not in upstream
    # Exactly these: no "non_idempotent", so a POST that reached an instance is never sent twice.
    assert re.findall(r"^\s*proxy_next_upstream (.*);", text, re.M) == ["error timeout"]


def test_nginx_waits_longer_than_the_api_deadline(nginx_config):
    _stack, config = nginx_config
    timeouts = re.findall(r"proxy_(?:read|send)_timeout (\d+)s;", config.read_text())
    assert timeouts and all(int(seconds) > API_DEADLINE for seconds in timeouts)


def test_nginx_tells_kepweb_the_scheme_and_address_and_sends_http_to_https(nginx_config):
    stack, config = nginx_config
    text = config.read_text()
    for header in ("X-Forwarded-Proto $scheme", "X-Forwarded-For $remote_addr", "X-Forwarded-Host $http_host"):
        assert f"proxy_set_header {header};" in text
    assert f"return 301 https://$host:{stack.ports.https}$request_uri;" in text
    assert f"listen 127.0.0.1:{stack.ports.https} ssl" in text
    for path in ("/oauth2server/", "/sandbox/staff-id/", "/sandbox/outbox/"):
        assert f"location {path} {{\n            proxy_pass http://sandbox;" in text
