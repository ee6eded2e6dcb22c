"""Reads for the lists pages: overviews, the review queues, explanations in words."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from kintrace.registry.models import Person, PersonName

from .mapping import FIELDS
from .models import (
    Decision,
    DuplicateCandidate,
    JobStatus,
    ListEntry,
    MatchCandidate,
    MatchRun,
    Merge,
    PersonList,
)

# The engine's comparison names are the mapping's field names.
COMPARISONS = {
    k: FIELDS[k]
    for k in ("surname", "given_name", "patronymic", "birth_date", "facility", "region")
}
LEVELS = {
    "missing": _("not known on one side"),
    "exact": _("the same"),
    "one edit": _("one letter differs"),
    "two edits": _("two letters differ"),
    "close": _("nearly the same"),
    "same name, other form": _("the same name in another form (Саша / Александр)"),
    "initial agrees": _("the initial agrees"),
    "initial conflicts": _("the initial cannot be this name's first letter"),
    "different": _("different"),
    "same day": _("the same day"),
    "day and month swapped": _("day and month swapped"),
    "same month": _("the same month (day not known)"),
    "same year": _("the same year (month not known)"),
    "same year, other day": _("the same year, another day"),
    "same year, another full date": _("the same year, another full date"),
    "one year apart, another full date": _("one year apart, another full date"),
    "one year apart": _("one year apart"),
    "within the stated range": _("within the other's approximate years (около 1985: 1983–1987)"),
    "same facility": _("the same facility"),
    "same facility number": _("the same facility number"),
    "same region": _("the same region"),
    "similar": _("similar spelling"),
    "swapped with given name": _(
        "written in the given name's place, and the given name in its place"
    ),
    "swapped with surname": _("written in the surname's place, and the surname in its place"),
    "in the given name's place": _("found in the given name's place of the other record"),
    "one digit off": _("one digit differs"),
    "same number, other type": _("the same number, another type of facility"),
    "same region, mistyped": _("the same region, one letter mistyped"),
}


@dataclass(frozen=True)
class Reason:
    comparison: str
    level: str
    strength: str
    css: str
    weight: float


def strength(weight: float) -> tuple[str, str]:
    """How strongly one comparison speaks for or against the match, in words."""
    if weight >= 5:
        return str(_("strongly for")), "for-strong"
    if weight >= 1:
        return str(_("for")), "for"
    if weight > -1:
        return str(_("says little")), "neutral"
    if weight > -5:
        return str(_("against")), "against"
    return str(_("strongly against")), "against-strong"


def explain(explanation: list) -> list[Reason]:
    """The engine's [comparison, level, match weight] triples as sentences a caseworker reads."""
    out = []
    for comparison, level, weight in explanation:
        word, css = strength(float(weight))
        out.append(
            Reason(
                str(COMPARISONS.get(comparison, comparison)),
                str(LEVELS.get(level, level)),
                word,
                css,
                float(weight),
            )
        )
    return out


def lists_overview(limit: int = 100) -> list[PersonList]:
    """The newest lists, each with `open_count`: undecided candidates (one grouped query).
    Lists still importing are jobs, not lists: `jobs_overview` shows them."""
    lists = list(PersonList.objects.visible().select_related("source", "created_by")[:limit])
    counts = dict(
        MatchCandidate.objects.filter(
            decision=Decision.OPEN, run__person_list__in=[pl.pk for pl in lists]
        )
        .values_list("run__person_list")
        .annotate(n=Count("id"))
        .order_by()
    )
    for pl in lists:
        pl.open_count = counts.get(pl.pk, 0)
    return lists


def jobs_overview() -> dict[str, list]:
    """Imports and match runs queued or running, newest first, for the lists page."""
    active = [JobStatus.QUEUED, JobStatus.RUNNING]
    return {
        "imports": list(
            PersonList.objects.filter(status__in=active)
            .select_related("created_by")
            .order_by("-id")
        ),
        "runs": list(
            MatchRun.objects.filter(status__in=active)
            .select_related("person_list", "created_by")
            .order_by("-id")
        ),
    }


def list_get(pk: int) -> PersonList:
    return PersonList.objects.select_related("source", "created_by").get(pk=pk)


def other_candidates(candidate: MatchCandidate, limit: int = 5) -> list[MatchCandidate]:
    """The entry's other candidate persons, for the review page."""
    return list(
        MatchCandidate.objects.filter(entry_id=candidate.entry_id)
        .exclude(pk=candidate.pk)
        .select_related("person")
        .prefetch_related("person__names")[:limit]
    )


