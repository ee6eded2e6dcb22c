"""Reads about remains: lists, one record with its candidates, the men still searched for as
matching descriptors, the reasons in words, and the counts for the numbers page."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kintrace.registry.models import (
    EventPerson,
    EventRole,
    EventType,
    Person,
    PersonStatus,
)
from kintrace.registry.status import STATUS_BY_EVENT

from . import matching
from .models import (
    AnteMortem,
    CandidateState,
    Remains,
    RemainsCandidate,
    RemainsPhoto,
    RemainsStatus,
)

# Men still searched for: missing, unknown, or dead with no burial or body return recorded.
SEARCHED_STATUSES = (PersonStatus.MISSING, PersonStatus.UNKNOWN)
BURIAL_EVENTS = (EventType.BURIED, EventType.BODY_RETURNED)
# Event types that say he was alive then.
ALIVE_EVENTS = tuple(
    t
    for t, s in STATUS_BY_EVENT.items()
    if s in (PersonStatus.ALIVE, PersonStatus.WOUNDED, PersonStatus.CAPTURED, PersonStatus.RETURNED)
)

DESCRIPTORS = {
    "sex": _("sex"),
    "age": _("age"),
    "height": _("height"),
    "date": _("date"),
    "token": _("token number"),
    "name": _("name on the grave"),
    "call_sign": _("call sign"),
    "tattoo": _("tattoo"),
    "amputation": _("amputations"),
    "scars": _("scars"),
    "teeth": _("teeth"),
    "clothing": _("clothing"),
    "hair": _("hair"),
    "belongings": _("belongings"),
    "region": _("region"),
    "place": _("place"),
    "unit": _("unit"),
}
OUTCOMES = {
    "same": _("agrees"),
    "close": _("close"),
    "partial": _("partly agrees"),
    "differs": _("differs"),
    "excluded": _("cannot be the same man"),
}


def explain(reasons: list[dict]) -> list[dict]:
    """The stored reasons of a candidate with their descriptor and outcome in words."""
    return [
        {
            **r,
            "descriptor": DESCRIPTORS.get(r.get("code") or "", r.get("code")),
            "verdict": OUTCOMES.get(r.get("outcome") or "", r.get("outcome")),
        }
        for r in reasons
    ]


def remains_list(*, status: str = ""):
    qs = Remains.objects.select_related("region", "source", "identified_person")
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related("identified_person__names")


def remains_get(pk: int) -> Remains:
    """Raises Remains.DoesNotExist."""
    return Remains.objects.select_related("region", "source").get(pk=pk)


def remains_photos(remains: Remains):
    return list(remains.photos.all())


def photo_get(pk: int):
    """Raises RemainsPhoto.DoesNotExist."""
    return RemainsPhoto.objects.select_related("remains").get(pk=pk)


def candidate_get(pk: int) -> RemainsCandidate:
    """Raises RemainsCandidate.DoesNotExist."""
    return RemainsCandidate.objects.select_related("remains", "person").get(pk=pk)


def remains_candidates(remains: Remains) -> dict[str, list[RemainsCandidate]]:
    """{"open": proposed and decided, best first; "excluded": every excluded man}, each
    candidate with `explained` reasons and the person's names prefetched."""
    rows = list(
        RemainsCandidate.objects.filter(remains=remains)
        .select_related("person", "decided_by", "confirmed_by")
        .prefetch_related("person__names")
    )
    out: dict[str, list[RemainsCandidate]] = {"open": [], "excluded": []}
    for row in rows:
        row.explained = explain(row.reasons)
        out["excluded" if row.state == CandidateState.EXCLUDED else "open"].append(row)
    return out


def antemortem_for(person: Person) -> AnteMortem | None:
    return AnteMortem.objects.filter(person=person).first()


def person_identifications(person: Person):
    """Remains proposed for or identified as this man (for his page)."""
    return (
        RemainsCandidate.objects.filter(person=person)
        .exclude(state=CandidateState.EXCLUDED)
        .select_related("remains")
    )


def _tattoos(items) -> tuple[matching.Tattoo, ...]:
    return tuple(
        matching.Tattoo(
            text=t.get("text", ""), image=t.get("image", ""), location=t.get("location", "")
        )
        for t in items or ()
        if isinstance(t, dict)
    )


