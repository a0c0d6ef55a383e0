"""Error pages, and what the citizen sees when the scheduling API misbehaves."""

import threading

import pytest
from werkzeug.serving import make_server

from kepweb import create_app
from tests.conftest import PageClient
from tests.page_checks import text_of


def test_page_not_found(client_request):
    client_request.use_language("el")
    page = client_request.get("/no-such-page", expected_status=404)
    assert text_of(page.h1) == "Η σελίδα δεν βρέθηκε"


def test_server_error_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom")

    client = PageClient(app.test_client())
    client.use_language("en")
    page = client.get("/explode", expected_status=500)
    assert text_of(page.h1) == "Sorry, there is a problem with the service"


class MisbehavingApi:
    """A scheduling API that is slow, or answers nonsense."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        # "slow": no answer until the test has seen what the citizen sees (never a
        # guess at how long is longer than the client's timeout).
        self.answer_now = threading.Event()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.port}/v1"

    def __call__(self, environ, start_response):
        if self.behaviour == "slow":
            self.answer_now.wait(timeout=60)
            body, status, kind = b'{"municipalities": []}', "200 OK", "application/json"
        elif self.behaviour == "html":
            body, status, kind = b"<html>proxy error</html>", "200 OK", "text/html"
        elif self.behaviour == "wrong-shape":
            body, status, kind = b'{"municipalities": [{"id": 1}]}', "200 OK", "application/json"
        else:
            body, status, kind = b"{}", "502 Bad Gateway", "application/json"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]


def unreachable_api_url():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # closed again: connection refused


@pytest.mark.parametrize("behaviour", ["down", "slow", "html", "wrong-shape", "bad-gateway"])
@pytest.mark.parametrize("language, heading", [("el", "η υπηρεσία δεν είναι διαθέσιμη"),
                                               ("en", "Sorry, the service is unavailable")])
def test_a_misbehaving_api_gives_a_clear_page_in_the_citizens_language(app_config, behaviour, language, heading):
    api = None if behaviour == "down" else MisbehavingApi(behaviour)
    url = unreachable_api_url() if api is None else api.url
    app = create_app({**app_config, "SCHEDULING_API_URL": url, "SCHEDULING_API_TIMEOUT": 0.5})
    client = PageClient(app.test_client())
    client.use_language(language)
    try:
        page = client.get("/municipalities?q=abc", expected_status=503)
    finally:
        if api is not None:
            api.answer_now.set()
    assert text_of(page.h1).endswith(heading)
    assert page.find("a", href="/municipalities?q=abc"), "a way to try again"
