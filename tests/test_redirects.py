import pytest

from kepweb.redirects import safe_next_url


@pytest.mark.parametrize(
    "candidate",
    ["/", "/manual", "/municipalities?q=%CF%87", "/feedback#problem"],
)
def test_paths_on_this_site_are_kept(candidate):
    assert safe_next_url(candidate) == candidate


@pytest.mark.parametrize(
    "candidate",
    [
        None,
        "",
        "//evil.example",
        "https://evil.example",
        "http://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "manual",
        "/\tevil",
        "/\r\nSet-Cookie:x",
        "///evil.example",
    ],
)
def test_anything_that_could_leave_the_site_falls_back(candidate):
    assert safe_next_url(candidate, fallback="/home") == "/home"
