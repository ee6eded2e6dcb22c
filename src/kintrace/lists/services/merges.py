"""Merging two registry persons into one, and undoing it exactly.

Everything that points at a person (names, event links, cases, list entries, persons merged
into him earlier — found through Django's relation metadata, so a new app's table is not
forgotten) moves to the survivor. The Merge row keeps a full copy of both persons and of
every row it moved or removed, as they were; undo writes those rows back field for field.
"""

from __future__ import annotations

from typing import Any, Literal

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.services import audit_record
from kintrace.registry.models import Person
from kintrace.registry.rows import row_dump, row_restore
from kintrace.registry.services import person_status_refresh

from ..models import Decision, DuplicateCandidate, DuplicateRejection, Merge

__all__ = ["MergeError", "row_dump", "persons_merge", "merge_undo", "duplicate_decide"]

# Review bookkeeping about persons is not part of a person's story and does not move.
NOT_MOVED = {
    "lists.matchcandidate",
    "lists.entryrejection",
    "lists.duplicatecandidate",
    "lists.duplicaterejection",
    "lists.merge",
    "registry.persondistinct",
}


class MergeError(Exception):
    """The merge or undo cannot be done; the message says why, for a person."""


def _links():
    """(model, foreign key field) for every reverse relation to Person that moves."""
    Person = apps.get_model("registry", "Person")
    out = []
    for rel in Person._meta.related_objects:
        if rel.many_to_many or rel.related_model._meta.label_lower in NOT_MOVED:
            continue
        out.append((rel.related_model, rel.field))
    return out


def _unique_sets(model, field) -> list[tuple[str, ...]]:
    """Unconditional unique column sets containing `field`, without it."""
    sets = [tuple(u) for u in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is None and c.fields
    ]
    return [
        tuple(model._meta.get_field(n).attname for n in s if n != field.name)
        for s in sets
        if field.name in s
    ]


def persons_merge(*, survivor, merged, actor, candidate: DuplicateCandidate | None = None) -> Merge:
    """Fold `merged` into `survivor`: move all his rows, mark him merged_into, derive the
    survivor's status again. Refused for two persons with an open case each."""
    if survivor.pk == merged.pk:
        raise MergeError(_("A person cannot be merged into himself."))
    with transaction.atomic():
        # Lock both (in id order, so two merges of the same pair cannot deadlock).
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update()
            .filter(pk__in=[survivor.pk, merged.pk])
            .order_by("pk")
        }
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if survivor.merged_into_id or merged.merged_into_id:
            raise MergeError(_("One of these persons was already merged into another."))
        snap: dict[str, list[Any]] = {
            "persons": [row_dump(survivor), row_dump(merged)],
            "moved": [],
            "removed": [],
        }
        for model, field in _links():
            rows = list(model.objects.filter(**{field.attname: merged.pk}))
            if not rows:
                continue
            label = model._meta.label_lower
            moved_pks = []
            for row in rows:
                snap_row = row_dump(row)
                clash = any(
                    model.objects.filter(
                        **{field.attname: survivor.pk}, **{a: getattr(row, a) for a in others}
                    ).exists()
                    for others in _unique_sets(model, field)
                )
                if clash:  # e.g. both men on the same event: the survivor's link suffices
                    snap["removed"].append([label, snap_row])
                    model.objects.filter(pk=row.pk).delete()
                else:
                    snap["moved"].append([label, snap_row])
                    moved_pks.append(row.pk)
            try:
                with transaction.atomic():
                    model.objects.filter(pk__in=moved_pks).update(**{field.attname: survivor.pk})
            except IntegrityError:
                raise MergeError(
                    _(
                        "Both persons have a %(what)s that cannot be joined (for "
                        "example two open cases); resolve that first."
                    )
                    % {"what": model._meta.verbose_name}
                ) from None
        # His names are the survivor's variants now, not a second primary name.
        PersonName = apps.get_model("registry", "PersonName")
        PersonName.objects.filter(
            person=survivor,
            pk__in=[r["id"] for label, r in snap["moved"] if label == "registry.personname"],
        ).update(is_primary=False)
        Person.objects.filter(pk=merged.pk).update(merged_into=survivor, updated_at=timezone.now())
        merge = Merge.objects.create(
            survivor=survivor,
            merged=merged,
            candidate=candidate,
            snapshot=snap,
            created_by=actor if actor and actor.pk else None,
        )
        person_status_refresh(person=survivor, actor=actor)
        audit_record(
            actor=actor,
            action="person.merge",
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
        snap = merge.snapshot
        survivor_id = snap["persons"][0]["id"]
        for label, row in snap["moved"]:
            model = apps.get_model(label)
            fks = [f.attname for m, f in _links() if m is model]
            current = model.objects.filter(pk=row["id"]).values(*fks).first()
            if current is None or survivor_id not in current.values():
                raise MergeError(
                    _(
                        "Row %(label)s #%(id)s changed after the merge; it cannot "
                        "be undone automatically."
                    )
                    % {"label": label, "id": row["id"]}
                )
        Person = apps.get_model("registry", "Person")
        for row in snap["persons"]:
            row_restore(Person, row)
        for label, row in [*snap["moved"], *snap["removed"]]:
            row_restore(apps.get_model(label), row)
        merge.undone_at = timezone.now()
        merge.undone_by = actor if actor and actor.pk else None
        merge.save(update_fields=["undone_at", "undone_by"])
        if merge.candidate_id:
            DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
                decision=Decision.OPEN, decided_by=None, decided_at=None
            )
        audit_record(
            actor=actor,
            action="person.merge_undo",
            target=merge,
            after={"survivor": merge.survivor_id, "merged": merge.merged_id},
        )
    return merge


# A reviewer's answer on a duplicate pair (not a stored Decision: "merge" becomes MERGED)
DuplicateAnswer = Literal["merge", "reject", "skip"]


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
            action=f"registry.duplicate_{decision}",
            target=c,
            after={
                "a": c.person_a_id,
                "b": c.person_b_id,
                "keep": keep,
                "merge": merge.pk if merge else None,
            },
        )
    return merge
