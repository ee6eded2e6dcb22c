"""Merging two registry persons into one, and undoing it exactly.

The registry moves the rows (`kintrace.registry.services.person_fold`: everything that points
at the merged person goes to the survivor) and puts them back (`person_unfold`); here the
merge is recorded in a Merge row that keeps the registry's snapshot, so it can be undone, and
a reviewer's decision on a proposed duplicate pair leads to it.
"""

from __future__ import annotations

from typing import Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.registry.rows import row_dump
from kintrace.registry.services import (
    MergeError,
    person_fold,
    person_status_refresh,
    person_unfold,
)

from ..models import Decision, DuplicateCandidate, DuplicateRejection, Merge

__all__ = ["MergeError", "row_dump", "persons_merge", "merge_undo", "duplicate_decide"]

# Review bookkeeping about persons is not part of a person's story and does not move.
NOT_MOVED = {
    "lists.matchcandidate",
    "lists.entryrejection",
    "lists.duplicatecandidate",
    "lists.duplicaterejection",
    "lists.merge",
}


def persons_merge(*, survivor, merged, actor, candidate: DuplicateCandidate | None = None) -> Merge:
    """Fold `merged` into `survivor` (the registry moves all his rows and marks him
    merged_into), keep the snapshot in a Merge row and derive the survivor's status again.
    Refused for two persons with an open case each."""
    with transaction.atomic():
        snap = person_fold(survivor=survivor, merged=merged, actor=actor, not_moved=NOT_MOVED)
        merge = Merge.objects.create(
            survivor_id=survivor.pk,
            merged_id=merged.pk,
            candidate=candidate,
            snapshot=snap,
            created_by=actor if actor and actor.pk else None,
        )
        person_status_refresh(person=merge.survivor, actor=actor)
        audit_record(
            actor=actor,
            action=Action.PERSON_MERGE,
            target=merge,
            before={"survivor": snap["persons"][0], "merged": snap["persons"][1]},
            after={
                "moved": [[lbl, r["id"]] for lbl, r in snap["moved"]],
                "removed": [[lbl, r["id"]] for lbl, r in snap["removed"]],
            },
        )
    return merge


def merge_undo(*, merge: Merge, actor) -> Merge:
    """Put both persons and every moved or removed row back exactly as before the merge.
    Refused when a moved row has since been changed to point elsewhere or deleted."""
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise MergeError(_("This merge was already undone."))
        person_unfold(snapshot=merge.snapshot, actor=actor, not_moved=NOT_MOVED)
        merge.undone_at = timezone.now()
        merge.undone_by = actor if actor and actor.pk else None
        merge.save(update_fields=["undone_at", "undone_by"])
        if merge.candidate_id:
            DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
                decision=Decision.OPEN, decided_by=None, decided_at=None
            )
        audit_record(
            actor=actor,
            action=Action.PERSON_MERGE_UNDO,
            target=merge,
            after={"survivor": merge.survivor_id, "merged": merge.merged_id},
        )
    return merge


# A reviewer's answer on a duplicate pair (not a stored Decision: "merge" becomes MERGED)
DuplicateAnswer = Literal["merge", "reject", "skip"]
DUPLICATE_ACTIONS: dict[str, Action] = {
    "merge": Action.REGISTRY_DUPLICATE_MERGE,
    "reject": Action.REGISTRY_DUPLICATE_REJECT,
    "skip": Action.REGISTRY_DUPLICATE_SKIP,
}


def duplicate_decide(
    *,
    candidate: DuplicateCandidate,
    decision: DuplicateAnswer,
    actor,
    keep: Literal["a", "b"] = "a",
) -> Merge | None:
    """A reviewer's decision on a duplicate pair: "merge" (keeping person a or b), "reject"
    (remembered, never proposed again) or "skip"."""
    with transaction.atomic():
        c = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if c.decision not in (Decision.OPEN, Decision.SKIPPED):
            raise MergeError(_("This pair was already decided (%s).") % c.get_decision_display())
        merge = None
        if decision == "merge":
            a, b = c.person_a, c.person_b
            survivor, merged = (a, b) if keep == "a" else (b, a)
            merge = persons_merge(survivor=survivor, merged=merged, actor=actor, candidate=c)
            c.decision = Decision.MERGED
        elif decision == "reject":
            DuplicateRejection.objects.get_or_create(
                person_a_id=c.person_a_id,
                person_b_id=c.person_b_id,
                defaults={"created_by": actor if actor and actor.pk else None},
            )
            c.decision = Decision.REJECTED
        elif decision == "skip":
            c.decision = Decision.SKIPPED
        else:
            raise MergeError(_("Unknown decision."))
        c.decided_by = actor if actor and actor.pk else None
        c.decided_at = timezone.now()
        c.save(update_fields=["decision", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=DUPLICATE_ACTIONS[decision],
            target=c,
            after={
                "a": c.person_a_id,
                "b": c.person_b_id,
                "keep": keep,
                "merge": merge.pk if merge else None,
            },
        )
    return merge
