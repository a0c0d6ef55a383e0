"""Shared by tests/ and e2e/."""

from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def fresh_compressed_static_files():
    """WhiteNoise serves the .gz and .br beside each static file: rebuild them so
    that a stylesheet edited since the last `scripts/test` is never served stale."""
    from whitenoise.compress import main as compress

    compress(["--quiet", str(Path(__file__).resolve().parent / "static")])
