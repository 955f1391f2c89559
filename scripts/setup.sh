#!/usr/bin/env bash
# Installs everything watchtime needs on a fresh Debian machine, then builds every package.
# System packages: chromium (browser tests), ffmpeg (analyzer + test media), postgresql (the
# PostgreSQL half of the server tests). Each is installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "setup: installing npm packages"
export TURBO_TELEMETRY_DISABLED=1
npm ci --no-fund --no-audit --loglevel=error
echo "setup: building"
npx turbo run build --output-logs=errors-only
echo "setup: done"
