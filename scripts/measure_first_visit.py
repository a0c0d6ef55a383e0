"""Measure what a first visit to the home page costs: bytes transferred over the
wire (compressed, headers included) for HTML, CSS, JavaScript and fonts.

Starts the embedded default on a free port, loads the home page in Debian's
Chromium with an empty cache, and prints a table. A benchmark: it measures and
prints, it asserts nothing.

    .venv/bin/python scripts/measure_first_visit.py [--language el|en] [--width 360]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

KINDS = {"Document": "HTML", "Stylesheet": "CSS", "Script": "JavaScript", "Font": "fonts"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service():
    port, smtp_port = free_port(), free_port()
    env = dict(os.environ, PORT=str(port), KEPWEB_SMTP_PORT=str(smtp_port))
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urlopen(url, timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the embedded default did not start")


def measure(url, language, width):
    transferred, decoded, kinds = defaultdict(int), defaultdict(int), {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": width, "height": 800},
                                      locale="el-GR" if language == "el" else "en-GB")
        context.add_cookies([{"name": "kepweb_lang", "value": language, "url": url}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.on("Network.responseReceived", lambda event: kinds.__setitem__(event["requestId"], event["type"]))
        sizes = {}
        cdp.on("Network.dataReceived", lambda event: sizes.__setitem__(
            event["requestId"], sizes.get(event["requestId"], 0) + event["dataLength"]))

        def finished(event):
            kind = KINDS.get(kinds.get(event["requestId"]), "other")
            transferred[kind] += int(event["encodedDataLength"])
            decoded[kind] += sizes.get(event["requestId"], 0)

        cdp.on("Network.loadingFinished", finished)
        page.goto(url, wait_until="networkidle")
        browser.close()
    return transferred, decoded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="el", choices=["el", "en"])
    parser.add_argument("--width", type=int, default=360)
    arguments = parser.parse_args()
    process, url = start_service()
    try:
        transferred, decoded = measure(url, arguments.language, arguments.width)
    finally:
        process.terminate()
    print(f"First visit to {url} ({arguments.language}, {arguments.width} px wide, empty cache)")
    print(f"{'kind':<12}{'transferred':>14}{'uncompressed':>14}")
    for kind in ["HTML", "CSS", "JavaScript", "fonts", "other"]:
        if transferred.get(kind):
            print(f"{kind:<12}{transferred[kind]:>12,} B{decoded[kind]:>12,} B")
    print(f"{'total':<12}{sum(transferred.values()):>12,} B{sum(decoded.values()):>12,} B")


if __name__ == "__main__":
    main()
