"""Folding one person into another and back: the registry's part of a merge.

Everything that points at a person (names, event links, cases, list entries, persons merged
into him earlier — found through Django's relation metadata, so a new app's table is not
forgotten) moves to the survivor, and the merged person is marked `merged_into`. The returned
snapshot keeps both persons and every row moved or removed, as they were; `person_unfold`
writes those rows back field for field. `kintrace.lists.services.merges` keeps the snapshot
in its Merge row and decides when to merge; the rows themselves are written only here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record

from ..models import Person, PersonName
from ..rows import row_dump, row_restore

# "Not the same man" is a statement about the two records: it never moves.
NEVER_MOVED = frozenset({"registry.persondistinct"})


class MergeError(Exception):
    """The merge or undo cannot be done; the message says why, for a person."""


def person_links(not_moved: Collection[str] = ()) -> list[tuple[type[models.Model], Any]]:
    """(model, foreign key field) for every reverse relation to Person that moves in a merge;
    `not_moved`: the labels of further models (review bookkeeping) that stay where they are."""
    skip = NEVER_MOVED | set(not_moved)
    out = []
    for rel in Person._meta.related_objects:
        if rel.many_to_many or rel.related_model._meta.label_lower in skip:
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


def person_fold(
    *, survivor: Person, merged: Person, actor, not_moved: Collection[str] = ()
) -> dict[str, list[Any]]:
    """Move every row of `merged` to `survivor` (a row the survivor already has an equal of is
    removed), make `merged`'s names the survivor's variants and mark him `merged_into`.
    Returns the snapshot `person_unfold` needs. Refused (MergeError, nothing changed) for one
    person twice, a person already merged, or rows that cannot be joined (two open cases)."""
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
        for model, field in person_links(not_moved):
            manager = model._default_manager
            rows = list(manager.filter(**{field.attname: merged.pk}))
            if not rows:
                continue
            label = model._meta.label_lower
            moved_pks = []
            for row in rows:
                snap_row = row_dump(row)
                clash = any(
                    manager.filter(
                        **{field.attname: survivor.pk}, **{a: getattr(row, a) for a in others}
                    ).exists()
                    for others in _unique_sets(model, field)
                )
                if clash:  # e.g. both men on the same event: the survivor's link suffices
                    snap["removed"].append([label, snap_row])
                    manager.filter(pk=row.pk).delete()
                else:
                    snap["moved"].append([label, snap_row])
                    moved_pks.append(row.pk)
            try:
                with transaction.atomic():
                    manager.filter(pk__in=moved_pks).update(**{field.attname: survivor.pk})
            except IntegrityError:
                raise MergeError(
                    _(
                        "Both persons have a %(what)s that cannot be joined (for "
                        "example two open cases); resolve that first."
                    )
                    % {"what": model._meta.verbose_name}
                ) from None
        # His names are the survivor's variants now, not a second primary name.
        PersonName.objects.filter(
            person=survivor,
            pk__in=[r["id"] for label, r in snap["moved"] if label == "registry.personname"],
        ).update(is_primary=False)
        Person.objects.filter(pk=merged.pk).update(merged_into=survivor, updated_at=timezone.now())
        audit_record(
            actor=actor,
            action=Action.PERSON_FOLD,
            target=merged,
            before={"merged_into": None},
            after={
                "merged_into": survivor.pk,
                "moved": [[lbl, r["id"]] for lbl, r in snap["moved"]],
                "removed": [[lbl, r["id"]] for lbl, r in snap["removed"]],
            },
        )
    return snap


def person_unfold(
    *, snapshot: dict[str, list[Any]], actor, not_moved: Collection[str] = ()
) -> None:
    """Put both persons and every moved or removed row of a `person_fold` snapshot back
    exactly as they were. Refused (MergeError) when a moved row has since been changed to
    point elsewhere or deleted."""
    survivor_row, merged_row = snapshot["persons"]
    with transaction.atomic():
        links = person_links(not_moved)
        for label, row in snapshot["moved"]:
            model = apps.get_model(label)
            fks = [f.attname for m, f in links if m is model]
            current = model._default_manager.filter(pk=row["id"]).values(*fks).first()
            if current is None or survivor_row["id"] not in current.values():
                raise MergeError(
                    _(
                        "Row %(label)s #%(id)s changed after the merge; it cannot "
                        "be undone automatically."
                    )
                    % {"label": label, "id": row["id"]}
                )
        for row in snapshot["persons"]:
            row_restore(Person, row)
        for label, row in [*snapshot["moved"], *snapshot["removed"]]:
            row_restore(apps.get_model(label), row)
        audit_record(
            actor=actor,
            action=Action.PERSON_UNFOLD,
            target_type=Person._meta.label_lower,
            target_id=str(merged_row["id"]),
            before={"merged_into": survivor_row["id"]},
            after={"merged_into": merged_row["merged_into_id"]},
        )
