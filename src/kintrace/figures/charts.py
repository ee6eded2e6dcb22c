"""SVG charts drawn on the server with pygal, and the tile-grid map.

Every chart is served as its own `image/svg+xml` response and shown in an <img>: a browser
never runs script in an image, and the page's strict CSP is untouched. pygal writes its style
inline (a <style> element) and always a small config <script>; the script is removed from the
tree before serialising (no interactivity is wanted: the numbers are in the table beside the
chart), and the SVG response carries its own CSP that allows only that inline style
(`SVG_CSP`). Nothing is loaded from outside: no fonts, no scripts, no tiles.
"""

from __future__ import annotations

import csv
from importlib.resources import files

import lxml.etree as ET
import pygal
from pygal.style import Style

# The SVG documents' own policy: no script, nothing fetched, only pygal's inline style.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"

# Colour per person status (PersonStatus order) and per event series; readable in print.
COLOURS = (
    "#2f6f4f",  # alive
    "#c9a227",  # wounded
    "#7b5ea7",  # captured
    "#d9822b",  # missing
    "#a33a3a",  # dead
    "#3a7ca5",  # returned
    "#8c8c8c",  # unknown
)
SERIES_COLOURS = ("#3a7ca5", "#2f6f4f", "#a33a3a", "#d9822b", "#7b5ea7", "#c9a227", "#8c8c8c")

_STYLE = dict(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#555",
    font_family="sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
)


def _config(colours, **extra) -> dict:
    return dict(
        js=[],
        style=Style(colors=colours, **_STYLE),
        width=900,
        height=420,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=False,
        show_minor_x_labels=False,
        truncate_legend=-1,
        **extra,
    )


def _render(chart) -> bytes:
    tree = chart.render_tree()
    # pygal's config script and its comments (which name its web site) go.
    for node in list(tree.iter("{*}script", "script", ET.Comment)):
        node.getparent().remove(node)
    return ET.tostring(tree, xml_declaration=True, encoding="utf-8")


def stacked_months(title: str, months: list[str], series: list[dict]) -> bytes:
    """A stacked bar per month. `series`: [{"label", "values": [count per month]}]."""
    chart = pygal.StackedBar(
        **_config(SERIES_COLOURS, x_label_rotation=60, x_labels_major_every=3), title=title
    )
    chart.x_labels = months
    for s in series:
        chart.add(s["label"], s["values"])
    return _render(chart)


def stacked_rows(title: str, statuses: list[str], rows: list[tuple[str, list[int]]]) -> bytes:
    """A horizontal stacked bar per row (colony, region) by status.
    `rows`: [(label, [count per status])], drawn top to bottom."""
    height = max(260, 90 + 22 * len(rows))
    chart = pygal.HorizontalStackedBar(
        **{**_config(COLOURS), "height": height}, title=title, truncate_label=40
    )
    ordered = list(reversed(rows))
    chart.x_labels = [label for label, _c in ordered]
    for i, status in enumerate(statuses):
        chart.add(status, [counts[i] for _l, counts in ordered])
    return _render(chart)


def survival_curves(title: str, waves: list[dict], x_title: str, y_title: str) -> bytes:
    """Kaplan–Meier step curves, one per wave. `waves`: [{"wave", "label" (optional, the
    legend's name for it), "curve": [(month, share)]}]."""
    chart = pygal.XY(
        **_config(SERIES_COLOURS * 3, stroke_style={"width": 2}),
        title=title,
        x_title=x_title,
        y_title=y_title,
        range=(0, 1),
        show_dots=False,
        interpolate=None,
    )
    longest = max((t for w in waves for t, _s in w["curve"]), default=0)
    # a tick every 6 months (every 12 past four years), so the time since deployment reads
    step = 6 if longest <= 48 else 12
    chart.x_labels = list(range(0, int(longest) + step, step))
    chart.x_labels_major = chart.x_labels
    for i, w in enumerate(waves):
        points, last = [], 1.0
        for t, s in w["curve"]:
            points += [(t, last), (t, s)]
            last = s
        # past the palette the colours come round again: the line is dashed, then dotted,
        # so no two waves look alike
        dash = ("", "8,4", "2,3")[min(i // len(SERIES_COLOURS), 2)]
        style = {"width": 2, "dasharray": dash} if dash else {"width": 2}
        chart.add(w.get("label", w["wave"]), points, stroke_style=style)
    return _render(chart)


# --- tile grid ------------------------------------------------------------------------


def tile_grid() -> dict[str, tuple[int, int]]:
    """Region code → (column, row) of its tile (data/tile_grid.csv, made by
    scripts/make_tile_grid.py from the gazetteer's coordinates)."""
    path = files("kintrace.figures").joinpath("data/tile_grid.csv")
    # Traversable.open passes text options to io.TextIOWrapper, but its stub omits newline=.
    with path.open(encoding="utf-8", newline="") as f:  # type: ignore[call-overload]
        return {row["code"]: (int(row["column"]), int(row["row"])) for row in csv.DictReader(f)}


TILE = 64
_SHADES = ("#f1eef6", "#d7b5d8", "#df65b0", "#dd1c77", "#980043")


def tile_map(tiles: list[dict], title: str, href: str, *, standalone: bool = True) -> bytes:
    """The tile-grid map as SVG: one square per region, shaded by its number of men
    (five steps up to the largest), with its code and the men · dead · missing counts, each
    tile a link to `href` (with "{code}" for the region's code).
    `tiles`: [{"code", "abbr" (the tile's letters), "label", "men", "dead", "missing"}].

    Only presentation attributes, no <style> and no script, so the page can carry it inline
    under its strict CSP (and its links work there); `standalone` adds the XML declaration
    for the image/svg+xml download."""
    grid = tile_grid()
    columns = max(c for c, _r in grid.values()) + 1
    rows = max(r for _c, r in grid.values()) + 1
    top = max((t["men"] for t in tiles), default=0)
    width, height = columns * TILE, rows * TILE
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        role="img",
        **{"aria-label": title, "font-family": "sans-serif", "text-anchor": "middle"},
    )
    ET.SubElement(svg, "title").text = title
    for t in tiles:
        if t["code"] not in grid:
            continue
        col, row = grid[t["code"]]
        x, y = col * TILE, row * TILE
        shade = _SHADES[min(4, (5 * t["men"] - 1) // top)] if top and t["men"] else "#fafafa"
        ink = "#fff" if shade in _SHADES[3:] else "#111"
        link = ET.SubElement(svg, "a", href=href.format(code=t["code"]))
        ET.SubElement(
            link, "title"
        ).text = f"{t['label']}: {t['men']} · {t['dead']} · {t['missing']}"
        ET.SubElement(
            link,
            "rect",
            x=str(x + 1),
            y=str(y + 1),
            width=str(TILE - 2),
            height=str(TILE - 2),
            fill=shade,
            stroke="#999",
        )
        ET.SubElement(
            link,
            "text",
            x=str(x + TILE // 2),
            y=str(y + 26),
            fill=ink,
            **{"font-size": "14", "font-weight": "bold"},
        ).text = t.get("abbr") or t["code"].split("-", 1)[1]
        ET.SubElement(
            link, "text", x=str(x + TILE // 2), y=str(y + 46), fill=ink, **{"font-size": "10"}
        ).text = f"{t['men']}·{t['dead']}·{t['missing']}"
    return ET.tostring(svg, xml_declaration=standalone, encoding="utf-8")
