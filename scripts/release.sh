#!/usr/bin/env bash
# Publishes a period's bulletin into the release store and rebuilds the release site from
# the store: what the release workflow runs, and what staff can run by hand.
#
#   bash scripts/release.sh 2024-06        (reads ./config.yaml like any reportgen command)
#
# The build is strict: any warning, an unexplained revision of a published figure above
# revisions.threshold_pct among them, fails it before anything is written, so neither the
# store nor the site changes. REPORTGEN names the command (default .venv/bin/reportgen).
set -euo pipefail

period="${1:-}"
month='[0-9]{4}(-[0-9]{1,2})?'
if ! printf '%s' "$period" | grep -Eqx "$month(\.\.$month)?|latest"; then
  echo "Hata: geçersiz dönem '$period': dönem YYYY, YYYY-AA, bir aralık (2024-01..2024-06) ya da latest olmalı" >&2
  exit 2
fi
reportgen="${REPORTGEN:-.venv/bin/reportgen}"
"$reportgen" build --period "$period" --release --strict
"$reportgen" site
