#!/usr/bin/env bash
# Installs what IMR Desk needs on a fresh Debian machine: system packages (when root and
# missing) and a .venv with the pinned Python packages. Re-running it is cheap: each step
# is skipped when already done.
#   WITH_BROWSER=1  also install Debian's chromium (the default: only when tests/browser has tests)
#   PYTHON=...      the interpreter that creates .venv (default: python3.11, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint needs Pango and HarfBuzz's subsetter (without it renders are 2-2.6x slower);
# poppler-utils gives pdftotext/pdfsig; redis-server is the production broker the tests also use.
# Noto CJK prints Chinese, Japanese and Korean in a letter (a worker's name as the application
# gives it), which no other font here has: without it they printed as empty boxes.
APT_PACKAGES=(make libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils fonts-dejavu-core
  fonts-noto-cjk redis-server)
with_browser=${WITH_BROWSER:-auto}
if [ "$with_browser" = "auto" ]; then
  with_browser=0
  if compgen -G "tests/browser/test_*.py" >/dev/null; then with_browser=1; fi
fi
if [ "$with_browser" = "1" ]; then APT_PACKAGES+=(chromium); fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing system packages (install them as root): ${missing[*]}" >&2
  fi
fi

if [ -z "${PYTHON:-}" ]; then
  if command -v python3.11 >/dev/null; then PYTHON=python3.11; else PYTHON=python3; fi
fi
# A .venv copied from another machine or made by another Python does not run: make it anew.
if [ -d .venv ] && ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  echo "bootstrap: .venv is unusable (not Python 3.11 or broken); recreating it"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing Python packages into .venv (a few minutes the first time)"
  .venv/bin/pip install -q --disable-pip-version-check ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
mkdir -p var
