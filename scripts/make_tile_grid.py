"""Write src/kintrace/figures/data/tile_grid.csv: one equal tile per region of the gazetteer,
laid out roughly as the map (the tile-grid convention of Russian media maps).

Rule: each region's administrative centre (names/data/regions.csv) is placed by the ranks of
its longitude and latitude (ranks spread the crowded European part over the grid), scaled to
COLUMNS x ROWS; then, most crowded first, each region takes the free cell nearest to its spot.
Run again only if the gazetteer changes; the file is data a person may then adjust by hand.
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kintrace.names.regions import REGIONS  # noqa: E402

COLUMNS, ROWS = 18, 9


def main() -> None:
    by_lon = sorted(REGIONS, key=lambda r: r.lon)
    by_lat = sorted(REGIONS, key=lambda r: -r.lat)
    n = len(REGIONS)
    spot = {
        r.code: (
            by_lon.index(r) / (n - 1) * (COLUMNS - 1),
            by_lat.index(r) / (n - 1) * (ROWS - 1),
        )
        for r in REGIONS
    }
    taken: dict[tuple[int, int], str] = {}
    place: dict[str, tuple[int, int]] = {}
    cells = [(c, r) for c in range(COLUMNS) for r in range(ROWS)]
    # West to east: the dense European part first, so it keeps its shape.
    for region in sorted(REGIONS, key=lambda r: (r.lon, -r.lat)):
        x, y = spot[region.code]
        cell = min(
            (c for c in cells if c not in taken),
            key=lambda c: ((c[0] - x) ** 2 + 1.5 * (c[1] - y) ** 2, c),
        )
        taken[cell] = region.code
        place[region.code] = cell
    out = ROOT / "src/kintrace/figures/data/tile_grid.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "column", "row"])
        for region in REGIONS:
            w.writerow([region.code, *place[region.code]])
    for r in range(ROWS):
        print(" ".join(f"{taken.get((c, r), '.'):>6}" for c in range(COLUMNS)))


if __name__ == "__main__":
    main()