def candidate_get(pk: int) -> MatchCandidate:
    """One candidate with its entry (raises MatchCandidate.DoesNotExist)."""
    return MatchCandidate.objects.select_related("entry").get(pk=pk)


def entry_visible_get(pk: int) -> ListEntry:
    """One entry of a list that is not being imported (raises ListEntry.DoesNotExist)."""
    return ListEntry.objects.visible().get(pk=pk)


def list_counts(person_list: PersonList) -> dict[str, int]:
    """Counts of an imported list's entries (all zero while it is still importing)."""
    entries = ListEntry.objects.visible().filter(person_list=person_list)
    return {
        "entries": entries.count(),
        "linked": entries.filter(person__isnull=False).count(),
        "open": review_queue(person_list).count(),
        "skipped": review_queue(person_list, skipped=True).count(),
        "unmatched": unmatched_entries(person_list).count(),
    }


def running_match(person_list: PersonList) -> MatchRun | None:
    return MatchRun.objects.filter(
        person_list=person_list, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()


def last_match(person_list: PersonList) -> MatchRun | None:
    return MatchRun.objects.filter(person_list=person_list).order_by("-id").first()


def match_finished(person_list: PersonList) -> bool:
    """True once a match run of the list has finished (its entries were searched for)."""
    return MatchRun.objects.filter(person_list=person_list, status=JobStatus.DONE).exists()


def dedupe_last() -> MatchRun | None:
    """The newest registry duplicate search (call jobs_reap_stale first: a search whose
    process died then reads as failed, not as running forever)."""
    return MatchRun.objects.filter(person_list__isnull=True).order_by("-id").first()


def _person_prefetch(prefix: str):
    return Prefetch(f"{prefix}names", queryset=PersonName.objects.order_by("-is_primary", "id"))


def review_queue(person_list: PersonList, *, skipped: bool = False) -> QuerySet[MatchCandidate]:
    """Undecided candidates of the list's latest run, strongest first.

    Written for a list with a hundred thousand candidates: a new run replaces the list's
    undecided candidates and a decision on an entry supersedes its other candidates, so the
    queue is one index range (run, decision, probability); only the few persons merged away
    since the run are excluded by a subquery.
    """
    # The latest run that finished: a failed or cancelled run stored nothing and leaves the
    # queue of the run before it.
    run = (
        MatchRun.objects.filter(
            person_list=person_list, person_list__status=JobStatus.DONE, status=JobStatus.DONE
        )
        .order_by("-id")
        .values("id")[:1]
    )
    decision = Decision.SKIPPED if skipped else Decision.OPEN
    merged = Person.objects.filter(merged_into__isnull=False).values("id")
    return (
        MatchCandidate.objects.filter(run_id=run, decision=decision)
        .exclude(person_id__in=merged)
        .order_by("-probability", "id")
    )


def candidate_for_review(pk: int) -> MatchCandidate:
    return (
        MatchCandidate.objects.select_related(
            "entry__person_list", "person__last_facility__region", "person__status_event", "run"
        )
        .prefetch_related(_person_prefetch("person__"))
        .get(pk=pk)
    )


def unmatched_entries(person_list: PersonList) -> QuerySet[ListEntry]:
    """Entries not linked to anyone and with no candidate left to decide."""
    pending = MatchCandidate.objects.filter(
        entry=OuterRef("pk"), decision__in=[Decision.OPEN, Decision.SKIPPED]
    )
    return (
        ListEntry.objects.visible()
        .filter(person_list=person_list, person__isnull=True)
        .exclude(Exists(pending))
        .order_by("line")
    )


def duplicate_queue(*, skipped: bool = False) -> QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(
        decision=Decision.SKIPPED if skipped else Decision.OPEN,
        person_a__merged_into__isnull=True,
        person_b__merged_into__isnull=True,
    ).order_by("-probability", "id")


def duplicate_for_review(pk: int) -> DuplicateCandidate:
    return (
        DuplicateCandidate.objects.select_related(
            "person_a__last_facility__region", "person_b__last_facility__region"
        )
        .prefetch_related(_person_prefetch("person_a__"), _person_prefetch("person_b__"))
        .get(pk=pk)
    )


def merges_recent(limit: int = 50) -> QuerySet[Merge]:
    return (
        Merge.objects.select_related("created_by", "undone_by")
        .prefetch_related(_person_prefetch("survivor__"), _person_prefetch("merged__"))
        .order_by("-created_at", "-id")[:limit]
    )
