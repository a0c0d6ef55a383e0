"""scripts/load-test: start the target (or take one given), run locust headless, print the figures.

Two scenarios, each bounded in time, each against a service of its own (a fresh database):
- steady: N virtual citizens through the whole journey (loadtest/locustfile.py);
- hang: the same, with the scheduling API hung for a while in the middle, behind a proxy that
  the locust process controls (loadtest/hang_proxy.py).

Against the embedded default (the default), it starts `python app.py` itself on free loopback ports, with
the API's back channel on a port it chose and, for the hang, the frontend sent through the proxy
(KEPWEB_SANDBOX_API_VIA). Against another stack (--target, --api-url), the stack is already running; for
the hang, that stack's frontend must reach its API through --hang-proxy-port, and --api-upstream says where
the proxy forwards to. It measures and prints; it fails only when it could not run (exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.figures import print_figures  # noqa: E402 (after the path)
from sandbox.janus.process import free_port  # noqa: E402

VISITORS = 5  # loadtest/locustfile.py's Visitor users, beside the citizens
# Each run, whatever is asked, with the time locust gives the journeys under way to end: within 2 minutes
# (a benchmark on a shared machine).
MAX_SECONDS = 105
BOUND_SECONDS = 120
START_SECONDS = 60  # for app.py to answer /healthz


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="virtual citizens (200)")
    parser.add_argument("--spawn-rate", type=float, default=50, help="new virtual citizens a second (50)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the steady run (60)")
    parser.add_argument("--think-seconds", type=float, default=0,
                        help="a citizen's pause before each step, on average (0: none, a robot's pace)")
    parser.add_argument("--scenario", choices=("steady", "hang", "both"), default="both")
    parser.add_argument("--hang-at", type=float, default=20, help="seconds into the hang run the API hangs (20)")
    parser.add_argument("--hang-seconds", type=float, default=20, help="how long it hangs (20)")
    parser.add_argument("--hang-run-seconds", type=int, default=100,
                        help="length of the hang run: the hang, then time to recover (100)")
    parser.add_argument("--production", action="store_true", help="against the production stack (deploy/stack.py: "
                        "nginx with TLS, two gunicorn instances, Redis, the sandbox in its own process), started "
                        "by this script for each scenario, instead of the embedded default")
    parser.add_argument("--target", default="", help="a running stack's base URL (default: start app.py)")
    parser.add_argument("--api-url", default="", help="with --target: its scheduling API (…/v1), to count bookings")
    parser.add_argument("--admin-token", default="sandbox-admin-token", help="with --target: the API's admin token")
    parser.add_argument("--hang-proxy-port", type=int, default=0, help="with --target: the port the stack's "
                        "frontend reaches its API through, where this script's proxy listens")
    parser.add_argument("--api-upstream", default="", help="with --target: HOST:PORT the proxy forwards to")
    parser.add_argument("--out", default=str(ROOT / ".sandbox" / "load-test"),
                        help="a folder for each run's figures (<scenario>.json) and logs (.sandbox/load-test)")
    options = parser.parse_args(argv)
    if options.target and options.production:
        parser.error("--production starts a stack of its own: no --target")
    if options.target and not options.api_url:
        parser.error("--target needs --api-url (to count the bookings)")
    if options.target and options.scenario != "steady" and not (options.hang_proxy_port and options.api_upstream):
        parser.error("the hang against --target needs --hang-proxy-port and --api-upstream")
    return options


class EmbeddedDefault:
    """`python app.py` on free loopback ports, with a database and a call server folder of its own."""

    def __init__(self, folder: Path, log_folder: Path, via_proxy: int | None):
        self.port, self.api_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"http://127.0.0.1:{self.api_port}/sandbox/scheduling/v1"
        env = {**os.environ, "PORT": str(self.port), "KEPWEB_SMTP_PORT": str(free_port()),
               "KEPWEB_SANDBOX_API_PORT": str(self.api_port), "KEPWEB_SANDBOX_DB": str(folder / "scheduling.sqlite3"),
               "KEPWEB_SANDBOX_JANUS_DIR": str(folder / "janus"), "KEPWEB_SANDBOX_JANUS_WS_PORT": str(free_port())}
        for name in ("KEPWEB_SCHEDULING_API_URL", "KEPWEB_ENV", "KEPWEB_SANDBOX_API_VIA", "KEPWEB_SANDBOX_JANUS_URL"):
            env.pop(name, None)
        if via_proxy:
            env["KEPWEB_SANDBOX_API_VIA"] = f"http://127.0.0.1:{via_proxy}/sandbox/scheduling/v1"
        log_folder.mkdir(exist_ok=True)
        self.log = log_folder / "app.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self):
        ends = time.monotonic() + START_SECONDS
        while time.monotonic() < ends:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py stopped at start: see {self.log}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"app.py did not answer within {START_SECONDS} s: see {self.log}")

    def stop(self):
        self.process.terminate()  # app.py makes SIGTERM an exit, which stops its Janus too
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class ProductionStack:
    """The production stack (deploy/stack.py) on free loopback ports, in a folder of its own: nginx (TLS, a
    self-signed certificate the load's client is told to trust), two gunicorn instances, Redis and the sandbox;
    with `via_proxy`, the instances reach the API through the load test's proxy on that port."""

    def __init__(self, folder: Path, via_proxy: int | None):
        from deploy.stack import Ports, Stack

        ports = Ports.free()
        self.stack = Stack(folder, ports, show_upstream=False,
                           api_via=f"http://127.0.0.1:{via_proxy}" if via_proxy else "")
        self.stack.start()
        self.url = self.stack.public_url
        self.api_port = ports.sandbox
        # The admin API, on its own listener: where the bookings are counted.
        self.api_url = f"http://127.0.0.1:{ports.sandbox_admin}/v1"
        self.admin_token = self.stack.secrets.admin_token
        # requests lets REQUESTS_CA_BUNDLE, when the machine sets one, win over a session's own `verify`.
        self.environment = {"REQUESTS_CA_BUNDLE": str(self.stack.certificate),
                            "KEPWEB_LOAD_CA_BUNDLE": str(self.stack.certificate)}

    def stop(self):
        self.stack.stop()


def run_locust(options, scenario: str, host: str, api_url: str, folder: Path, proxy: str = "",
               admin_token: str = "", environment: dict | None = None) -> dict:
    seconds = min(options.seconds if scenario == "steady" else options.hang_run_seconds, MAX_SECONDS)
    # Journeys under way when the time is up may end (locust's stop timeout), within the bound: a journey
    # cut short says nothing of the service.
    stop_seconds = min(40, BOUND_SECONDS - seconds)
    summary = folder / f"{scenario}.json"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
               "--only-summary", "--loglevel", "WARNING", "-u", str(options.users + VISITORS),
               "-r", str(options.spawn_rate),
               "-t", f"{seconds}s", "--stop-timeout", str(stop_seconds), "--host", host, "--api-url", api_url,
               "--think-seconds", str(options.think_seconds),
               "--admin-token", admin_token or options.admin_token, "--summary-json", str(summary)]
    if scenario == "hang":
        command += ["--hang-proxy", proxy, "--hang-at", str(options.hang_at),
                    "--hang-seconds", str(options.hang_seconds)]
    log = folder / f"locust-{scenario}.log"
    with log.open("w") as output:
        # A bound on the bound: locust stops by itself at -t plus --stop-timeout.
        subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(environment or {})},
                       stdout=output,
                       stderr=subprocess.STDOUT, timeout=seconds + 120, check=False)
    if not summary.exists():
        raise RuntimeError(f"locust wrote no figures: see {log}")
    return json.loads(summary.read_text(encoding="utf-8"))


