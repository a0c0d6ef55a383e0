# Shared by scripts/run and scripts/test: a virtual environment in .venv with
# the project installed, on a fresh Debian machine or an already prepared one.
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KEPWEB_VENV:-$PROJECT_ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  # Only as root on Debian; elsewhere say what is missing and stop.
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing from Debian's packages: $*"
    if [ -z "${KEPWEB_APT_UPDATED:-}" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      export KEPWEB_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
  else
    log "please install these packages: $*"
    return 1
  fi
}

ensure_venv() {
  local extras="${1:-}"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating a virtual environment in $VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      # Debian's own python3 keeps venv and ensurepip in a separate package.
      rm -rf "$VENV"
      local version
      version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      apt_install "python${version}-venv" || apt_install python3-venv
      "$PYTHON" -m venv "$VENV"
    fi
  fi
  local stamp="$VENV/.kepweb-installed${extras:+-$extras}"
  # Reinstall only when pyproject.toml changed since the last install.
  if [ ! -f "$stamp" ] || [ "$PROJECT_ROOT/pyproject.toml" -nt "$stamp" ]; then
    log "installing kepweb${extras:+ with [$extras]} into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet -e "$PROJECT_ROOT${extras:+[$extras]}" >&2
    touch "$stamp"
  fi
}

compile_translations() {
  log "compiling translations"
  "$VENV/bin/pybabel" compile --statistics -d "$PROJECT_ROOT/translations" >&2
}

compress_static() {
  # gzip copies beside each static file, for WhiteNoise to serve (not committed).
  log "compressing static files"
  "$VENV/bin/python" -m whitenoise.compress --quiet "$PROJECT_ROOT/static" >&2
}

ensure_janus() {
  # The call's WebRTC server and the two scripts the call page loads, from Debian's packages.
  if [ ! -x /usr/bin/janus ] \
    || [ ! -f /usr/share/javascript/janus-gateway/janus.js ] \
    || [ ! -f /usr/share/javascript/webrtc-adapter/adapter.js ]; then
    apt_install janus libjs-janus-gateway libjs-webrtc-adapter
    # Debian's package enables a service with its own config (demo rooms, the public default
    # admin secret, every interface): we run Janus with a config of our own, never that one.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemctl disable --now janus.service >/dev/null 2>&1 || true
    fi
  fi
}

ensure_production_stack() {
  # The production stack's own packages (deploy/stack.py): Redis as the shared store, nginx in front,
  # openssl for its self-signed certificate.
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
    # Debian's packages start their own services (redis on 6379, nginx on 80) where systemd runs: the stack
    # runs both with configs of its own, never those.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemctl disable --now redis-server.service nginx.service >/dev/null 2>&1 || true
    fi
  fi
}
