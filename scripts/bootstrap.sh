#!/usr/bin/env bash
# Set up what StoFlow needs, idempotently: .venv with the pinned packages, bun for the
# Reflex frontend build, and (with --with-browser) Debian's Chromium for browser tests.
# Re-running it is fast: each step is skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# One set-up at a time per checkout: a second `make test` (or `make run`) started
# meanwhile waits here instead of installing into the same .venv at the same time.
mkdir -p .stoflow
if command -v flock >/dev/null 2>&1; then
  exec 9>".stoflow/bootstrap.lock"
  flock 9
fi
BUN_VERSION="1.4.5"        # installed from the npm registry when no bun >= 1.4.4 is found
MIN_BUN="1.4.4"
TOOLS="$ROOT/.stoflow/tools"
WITH_BROWSER=0
[ "${1:-}" = "--with-browser" ] && WITH_BROWSER=1

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

version_ge() {  # version_ge A B: is A >= B (dotted numbers)?
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# --- Python 3.11+ -------------------------------------------------------------------
PYTHON=""
for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    PYTHON="$(command -v "$candidate")"; break
  fi
done
[ -n "$PYTHON" ] || die "Python 3.11 or newer is required (python3 --version). Install it, then run make again."

# --- virtualenv and pinned packages --------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
WANT="$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$WANT" ]; then
  say "Installing the pinned Python packages (requirements.txt)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$WANT" > .venv/.requirements.sha256
else
  say "Python packages up to date"
fi

# --- Node 20+ and bun ----------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is required (node --version). Install it, then run make again."
NODE_VERSION="$(node --version | tr -d v)"
version_ge "$NODE_VERSION" "20.0.0" || die "Node.js 20 or newer is required; found $NODE_VERSION."

bun_ok() { [ -x "$1" ] && version_ge "$("$1" --version 2>/dev/null || echo 0)" "$MIN_BUN"; }
BUN=""
if bun_ok "$TOOLS/node_modules/.bin/bun"; then
  BUN="$TOOLS/node_modules/.bin/bun"
elif command -v bun >/dev/null 2>&1 && bun_ok "$(command -v bun)"; then
  BUN="$(command -v bun)"
else
  command -v npm >/dev/null 2>&1 || die "npm is required to install bun (it comes with Node.js)."
  say "Installing bun $BUN_VERSION from the npm registry into .stoflow/tools"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" \
      --registry "${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}" "bun@$BUN_VERSION"
  BUN="$TOOLS/node_modules/.bin/bun"
  bun_ok "$BUN" || die "bun was installed but does not run: $BUN --version"
fi
say "bun $("$BUN" --version) at $BUN"

# --- Chromium for the browser tests --------------------------------------------------
if [ "$WITH_BROWSER" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "Chromium is missing and this user cannot install it: run 'sudo apt-get install chromium'."
    SUDO="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || die "Chromium is missing: install it with your package manager (/usr/bin/chromium)."
  say "Installing Chromium (Debian package 'chromium') for the browser tests"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] || die "apt-get did not install /usr/bin/chromium."
fi
say "Ready."
