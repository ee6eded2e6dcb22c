"""Each chart's numbers as a table: the same rows for the HTML table beside the chart, the
CSV download and the SVG, so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kintrace.names.regions import REGIONS
from kintrace.registry.models import EventType, PersonStatus

from . import charts, selectors
from .selectors import Filters

CHARTS = ("monthly", "payments", "colonies", "regions", "survival", "map")


def wave_label(wave: str) -> str:
    """A wave as the page names it: "2023-Q2" as it is; "2023" (dates known only to the
    year) says that its quarter is unknown."""
    if wave.isdigit():
        return _("%(year)s, quarter unknown") % {"year": wave}
    return wave


# Rows of a table shown on the page beside its chart.
PAGE_ROWS = 25


@dataclass
class Table:
    name: str
    title: str
    header: list[str]
    rows: list[list]
    # Columns holding text that came from people (facility names): escaped in the CSV.
    text_columns: tuple[int, ...] = (0,)
    notes: list[str] = field(default_factory=list)
    as_of: object = None
    data: dict = field(default_factory=dict)
    # Rows in time order (months): the page shows the latest, not the first
    by_time: bool = False

    @property
    def shown_rows(self) -> list[list]:
        """The rows the page shows beside the chart (the CSV has them all): the latest
        PAGE_ROWS months of a series in time, else the first (largest) PAGE_ROWS."""
        return self.rows[-PAGE_ROWS:] if self.by_time else self.rows[:PAGE_ROWS]


def _month_table(name: str, title: str, data: dict) -> Table:
    labels = dict(EventType.choices)
    header = [_("Month"), *[str(labels[s["type"]]) for s in data["series"]]]
    rows = [
        [month, *[s["values"][i] for s in data["series"]]] for i, month in enumerate(data["months"])
    ]
    notes = []
    if data["without_month"]:
        notes.append(
            _("%(n)s events known only to the year are not in this chart.")
            % {"n": data["without_month"]}
        )
    return Table(
        name, title, header, rows, notes=notes, as_of=data["as_of"], data=data, by_time=True
    )


def _status_header(first: str, data: dict) -> list[str]:
    labels = dict(PersonStatus.choices)
    return [first, *[str(labels[s]) for s in data["statuses"]], _("Total")]


def _region_label(row: dict) -> str:
    return row["label_en"] if (get_language() or "").startswith("en") else row["label_ru"]


def table(name: str, filters: Filters) -> Table:
    """The table of chart `name` (one of CHARTS) under `filters`. Raises KeyError for an
    unknown name."""
    if name == "monthly":
        return _month_table(
            name,
            _("Men recruited, deployed, killed, missing and returned per month"),
            selectors.monthly(filters),
        )
    if name == "payments":
        return _month_table(
            name,
            _("Payments promised, received and missing per month"),
            selectors.payments(filters),
        )
    if name == "colonies":
        data = selectors.colonies(filters)
        rows = [[r["label"], *r["counts"], r["total"]] for r in data["rows"]]
        return Table(
            name,
            _("What became of the men, by colony"),
            _status_header(_("Colony"), data),
            rows,
            as_of=data["as_of"],
            data=data,
        )
    if name in ("regions", "map"):
        data = selectors.regions(filters)
        rows = [[_region_label(r), *r["counts"], r["total"]] for r in data["rows"]]
        title = (
            _("What became of the men, by region")
            if name == "regions"
            else _("Men recruited, dead and missing by region")
        )
        return Table(
            name, title, _status_header(_("Region"), data), rows, as_of=data["as_of"], data=data
        )
    if name == "survival":
        data = selectors.survival(filters)
        rows = [
            [
                wave_label(w["wave"]),
                w["men"],
                w["ended"],
                _fmt(w["median"]),
                _fmt(w["at_6"], share=True),
                _fmt(w["at_12"], share=True),
            ]
            for w in data["waves"]
        ]
        header = [
            _("Recruitment wave"),
            _("Men deployed"),
            _("Killed or missing"),
            _("Median months"),
            _("Share after 6 months"),
            _("Share after 12 months"),
        ]
        notes = [
            _(
                "Kaplan–Meier estimate: the share of deployed men not yet reported killed or "
                "missing, by months since deployment. Men without such a report are counted "
                "until today (censored). A wave is the quarter of a man's first recruitment "
                "event; where only its year is known, the year."
            )
        ]
        return Table(
            name,
            _("Time from deployment to death or disappearance"),
            header,
            rows,
            notes=notes,
            as_of=data["as_of"],
            data=data,
        )
    raise KeyError(name)


def _fmt(value: float | None, *, share: bool = False) -> str:
    if value is None:
        return "—"
    if share:  # as the rest of the app writes shares: "76,0 %" (in the reader's language)
        return f"{number_format(value * 100, decimal_pos=1)}\u00a0%"
    return f"{value:g}"


# The charts show the largest colonies and regions; the table and the CSV have them all.
CHART_ROWS = 25


def svg(t: Table) -> bytes:
    """The chart of table `t` as SVG bytes."""
    if t.name in ("monthly", "payments"):
        series = [
            {"label": label, "values": s["values"]}
            for label, s in zip(t.header[1:], t.data["series"], strict=True)
        ]
        return charts.stacked_months(t.title, t.data["months"], series)
    if t.name in ("colonies", "regions"):
        statuses = t.header[1:-1]
        rows = [(row[0], row[1:-1]) for row in t.rows[:CHART_ROWS]]
        return charts.stacked_rows(t.title, statuses, rows)
    if t.name == "survival":
        return charts.survival_curves(
            t.title,
            [{**w, "label": wave_label(w["wave"])} for w in t.data["waves"]],
            _("Months since deployment"),
            _("Share not reported killed or missing"),
        )
    raise KeyError(t.name)


def svg_cached(name: str, filters: Filters) -> bytes:
    """The chart `name` under `filters` as SVG, drawn once per registry version, filters and
    language (pygal takes a good part of a second for a large chart)."""
    language = get_language() or ""
    return selectors.cached(
        f"svg-{name}-{language}", filters, lambda f: {"svg": svg(table(name, f))}
    )["svg"]


def tile_abbreviation(code: str, name_en: str) -> str:
    """The letters on a region's tile: the ISO 3166-2 subdivision code where it is
    letters (RU-MOS → MOS); Ukraine's codes are numbers (UA-23), so there the first letters of
    the region's name (Zaporizhzhia → ZAP; Autonomous Republic of Crimea → CRI)."""
    suffix = code.split("-", 1)[1]
    if not suffix.isdigit():
        return suffix
    words = [w for w in name_en.replace("-", " ").split() if w[:1].isupper()]
    word = next((w for w in words if w not in ("Autonomous", "Republic", "Oblast")), words[0])
    return word[:3].upper()


def map_tiles(t: Table) -> list[dict]:
    """The region rows as map tiles: men, dead and missing per region code."""
    """Every region of the gazetteer, those without men at 0."""
    statuses = t.data["statuses"]
    dead, missing = statuses.index("dead"), statuses.index("missing")
    rows = {r["key"]: r for r in t.data["rows"] if r["key"]}
    english = (get_language() or "").startswith("en")
    tiles = []
    for region in REGIONS:
        r = rows.get(region.code)
        tiles.append(
            {
                "code": region.code,
                "abbr": tile_abbreviation(region.code, region.name_en),
                "label": region.name_en if english else region.name_ru,
                "men": r["total"] if r else 0,
                "dead": r["counts"][dead] if r else 0,
                "missing": r["counts"][missing] if r else 0,
            }
        )
    return tiles
