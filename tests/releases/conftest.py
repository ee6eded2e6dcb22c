import pytest


@pytest.fixture
def overlapping(db):
    """A registry of men seen by three overlapping lists (relatives' reports, a casualty list,
    media) in two colonies of one region, written as rows so the test stays fast."""
    from kintrace.intake.models import Report
    from kintrace.lists.models import JobStatus, ListEntry, PersonList
    from kintrace.registry.models import (
        Citation,
        Event,
        EventPerson,
        Facility,
        Person,
        PersonStatus,
        Region,
        Source,
    )
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()
    region = Region.objects.get(code="RU-MO")
    colonies = [Facility.objects.create(type="ИК", number=str(n), region=region) for n in (2, 5)]
    media = Source.objects.create(
        kind="media_article", title="Article", reliability="B", credibility=2
    )
    plist = PersonList.objects.create(
        kind="casualty", title="List", sha256="0" * 64, status=JobStatus.DONE
    )
    import random

    rng = random.Random(15)
    persons = Person.objects.bulk_create(
        [
            Person(
                status=rng.choice([PersonStatus.DEAD, PersonStatus.MISSING, PersonStatus.ALIVE]),
                last_facility=colonies[i % 2],
                notes="SECRET NOTE",
            )
            for i in range(400)
        ]
    )
    reports, entries, links = [], [], []
    events = Event.objects.bulk_create(
        [Event(type="killed", description="SECRET TEXT") for _ in persons]
    )
    for i, (p, e) in enumerate(zip(persons, events, strict=True)):
        if rng.random() < 0.35:
            reports.append(
                Report(
                    receipt_lookup=f"r{i}",
                    receipt_salt=b"",
                    key_for_org=b"",
                    key_for_receipt=b"",
                    payload=b"",
                    subject_name="Иванов",
                    person=p,
                )
            )
        if rng.random() < 0.3:
            entries.append(
                ListEntry(person_list=plist, line=i + 1, raw=[], name="Иванов", person=p)
            )
        if rng.random() < 0.25:
            links.append(EventPerson(event=e, person=p))
    Report.objects.bulk_create(reports)
    ListEntry.objects.bulk_create(entries)
    EventPerson.objects.bulk_create(links)
    Citation.objects.bulk_create([Citation(event=link.event, source=media) for link in links])
    return persons
