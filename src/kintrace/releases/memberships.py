"""Which lists each man is on: the capture histories multiple systems estimation counts.

A man's lists (unmerged persons only):
- "relatives": a relative's report linked to him (`intake.Report.person`);
- "list:<kind>": an entry of an imported list of that kind confirmed as him
  (`lists.ListEntry.person`, complete imports only), one list per kind (hospital, casualty,
  burial, pardon, court, other);
- "media": an event he takes part in cited to a media article or social-media post.
Men on none of these (known to us only from, say, a phone call) are not counted: the
estimate is of the men these lists could have recorded.

Grouped by his last colony (`Person.last_facility`) or its region; men without one form the
group "" (unknown).
"""

from collections import defaultdict

from kintrace.intake.models import Report
from kintrace.lists.models import ListEntry, ListKind
from kintrace.registry.models import EventPerson, Person, SourceKind

RELATIVES = "relatives"
MEDIA = "media"
MEDIA_KINDS = (SourceKind.MEDIA_ARTICLE, SourceKind.SOCIAL_POST)
LIST_NAMES = (RELATIVES, *(f"list:{k}" for k in ListKind.values), MEDIA)
GROUPINGS = ("colony", "region")


def memberships() -> dict[int, set[str]]:
    """{person id: the names (LIST_NAMES) of the lists he is on}, for unmerged persons on at
    least one list."""
    out: dict[int, set[str]] = defaultdict(set)
    live = Person.objects.filter(merged_into__isnull=True)
    for pid in (
        Report.objects.filter(person__in=live).values_list("person_id", flat=True).distinct()
    ):
        out[pid].add(RELATIVES)
    for pid, kind in (
        ListEntry.objects.visible()
        .filter(person__in=live)
        .values_list("person_id", "person_list__kind")
        .distinct()
    ):
        out[pid].add(f"list:{kind}")
    for pid in (
        EventPerson.objects.filter(person__in=live, event__citations__source__kind__in=MEDIA_KINDS)
        .values_list("person_id", flat=True)
        .distinct()
    ):
        out[pid].add(MEDIA)
    return dict(out)


def groups(by: str) -> dict[int, str]:
    """{person id: his group key} — the last colony's id or its region's code ("" unknown).
    Raises ValueError for a grouping other than GROUPINGS."""
    if by not in GROUPINGS:
        raise ValueError(by)
    field = "last_facility_id" if by == "colony" else "last_facility__region_id"
    rows = Person.objects.filter(merged_into__isnull=True).values_list("id", field)
    return {pid: "" if key is None else str(key) for pid, key in rows}


def histories_by_group(by: str) -> dict[str, dict[tuple[int, ...], int]]:
    """{group key: {capture history over LIST_NAMES: men}} for every group with a man on a
    list. The history's positions follow LIST_NAMES."""
    member = memberships()
    group_of = groups(by)
    out: dict[str, dict[tuple[int, ...], int]] = defaultdict(dict)
    for pid, lists in member.items():
        h = tuple(1 if name in lists else 0 for name in LIST_NAMES)
        table = out[group_of.get(pid, "")]
        table[h] = table.get(h, 0) + 1
    return dict(out)
