#!/usr/bin/env bash
# Debian/Ubuntu system libraries reportgen needs: Pango/HarfBuzz/fontconfig for WeasyPrint,
# HarfBuzz-Subset for font subsetting, and for the tests poppler-utils (pdftotext),
# Chromium (the live preview and the HTML's accessibility are tested in a real headless
# browser), PostgreSQL (the database source is tested against a real server the tests start),
# Java 17 for Apache Spark (the Spark engine, tested in local mode) and Node.js with npm, which
# install axe-core, pinned by package-lock.json, into node_modules/.
# Installs only what is missing, so it needs no network on a machine that has them all.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 poppler-utils chromium postgresql
          openjdk-17-jre-headless)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js from elsewhere (NodeSource's nodejs bundles npm) is used as it is.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# npm ls fails when node_modules/ is missing or differs from package.json's exact pins.
npm ls --silent >/dev/null 2>&1 || npm ci --loglevel=error --no-audit --no-fund --ignore-scripts >/dev/null
