#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (throw-away clusters), poppler
# (pdftoppm for briefing PDFs), the Pango stack WeasyPrint renders with, and Chromium
# for browser tests. Installs only what is missing; needs root (or sudo) when it does.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${#need[@]}" -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi
echo "system-deps: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
