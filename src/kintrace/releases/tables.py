"""The counts an anonymised release is made of, read from the registry (no names, no free text).

Two tables of men (unmerged persons) by outcome — the status the registry derives for him
(`registry/status.py`):
- "region_month": rows are (region of his last colony, month of the event that set his status);
  the month's precision is "month", "year" (the event is dated to a year only: the row's
  month is the year alone) or "unknown"; the place's precision is "region" or "unknown";
- "colony": rows are his last colony (type, number and region code: no official name, which
  staff type); place precision "colony", date precision "all dates".
"""

from collections import defaultdict

from kintrace.registry.models import Facility, Person, PersonStatus

OUTCOMES = tuple(PersonStatus.values)
UNKNOWN = "unknown"


def _month(year, month) -> tuple[str, str]:
    if not year:
        return UNKNOWN, UNKNOWN
    if not month:
        return f"{year:04d}", "year"
    return f"{year:04d}-{month:02d}", "month"


def region_month_counts() -> tuple[dict[tuple[str, str], int], dict[str, dict]]:
    """({(row, outcome): men}, {row: {"region", "month", "date_precision",
    "place_precision"}}); a row is "REGION|MONTH"."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    rows: dict[str, dict] = {}
    persons = Person.objects.filter(merged_into__isnull=True).values_list(
        "status",
        "last_facility__region_id",
        "status_event__start_year",
        "status_event__start_month",
    )
    for status, region, year, month in persons:
        when, precision = _month(year, month)
        region = region or UNKNOWN
        row = f"{region}|{when}"
        rows.setdefault(
            row,
            {
                "region": region,
                "month": when,
                "date_precision": precision,
                "place_precision": "region" if region != UNKNOWN else UNKNOWN,
            },
        )
        counts[(row, status)] += 1
    return dict(counts), rows


def colony_counts() -> tuple[dict[tuple[str, str], int], dict[str, dict]]:
    """({(row, outcome): men}, {row: {"colony", "region", ...precisions}}); a row is the
    facility's id as text; men with no known colony are the row "unknown"."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    rows: dict[str, dict] = {}
    facilities = {
        f.pk: f
        for f in Facility.objects.filter(
            persons__merged_into__isnull=True, persons__isnull=False
        ).distinct()
    }
    persons = Person.objects.filter(merged_into__isnull=True).values_list(
        "status", "last_facility_id"
    )
    for status, fid in persons:
        row = str(fid) if fid else UNKNOWN
        if row not in rows:
            f = facilities.get(fid) if fid else None
            rows[row] = {
                "colony": f"{f.type}-{f.number}" if f else UNKNOWN,
                "region": (f.region_id or UNKNOWN) if f else UNKNOWN,
                "date_precision": "all dates",
                "place_precision": "colony" if f else UNKNOWN,
            }
        counts[(row, status)] += 1
    return dict(counts), rows
