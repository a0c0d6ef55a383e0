"""The production stack on one machine, all on loopback: `bash scripts/production-demo` (python -m deploy.stack).

    browser ──https──▶ nginx ──▶ kepweb (gunicorn) ×2, round robin ──▶ Redis (sessions, answers, uploads, limits)
                         │              │
                         │              └──▶ python -m sandbox: scheduling API, token and userinfo, SMTP
                         └──▶ python -m sandbox: /oauth2server/, /sandbox/staff-id/, /sandbox/outbox/

Every secret is new at each start; the certificate is self-signed (made with openssl) and kept in the
stack's folder, `.sandbox/production/` unless told otherwise. `Stack` is what the browser test starts too.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import requests

from deploy.processes import START_TIMEOUT, Process, StartFailed, redis_server
from sandbox.janus.process import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT_ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
INSTANCES = 2
API_DEADLINE = 10  # KEPWEB_SCHEDULING_API_DEADLINE; gunicorn's and nginx's timeouts are above it
PROXY_TIMEOUT = API_DEADLINE + 20
JANUS_PATH = "/janus-ws/"
GSIS_CLIENT_ID = "kepweb-production-demo"
STAFF_CLIENT_ID = "kepweb-staff-production-demo"


@dataclass
class Ports:
    https: int = 8443
    http: int = 8080
    redis: int = 6390
    sandbox: int = 8100
    sandbox_admin: int = 8101
    smtp: int = 8125
    janus_ws: int = 8190
    kepweb: tuple[int, ...] = (8001, 8002)

    @classmethod
    def free(cls) -> Ports:
        """Ports nobody uses now (the tests': never the demo's)."""
        return cls(https=free_port(), http=free_port(), redis=free_port(), sandbox=free_port(),
                   sandbox_admin=free_port(), smtp=free_port(), janus_ws=free_port(),
                   kepweb=tuple(free_port() for _ in range(INSTANCES)))


@dataclass
class Secrets:
    """Shared between the frontend and the stand-ins; new at each start."""
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    api_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    assertion_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    audit_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    link_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    gsis_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    staff_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))


class ConfigTemplate(Template):
    """Only ${name} is ours: nginx's own $variables are left as they are."""
    pattern = r"\$\{(?P<braced>[a-z_0-9]+)\}|(?P<escaped>\$\$\$\$)|(?P<named>(?!))|(?P<invalid>(?!))"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl), made once and kept."""
    certificate, key = directory / "certificate.pem", directory / "certificate-key.pem"
    if certificate.exists() and key.exists():
        return certificate, key
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True, timeout=60)
    key.chmod(0o600)
    return certificate, key


class Stack:
    def __init__(self, root: Path = PROJECT_ROOT / ".sandbox/production", ports: Ports | None = None,
                 show_upstream: bool = True, api_via: str = ""):
        self.root = root.resolve()
        # Where the instances reach the sandbox's services, when not directly: the load test's proxy, which
        # it makes hang (scripts/load-test --production). That proxy starts with the load, so the stack is
        # then ready once every instance is up (/healthz), not once the API answers through it (/readyz).
        self.api_via = api_via
        self.ports = ports or Ports()
        self.secrets = Secrets()
        # An X-Upstream header on each answer, naming the instance that served it: for the demo and its test.
        self.show_upstream = show_upstream
        self.logs = self.root / "logs"
        self.public_url = f"https://127.0.0.1:{self.ports.https}"
        self.certificate: Path | None = None
        self.redis: Process | None = None
        self.sandbox: Process | None = None
        self.janus = None  # sandbox.janus.process.JanusProcess, when Debian's janus is installed
        self.instances: list[Process] = []
        self.nginx: Process | None = None

    # -- the environment of each process ---------------------------------------------------------------

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports.redis}/0"

    @property
    def call_server_url(self) -> str:
        """Where browsers reach Janus: through nginx, on the site's own origin (wss://)."""
        return f"wss://127.0.0.1:{self.ports.https}{JANUS_PATH}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.sandbox}"

    def sandbox_environment(self) -> dict:
        s = self.secrets
        return {**os.environ,
                "KEPWEB_SANDBOX_PUBLIC_URL": self.public_url,
                "KEPWEB_SANDBOX_PORT": str(self.ports.sandbox),
                "KEPWEB_SANDBOX_ADMIN_PORT": str(self.ports.sandbox_admin),
                "KEPWEB_SANDBOX_SMTP_PORT": str(self.ports.smtp),
                "KEPWEB_SANDBOX_API_TOKEN": s.api_token,
                "KEPWEB_SANDBOX_ADMIN_TOKEN": s.admin_token,
                "KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY": s.assertion_key,
                "KEPWEB_SANDBOX_AUDIT_KEY": s.audit_key,
                "KEPWEB_SANDBOX_LINK_SECRET": s.link_secret,
                "KEPWEB_SANDBOX_GSIS_CLIENT_ID": GSIS_CLIENT_ID,
                "KEPWEB_SANDBOX_GSIS_CLIENT_SECRET": s.gsis_secret,
                "KEPWEB_SANDBOX_STAFF_CLIENT_ID": STAFF_CLIENT_ID,
                "KEPWEB_SANDBOX_STAFF_CLIENT_SECRET": s.staff_secret,
                "KEPWEB_SANDBOX_DB": str(self.root / "scheduling.sqlite3"),
                "KEPWEB_ENV": "production",
                **({"KEPWEB_SANDBOX_JANUS_URL": self.janus.http_url,
                    "KEPWEB_SANDBOX_JANUS_ADMIN_KEY": self.janus.room_admin_key,
                    "KEPWEB_SANDBOX_CALL_SERVER_URL": self.call_server_url} if self.janus else {})}

    def kepweb_environment(self, index: int) -> dict:
        s, public, own = self.secrets, self.public_url, self.sandbox_url
        return {**os.environ,
                "KEPWEB_ENV": "production",
                "KEPWEB_BIND": f"127.0.0.1:{self.ports.kepweb[index]}",
                "KEPWEB_ACCESS_LOG": str(self.logs / f"kepweb-{index + 1}-access.log"),
                "KEPWEB_ERROR_LOG": str(self.logs / f"kepweb-{index + 1}.log"),
                "KEPWEB_PROCESS_NAME": f"kepweb-{index + 1}",
                "KEPWEB_TRUSTED_PROXIES": "1",
                "KEPWEB_REDIS_URL": self.redis_url,
                "KEPWEB_SECRET_KEY": s.secret_key,
                "KEPWEB_SCHEDULING_API_URL": f"{self.api_via or own}/sandbox/scheduling/v1",
                "KEPWEB_SCHEDULING_API_TOKEN": s.api_token,
                "KEPWEB_SCHEDULING_API_DEADLINE": str(API_DEADLINE),
                "KEPWEB_CITIZEN_ASSERTION_KEY": s.assertion_key,
                "KEPWEB_GSIS_CLIENT_ID": GSIS_CLIENT_ID,
                "KEPWEB_GSIS_CLIENT_SECRET": s.gsis_secret,
                # The browser goes to the public address; the frontend itself calls the provider on loopback.
                "KEPWEB_GSIS_AUTHORIZE_URL": f"{public}/oauth2server/oauth/authorize",
                "KEPWEB_GSIS_TOKEN_URL": f"{own}/oauth2server/oauth/token",
                "KEPWEB_GSIS_USERINFO_URL": f"{own}/oauth2server/userinfo?format=xml",
                "KEPWEB_GSIS_LOGOUT_URL": f"{public}/oauth2server/logout/{{client_id}}/",
                "KEPWEB_STAFF_OIDC_ISSUER": f"{public}/sandbox/staff-id",
                "KEPWEB_STAFF_OIDC_CLIENT_ID": STAFF_CLIENT_ID,
                "KEPWEB_STAFF_OIDC_CLIENT_SECRET": s.staff_secret,
                "KEPWEB_SMTP_HOST": "127.0.0.1",
                "KEPWEB_SMTP_PORT": str(self.ports.smtp),
                "KEPWEB_DPO_EMAIL": "dpo@mykeplive.example",
                "KEPWEB_DPO_POSTAL_ADDRESS": "Demo only: the real address is set in production",
                # The staff sign-in's discovery document is read at the public (self-signed) address.
                "REQUESTS_CA_BUNDLE": str(self.certificate),
                **({"KEPWEB_CALL_SERVER_ORIGINS": f"wss://127.0.0.1:{self.ports.https}"} if self.janus else {})}

    def nginx_config(self) -> Path:
        run_dir, temp_dir = self.root / "nginx/run", self.root / "nginx/temp"
        for directory in (run_dir, temp_dir):
            directory.mkdir(parents=True, exist_ok=True)
        user_line = ""
        if os.geteuid() == 0:
            # nginx's workers drop to nobody when started as root: their temp folder must be theirs.
            nobody = pwd.getpwnam("nobody")
            os.chown(temp_dir, nobody.pw_uid, nobody.pw_gid)
            user_line = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
        values = {
            "user_line": user_line, "run_dir": run_dir, "temp_dir": temp_dir, "log_dir": self.logs,
            "kepweb_port_1": self.ports.kepweb[0], "kepweb_port_2": self.ports.kepweb[1],
            "sandbox_port": self.ports.sandbox, "http_port": self.ports.http, "https_port": self.ports.https,
            "certificate": self.certificate, "certificate_key": self.certificate.with_name("certificate-key.pem"),
            "proxy_timeout": PROXY_TIMEOUT,
            "upstream_header": "add_header X-Upstream $upstream_addr always;" if self.show_upstream else "",
            "janus_location": self.janus_location(),
        }
        template = ConfigTemplate((DEPLOY / "nginx/nginx.conf.template").read_text())
        config = self.root / "nginx/nginx.conf"
        config.write_text(template.substitute(values))
        return config

    def janus_location(self) -> str:
        """The call server's WebSocket through nginx (wss:// on the site's origin), for pages of this site only:
        a WebSocket is not bound by the same-origin rule, so nginx refuses any other Origin."""
        if self.janus is None:
            return "# No call server: Janus (Debian's janus) is not installed."
        origin = f"https://127.0.0.1:{self.ports.https}"
        return "\n".join([
            f"location = {JANUS_PATH} {{",
            f'            if ($http_origin != "{origin}") {{',
            "                return 403;",
            "            }",
            f"            proxy_pass http://127.0.0.1:{self.ports.janus_ws}/;",
            "            proxy_set_header Upgrade $http_upgrade;",
            '            proxy_set_header Connection "upgrade";',
            "            proxy_set_header Host $http_host;",
            "            # A call lasts; a WebSocket with nothing to say for this long is closed.",
            "            proxy_read_timeout 1h;",
            "            proxy_send_timeout 1h;",
            "        }"])

    # -- starting and stopping ----------------------------------------------------------------------------

    def start(self) -> Stack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.certificate, _key = make_certificate(self.root / "tls")
        self.redis = redis_server(self.root / "redis", self.ports.redis).start()
        self.redis.wait_until_listening()
        self.start_call_server()
        self.sandbox = Process("sandbox", [sys.executable, "-m", "sandbox"], self.logs / "sandbox.log",
                               env=self.sandbox_environment(), cwd=PROJECT_ROOT,
                               ports=(self.ports.sandbox, self.ports.sandbox_admin)).start()
        for index in range(INSTANCES):
            self.instances.append(self.kepweb_instance(index).start())
        self.sandbox.wait_until_listening()
        for instance in self.instances:
            instance.wait_until_listening()
        config = self.nginx_config()
        subprocess.run([NGINX, "-t", "-q", "-p", str(self.root / "nginx"), "-c", str(config)], check=True,
                       capture_output=True, timeout=30)
        self.nginx = Process("nginx", [NGINX, "-p", str(self.root / "nginx"), "-c", str(config), "-g", "daemon off;"],
                             self.logs / "nginx.log", ports=(self.ports.https, self.ports.http)).start()
        self.nginx.wait_until_listening()
        self.wait_until_ready()

    def start_call_server(self) -> None:
        """Janus with a config made from the repo and fresh secrets, when Debian's package is installed
        (`bash scripts/run` installs it); without it the call pages say the call server is not answering."""
        from sandbox.janus.process import JanusProcess

        if not JanusProcess.available():
            return
        self.janus = JanusProcess(self.root / "janus", ws_port=self.ports.janus_ws)
        self.janus.start()

    def kepweb_instance(self, index: int) -> Process:
        command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
        return Process(f"kepweb-{index + 1}", command,
                       self.logs / f"kepweb-{index + 1}.out", env=self.kepweb_environment(index), cwd=PROJECT_ROOT,
                       ports=(self.ports.kepweb[index],))

    def wait_until_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until /readyz, through nginx, says ok (Redis and the API answer) from every instance (with
        `api_via`, until /healthz does)."""
        deadline, ready_from = time.monotonic() + timeout, set()
        probe = "/healthz" if self.api_via else "/readyz"
        while len(ready_from) < INSTANCES:
            try:
                response = requests.get(f"{self.public_url}{probe}", verify=str(self.certificate), timeout=5)
                if response.status_code == 200:
                    ready_from.add(response.headers.get("X-Upstream", len(ready_from)))
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise StartFailed(f"{self.public_url}{probe} did not answer ok in {timeout} s; see {self.logs}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in [self.nginx, *self.instances, self.sandbox, self.janus, self.redis]:
            if process is not None:
                process.stop()


def main() -> int:
    stack = Stack()
    # Ctrl-C and `kill` alike: every process of the stack is stopped, in order.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"starting the production stack in {stack.root} ...", flush=True)
    try:
        stack.start()
    except (StartFailed, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        print(f"the production stack did not start: {error} {detail.decode(errors='replace')}", file=sys.stderr)
        return 1
    print(f"\nkepweb (production stack) is running at {stack.public_url}/", flush=True)
    print(f"  two gunicorn instances ({', '.join(str(p) for p in stack.ports.kepweb)}) behind nginx, Redis on "
          f"{stack.ports.redis}, the sandbox on {stack.ports.sandbox} (admin API on {stack.ports.sandbox_admin})",
          flush=True)
    print(f"  the certificate is self-signed ({stack.certificate}): your browser will ask you to accept it", flush=True)
    print(f"  emails: {stack.public_url}/sandbox/outbox/; logs: {stack.logs}; Ctrl-C stops everything", flush=True)
    try:
        while all(process.running() for process in [stack.nginx, stack.sandbox, stack.redis]):
            time.sleep(1)
        print("a process of the stack stopped; stopping the rest", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
