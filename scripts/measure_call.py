"""The call's figures (issue 15): three people (citizen, employee, interpreter) join one booking's
room on Janus, each in headless Chromium with a fake camera and microphone, on a host of their own
(the namespace's other end of the veth, as in the call tests). Prints the time from
pressing "Join the call" to the first remote frame for each, the frames decoded per second, and
Janus's CPU (share of one core) and memory while the three are in the call.

Run it through `bash scripts/measure-call` (inside its own network namespace, as the call tests).
It measures and prints; it asserts nothing about speed (the machines are shared and noisy)."""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e.call.conftest import CallService, browser_on_the_other_host
from sandbox.janus import JanusProcess

ROLES = ("citizen", "employee", "interpreter")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FRAMES = """async () => {
  let frames = 0;
  for (const pc of window.kepwebCall.peerConnections()) {
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
    });
  }
  return frames;
}"""
FIRST_FRAME = """() => Array.from(document.querySelectorAll('figure[data-feed] video'))
    .some((video) => !video.hidden && video.videoWidth > 0)"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_page(browser, service, role):
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    context.add_cookies([*service.cookies_for(role), {"name": "kepweb_lang", "value": "en", "url": service.url}])
    page = context.new_page()
    page.goto(service.url_for(role))
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="how long to measure with three in the call")
    arguments = parser.parse_args()
    assert os.environ.get("KEPWEB_CALL_NAMESPACE") == "1", "run it with: bash scripts/measure-call"
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the figures
    with tempfile.TemporaryDirectory() as folder:
        host = os.environ["KEPWEB_CALL_HOST"]
        janus = JanusProcess(Path(folder) / "janus", ws_ip=host,
                             ice_interfaces=[os.environ["KEPWEB_CALL_ICE_INTERFACE"]])
        (Path(folder) / "janus").mkdir()
        janus.start()
        service = CallService(Path(folder) / "scheduling.sqlite3", janus, host=host)
        try:
            with sync_playwright() as playwright:
                browser = browser_on_the_other_host(playwright, service)  # as the call tests: another host
                pages = {role: open_page(browser, service, role) for role in ROLES}
                pressed = {}
                for role, page in pages.items():
                    pressed[role] = time.monotonic()
                    page.get_by_role("button", name="Join the call").click()
                first_frame = {}
                for role, page in pages.items():
                    page.wait_for_function(FIRST_FRAME, timeout=30000)
                    first_frame[role] = time.monotonic() - pressed[role]
                time.sleep(2)  # past the start: the figures are for a call under way
                frames_before = {role: page.evaluate(FRAMES) for role, page in pages.items()}
                cpu_before, started = cpu_seconds(janus.pid), time.monotonic()
                time.sleep(arguments.seconds)
                elapsed = time.monotonic() - started
                cpu = (cpu_seconds(janus.pid) - cpu_before) / elapsed
                frames = {role: (page.evaluate(FRAMES) - frames_before[role]) / elapsed for role, page in pages.items()}
                memory = resident_mib(janus.pid)
                browser.close()
        finally:
            service.stop()
            janus.stop()
    print(f"three people in one call for {elapsed:.0f} s, Janus {janus_version()}, {os.cpu_count()} cores")
    for role in ROLES:
        print(f"  {role:<12} Join pressed to first remote frame: {first_frame[role]:.2f} s; "
              f"decoding {frames[role]:.1f} frames/s in all (two remote videos)")
    print(f"  Janus: {cpu * 100:.1f} % of one core, {memory:.0f} MiB resident")
    return 0


def janus_version() -> str:
    import subprocess

    answer = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "janus"], capture_output=True, text=True)
    return answer.stdout or "(version unknown)"


if __name__ == "__main__":
    raise SystemExit(main())
