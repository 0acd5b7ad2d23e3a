#!/usr/bin/env bash
# Shared set-up for scripts/run.sh and scripts/test.sh: system packages, the virtual environment, pinned requirements.
# Idempotent and quick when everything is in place. --postgres (the tests): the PostgreSQL server packages too.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
VENV=.venv

# System packages: Chromium renders PNG snapshots (kaleido) and drives browser tests; fonts-noto-cjk gives the
# Chinese glyphs (without it every character in a PNG is a box).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Read the font list into a variable first: with pipefail, `fc-list | grep -q` fails when grep stops early.
fonts=$(fc-list 2>/dev/null || true)
[[ "$fonts" == *"Noto Sans CJK"* ]] || missing+=(fonts-noto-cjk)
# The suite runs the store-level tests on a throwaway PostgreSQL cluster too (tests/pg_cluster.py).
if [ "${1:-}" = --postgres ] && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    echo "缺少系统软件包: ${missing[*]}。请以 root 身份运行: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "Missing system packages: ${missing[*]}. As root run: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "(PNG 导出和浏览器测试需要它们 / PNG export and browser tests need them)" >&2
  else
    echo "Installing ${missing[*]} with apt-get …"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
  fi
fi

# Python environment: rebuilt only when requirements.txt changes.
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha256"
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi
