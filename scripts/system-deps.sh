#!/usr/bin/env bash
# Debian/Ubuntu system libraries reportgen needs: Pango/HarfBuzz/fontconfig for WeasyPrint,
# HarfBuzz-Subset for font subsetting, and for the tests poppler-utils (pdftotext) and
# Chromium (the live preview is tested in a real headless browser) and PostgreSQL (the
# database source is tested against a real server the tests start).
# Installs only what is missing, so it needs no network on a machine that has them all.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 poppler-utils chromium postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