def run(options) -> dict:
    scenarios = ("steady", "hang") if options.scenario == "both" else (options.scenario,)
    results = {}
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kepweb-load-") as temporary:  # the services' databases
        for scenario in scenarios:
            folder = Path(temporary) / scenario
            folder.mkdir()
            if options.target:
                proxy = f"{options.hang_proxy_port}:{options.api_upstream}" if scenario == "hang" else ""
                results[scenario] = run_locust(options, scenario, options.target, options.api_url, out, proxy)
                continue
            proxy_port = free_port() if scenario == "hang" else None
            if options.production:
                service = ProductionStack(folder, proxy_port)
            else:
                service = EmbeddedDefault(folder, out / f"app-{scenario}", proxy_port)
            try:
                proxy = f"{proxy_port}:127.0.0.1:{service.api_port}" if proxy_port else ""
                print(f"== {scenario}: {options.users} virtual citizens against {service.url} "
                      f"(its API at {service.api_url})", flush=True)
                results[scenario] = run_locust(options, scenario, service.url, service.api_url, out, proxy,
                                               getattr(service, "admin_token", ""),
                                               getattr(service, "environment", None))
            finally:
                service.stop()
    return results


def main(argv=None) -> int:
    options = arguments(argv)
    try:
        results = run(options)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"the load test could not run: {error}", file=sys.stderr)
        return 2
    for scenario, summary in results.items():
        print(f"\n#### scenario: {scenario}")
        print_figures(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
