"""Overlapping lists for the fictional demo, so the estimate page has something to estimate.

Call from the demo loader, inside its transaction, after the persons and their statuses exist:
`demo_overlaps(rng=random.Random(seed), actor=None)`. It adds two imported lists marked
[ДЕМО] — a casualty list (most likely for the dead) and a hospital list (for the wounded and
the dead) — whose entries are confirmed as persons already in the registry, so each man's
lists overlap with the media sources the demo cites. Nothing is read from outside.
"""

import hashlib
import random

from kintrace.lists.models import JobStatus, ListEntry, ListKind, PersonList
from kintrace.registry.models import Person, PersonStatus

# Keyed by status value: values_list gives the statuses as plain strings.
CHANCES: dict[str, dict[str, float]] = {
    ListKind.CASUALTY: {PersonStatus.DEAD: 0.45, PersonStatus.MISSING: 0.15},
    ListKind.HOSPITAL: {
        PersonStatus.WOUNDED: 0.5,
        PersonStatus.DEAD: 0.25,
        PersonStatus.RETURNED: 0.2,
        PersonStatus.MISSING: 0.1,
    },
}


def demo_overlaps(*, rng: random.Random, actor) -> dict[str, int]:
    """Create the demo's casualty and hospital lists; returns {kind: entries}."""
    persons = list(
        Person.objects.filter(merged_into__isnull=True).values_list("id", "status").order_by("id")
    )
    out: dict[str, int] = {}
    for kind, chances in CHANCES.items():
        chosen = [pid for pid, status in persons if rng.random() < chances.get(status, 0.03)]
        digest = hashlib.sha256(f"demo-{kind}-{len(persons)}".encode()).hexdigest()
        plist = PersonList.objects.create(
            kind=kind,
            title=f"[ДЕМО] {ListKind(kind).label}",
            sha256=digest,
            status=JobStatus.DONE,
            entry_count=len(chosen),
            created_by=actor,
        )
        ListEntry.objects.bulk_create(
            [
                ListEntry(person_list=plist, line=i + 2, raw=[], name="[ДЕМО]", person_id=pid)
                for i, pid in enumerate(chosen)
            ],
            batch_size=2000,
        )
        out[str(kind)] = len(chosen)
    return out
