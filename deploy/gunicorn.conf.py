"""gunicorn's configuration for kepweb in production: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be set from the environment, so that one file serves each instance (deploy/stack.py starts
two, on two ports, behind nginx). kepweb reads its own settings (KEPWEB_*) from the same environment.
"""

import os

# The application factory: each worker builds its own app (its own connections to Redis and the API).
wsgi_app = "kepweb:create_app()"

# Loopback: only the proxy in front talks to gunicorn.
bind = os.environ.get("KEPWEB_BIND", "127.0.0.1:8000")

# Threads, because a request mostly waits on the scheduling API and Redis; a few processes, so that one
# busy or crashed interpreter does not stop the instance.
worker_class = "gthread"
workers = int(os.environ.get("KEPWEB_WORKERS", "2"))
threads = int(os.environ.get("KEPWEB_THREADS", "8"))
# kepweb reads KEPWEB_THREADS too: unless KEPWEB_SCHEDULING_API_CONCURRENCY says otherwise, at most three
# quarters of these threads wait on the scheduling API at once, and the rest serve pages that need none.

# A worker silent for longer than this is killed and replaced. Above the API deadline (all the API calls
# of one request, retries included, end within KEPWEB_SCHEDULING_API_DEADLINE), so that a slow API gives
# the citizen the "service unavailable" page, never a killed worker; nginx's proxy_read_timeout is the same.
_api_deadline = float(os.environ.get("KEPWEB_SCHEDULING_API_DEADLINE", "10"))
timeout = int(_api_deadline) + 20
graceful_timeout = 20
keepalive = 5

# X-Forwarded-Proto is believed only from the proxy (nginx on this host). kepweb's own ProxyFix
# (KEPWEB_TRUSTED_PROXIES, kepweb/proxy.py) decides the rest, whatever server runs it.
forwarded_allow_ips = os.environ.get("KEPWEB_PROXY_ADDRESS", "127.0.0.1")

# The access log: method, path without the query string (%(U)s; searches carry what the citizen typed),
# status, size and duration; no Referer (it holds whole URLs) and no User-Agent.
accesslog = os.environ.get("KEPWEB_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("KEPWEB_ERROR_LOG", "-")
loglevel = "info"
proc_name = os.environ.get("KEPWEB_PROCESS_NAME", "kepweb")
