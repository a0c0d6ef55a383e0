"""The call tests (e2e/call), run inside a network namespace of their own.

Janus gathers no ICE candidates on loopback, so media between Janus and Chromium needs an
interface that goes nowhere: `scripts/call-namespace` makes one and runs pytest there. One
`bash scripts/test` thus runs them too; their output is printed here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
MINUTES = 60


def test_the_call_tests_pass_inside_their_network_namespace():
    command = ["bash", str(ROOT / "scripts" / "call-namespace"), sys.executable, "-m", "pytest", "e2e/call",
               "-p", "no:randomly", "-p", "no:cacheprovider", "-q"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=15 * MINUTES)
    print(finished.stdout)  # noqa: T201 (the inner run's report, shown with -s or on failure)
    print(finished.stderr, file=sys.stderr)  # noqa: T201
    assert finished.returncode == 0, f"the call tests failed inside their namespace:\n{finished.stdout[-5000:]}"