def remains_descriptors(remains: Remains) -> matching.Descriptors:
    """The remains as the matching reads them."""
    return matching.Descriptors(
        key=remains.pk,
        sex=remains.sex,
        age_min=remains.age_min,
        age_max=remains.age_max,
        height_min=remains.height_min,
        height_max=remains.height_max,
        date_min=matching.date_key(remains.found_year, remains.found_month, remains.found_day)
        if not remains.found_approximate
        else matching.date_key(remains.found_year),
        date_max=matching.date_key_end(remains.found_year, remains.found_month, remains.found_day)
        if not remains.found_approximate
        else matching.date_key_end((remains.found_year or 0) + 1 if remains.found_year else None),
        hair=remains.hair,
        tattoos=_tattoos(remains.tattoos),
        scars=remains.scars,
        amputations=remains.amputations,
        teeth=remains.teeth,
        clothing=remains.clothing,
        belongings=tuple(remains.belongings or ()),
        token=remains.token_text,
        unit=remains.unit,
        names=(remains.name_on_grave,) if remains.name_on_grave else (),
        regions=(remains.region_id,) if remains.region_id else (),
        places=tuple(x for x in (remains.place_text, remains.cemetery) if x),
        marker=remains.plot,
    )


def searched_persons():
    """Unmerged men with status missing or unknown, or dead with no burial or body return."""
    buried = EventPerson.objects.filter(
        person=OuterRef("pk"), role=EventRole.SUBJECT, event__type__in=BURIAL_EVENTS
    )
    return Person.objects.filter(merged_into__isnull=True).filter(
        Q(status__in=SEARCHED_STATUSES) | (Q(status=PersonStatus.DEAD) & ~Exists(buried))
    )


def persons_for_matching() -> list[matching.Descriptors]:
    """Every man still searched for (searched_persons) as matching descriptors: his names,
    birth year range, token, call sign, ante-mortem description, the regions and places of his
    events and last facility, and the start of his newest sign of life. Five queries."""
    persons = list(
        searched_persons().select_related("last_facility").prefetch_related("names").order_by("pk")
    )
    ids = [p.pk for p in persons]
    ante = {a.person_id: a for a in AnteMortem.objects.filter(person_id__in=ids)}
    alive: dict[int, int] = defaultdict(int)
    regions: dict[int, set] = defaultdict(set)
    places: dict[int, set] = defaultdict(set)
    for pid, etype, y, m, d, region, place in EventPerson.objects.filter(
        person_id__in=ids, role=EventRole.SUBJECT
    ).values_list(
        "person_id",
        "event__type",
        "event__start_year",
        "event__start_month",
        "event__start_day",
        "event__region_id",
        "event__place_text",
    ):
        if etype in ALIVE_EVENTS and y:
            alive[pid] = max(alive[pid], matching.date_key(y, m, d))
        if region:
            regions[pid].add(region)
        if place:
            places[pid].add(place)
    out = []
    for p in persons:
        a = ante.get(p.pk)
        year_min = year_max = p.birth_year
        if p.birth_year and p.birth_approximate:
            year_min, year_max = p.birth_year - 3, p.birth_year + 3
        if p.last_facility and p.last_facility.region_id:
            regions[p.pk].add(p.last_facility.region_id)
        out.append(
            matching.Descriptors(
                key=p.pk,
                sex=p.sex,
                birth_year_min=year_min,
                birth_year_max=year_max,
                height_min=a.height_min if a else None,
                height_max=a.height_max if a else None,
                last_alive=alive.get(p.pk, 0),
                hair=a.hair if a else "",
                tattoos=_tattoos(a.tattoos) if a else (),
                scars=a.scars if a else "",
                amputations=a.amputations if a else "",
                teeth=a.teeth if a else "",
                clothing=a.clothing if a else "",
                belongings=tuple(a.belongings or ()) if a else (),
                token=p.token_number,
                call_sign=p.call_sign,
                unit=a.unit if a else "",
                names=tuple(n.full_text for n in p.names.all()),
                regions=tuple(sorted(regions[p.pk])),
                places=tuple(sorted(places[p.pk])),
            )
        )
    return out


def remains_counts() -> dict:
    """Counts only, for the numbers page: unidentified remains per region and month found,
    and the share identified. {"by_region_month": [{"region", "year", "month", "n"}],
    "total", "identified", "identified_share"}."""
    qs = Remains.objects.exclude(status=RemainsStatus.CLOSED)
    rows = list(
        qs.exclude(status=RemainsStatus.IDENTIFIED)
        .values("region__name_ru", "region__name_en", "found_year", "found_month")
        .annotate(n=Count("id"))
        .order_by("region__name_ru", "found_year", "found_month")
    )
    total = qs.count()
    identified = qs.filter(status=RemainsStatus.IDENTIFIED).count()
    return {
        "by_region_month": rows,
        "total": total,
        "identified": identified,
        "identified_share": identified / total if total else 0.0,
    }
