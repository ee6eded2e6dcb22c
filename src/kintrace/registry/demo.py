"""`kintrace demo`: a fictional data set so that a newcomer's first screen is alive.

About 2,000 invented persons in 40 invented facilities (real facility types, plausible
numbers, real regions), each with a dated story from the recruiter's visit to an outcome,
backed by invented sources of mixed Admiralty grades. Everything is labelled fictional, and
the layout shows a banner while a DemoDataset row exists.

Rows are bulk-inserted for speed (a few seconds instead of minutes); the load as a whole is
one audit entry, and every person's status is derived by the same rule the services use.
"""

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.lists.models import (
    Decision,
    JobStatus,
    ListEntry,
    ListKind,
    MatchCandidate,
    MatchRun,
    PersonList,
)

from . import demo_data as D
from .models import (
    Citation,
    DemoDataset,
    Event,
    EventPerson,
    EventRole,
    Facility,
    FacilityType,
    Person,
    PersonName,
    Regime,
    Region,
    Source,
    SourceKind,
    StatusConflict,
    sort_key,
)
from .services import name_fields, regions_ensure_loaded
from .status import Candidate, best_grade, derive_status

FICTIONAL = "вымышлено, демо-данные"


@dataclass(frozen=True)
class DemoResult:
    created: bool
    persons: int
    facilities: int
    events: int
    sources: int


def load_demo(*, seed: int = 2026, persons: int = 2000, facilities: int = 40) -> DemoResult:
    """Load the demo data set once; a second call finds it and changes nothing."""
    regions_ensure_loaded()
    with transaction.atomic():
        existing = DemoDataset.objects.select_for_update().first()
        if existing is not None:
            return DemoResult(
                False,
                existing.persons,
                Facility.objects.count(),
                Event.objects.count(),
                Source.objects.count(),
            )
        builder = _Builder(random.Random(seed))  # noqa: S311 - fictional data, seeded to repeat
        builder.facilities(facilities)
        builder.sources(max(60, persons // 7))
        builder.persons(persons)
        builder.stories()
        builder.lists()
        builder.statuses()
        DemoDataset.objects.create(persons=persons, seed=seed)
        result = DemoResult(
            True, persons, len(builder.facility_rows), builder.event_count, len(builder.source_rows)
        )
        audit_record(
            actor=None,
            action=Action.DEMO_LOAD,
            target_type="registry.demodataset",
            after={
                "seed": seed,
                "persons": result.persons,
                "facilities": result.facilities,
                "events": result.events,
                "sources": result.sources,
                "lists": len(builder.list_rows),
                "note": FICTIONAL,
            },
        )
    return result


class _Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.regions = {r.code: r for r in Region.objects.all()}
        self.facility_rows: list[Facility] = []
        self.source_rows: list[Source] = []
        self.person_rows: list[Person] = []
        self.event_count = 0
        # person id -> [(event, [sources])] for the status derivation
        self.story: dict[int, list[tuple[Event, list[Source]]]] = {}
        # person id -> (surname, given, patronymic) of his primary name, for list rows
        self.primary: dict[int, tuple[str, str, str]] = {}
        self.list_rows: list = []

    # --- facilities ---------------------------------------------------------------------

    def facilities(self, n: int) -> None:
        rng = self.rng
        types = (
            [FacilityType.IK] * 30
            + [FacilityType.LIU] * 4
            + [FacilityType.KP] * 3
            + [FacilityType.SIZO] * 2
            + [FacilityType.IC]
        )
        seen = set(Facility.objects.values_list("type", "number", "region_id"))
        rows: list[Facility] = []
        while len(rows) < n:
            ftype = types[len(rows) % len(types)]
            code = rng.choice(D.FACILITY_REGIONS)
            number = str(rng.randint(1, 60))
            if (ftype, number, code) in seen:
                continue
            seen.add((ftype, number, code))
            regime = {
                FacilityType.IK: rng.choice(
                    [Regime.GENERAL, Regime.STRICT, Regime.STRICT, Regime.SPECIAL]
                ),
                FacilityType.KP: Regime.SETTLEMENT,
                FacilityType.LIU: Regime.TREATMENT,
            }.get(ftype, Regime.UNKNOWN)
            region = self.regions[code]
            rows.append(
                Facility(
                    type=ftype,
                    number=number,
                    regime=regime,
                    region=region,
                    official_name=f"ФКУ {ftype}-{number} ({region.name_ru}) — {FICTIONAL}",
                    other_names=[f"{ftype.lower()}-{number}", f"демо-колония {number}"],
                )
            )
        self.facility_rows = Facility.objects.bulk_create(rows)

    # --- sources ------------------------------------------------------------------------

    def sources(self, n: int) -> None:
        rng = self.rng
        kinds = list(SourceKind)
        titles = {
            SourceKind.RELATIVE_REPORT: "Сообщение родственницы",
            SourceKind.MEDIA_ARTICLE: "Статья о набравших в колониях",
            SourceKind.OFFICIAL_LIST: "Список поступивших в госпиталь",
            SourceKind.SOCIAL_POST: "Пост в группе родственников",
            SourceKind.DOCUMENT: "Справка",
            SourceKind.PHONE_CALL: "Телефонный разговор с сослуживцем",
        }
        # (reliability, credibility) weights: about half the sources grade well (A–C, 1–3).
        grades = [
            ("A", 1),
            ("B", 2),
            ("B", 2),
            ("C", 3),
            ("C", 2),
            ("B", 3),
            ("D", 4),
            ("E", 5),
            ("F", 6),
            ("C", 4),
            ("D", 3),
        ]
        rows = []
        for i in range(n):
            kind = kinds[i % len(kinds)]
            r, c = rng.choice(grades)
            d = _random_day(rng, dt.date(2022, 8, 1), dt.date(2025, 10, 1))
            rows.append(
                Source(
                    kind=kind,
                    title=f"[ДЕМО] {titles[kind]} № {i + 1}",
                    publisher=rng.choice(D.PUBLISHERS),
                    url="",
                    date_year=d.year,
                    date_month=d.month,
                    date_day=d.day,
                    date_precision="day",
                    reliability=r,
                    credibility=c,
                )
            )
        self.source_rows = Source.objects.bulk_create(rows)

    # --- persons and names --------------------------------------------------------------

    def persons(self, n: int) -> None:
        rng = self.rng
        people, names, primaries = [], [], []
        for _ in range(n):
            surname = rng.choice(D.SURNAMES)
            given, diminutive = rng.choice(D.GIVEN)
            patronymic = rng.choice(D.PATRONYMICS)
            year = rng.randint(1968, 2003)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            precision = rng.choices(["day", "month", "year", ""], [60, 10, 25, 5])[0]
            facility = rng.choice(self.facility_rows)
            people.append(
                Person(
                    birth_year=year if precision else None,
                    birth_month=month if precision in ("day", "month") else None,
                    birth_day=day if precision == "day" else None,
                    birth_precision=precision,
                    sex="m",
                    call_sign=rng.choice(D.CALL_SIGNS) if rng.random() < 0.25 else "",
                    token_number=(
                        f"ДЕМО-{rng.randint(100000, 999999)}" if rng.random() < 0.15 else ""
                    ),
                    last_facility=facility,
                    notes=f"Вымышленный человек ({FICTIONAL}).",
                )
            )
            names.append(self._variants(surname, given, diminutive, patronymic))
            primaries.append((surname, given, patronymic))
        for person in people:
            person.set_search_keys()
        self.person_rows = Person.objects.bulk_create(people, batch_size=500)
        rows = []
        for person, variants, parts in zip(self.person_rows, names, primaries, strict=True):
            self.primary[person.pk] = parts
            for i, (text, source) in enumerate(variants):
                fields = dict(_cached_name_fields(text))
                fields.pop("_sex")
                rows.append(PersonName(person=person, is_primary=i == 0, source=source, **fields))
        PersonName.objects.bulk_create(rows, batch_size=1000)

    def _variants(self, surname, given, diminutive, patronymic) -> list[tuple[str, Source]]:
        """The primary spelling and a few others, as different sources would write them."""
        import iuliia

        rng = self.rng
        primary = f"{surname} {given} {patronymic}"
        out = [(primary, rng.choice(self.source_rows))]
        if rng.random() < 0.35:
            latin = iuliia.WIKIPEDIA.translate(f"{surname} {given}")
            out.append((latin, rng.choice(self.source_rows)))
        if rng.random() < 0.25:
            out.append(
                (f"{surname.upper()} {given[0]}.{patronymic[0]}.", rng.choice(self.source_rows))
            )
        if diminutive and rng.random() < 0.15:
            out.append((f"{diminutive} {surname}", rng.choice(self.source_rows)))
        return out

    # --- stories ------------------------------------------------------------------------

    def stories(self) -> None:
        """Each person's events, from the recruiter's visit to wherever his trail ends."""
        rng = self.rng
        events, links, cites = [], [], []
        per_event: list[tuple[Person, list[Source]]] = []
        for person in self.person_rows:
            for etype, start, end, place in self._story(person):
                sources = self._cite(etype)
                events.append(_event(etype, start, end, place, self.regions))
                per_event.append((person, sources))
        events = Event.objects.bulk_create(events, batch_size=1000)
        for event, (person, sources) in zip(events, per_event, strict=True):
            links.append(EventPerson(event=event, person=person, role=EventRole.SUBJECT))
            for source in sources:
                cites.append(
                    Citation(event=event, source=source, quote=rng.choice(D.QUOTES[event.type]))
                )
            self.story.setdefault(person.pk, []).append((event, sources))
        # Men recruited together: some offers name a second person from the same colony.
        by_facility: dict[int | None, list[tuple[Event, Person]]] = {}
        for event, (person, _s) in zip(events, per_event, strict=True):
            if event.type == "selected":
                by_facility.setdefault(person.last_facility_id, []).append((event, person))
        for group in by_facility.values():
            for (event, _p), (_e, other) in zip(group[::2], group[1::2], strict=False):
                if rng.random() < 0.3:
                    links.append(EventPerson(event=event, person=other, role=EventRole.MENTIONED))
        EventPerson.objects.bulk_create(links, batch_size=2000)
        Citation.objects.bulk_create(cites, batch_size=2000)
        self.event_count = len(events)

    def _cite(self, etype: str) -> list[Source]:
        rng = self.rng
        k = rng.choices([0, 1, 2], [15, 65, 20])[0]
        return rng.sample(self.source_rows, k)

    def _story(self, person: Person):
        """(type, start, end, place) tuples; dates as a relative would know them."""
        rng = self.rng
        day = _random_day(rng, dt.date(2022, 7, 1), dt.date(2024, 6, 1))
        facility = person.last_facility
        steps: list[tuple[str, dt.date, dt.date | None, Facility | str | None]] = [
            ("offered", day, None, facility)
        ]
        if rng.random() < 0.4:
            steps.append(("applied", day + dt.timedelta(days=rng.randint(1, 10)), None, facility))
        day += dt.timedelta(days=rng.randint(5, 25))
        steps.append(("selected", day, None, facility))
        day += dt.timedelta(days=rng.randint(1, 5))
        steps.append(("quarantined", day, None, facility))
        day += dt.timedelta(days=rng.randint(10, 20))
        steps.append(("transferred", day, None, "training"))
        end = day + dt.timedelta(days=rng.randint(14, 30))
        steps.append(("training", day, end, "training"))
        day = end + dt.timedelta(days=rng.randint(1, 7))
        steps.append(("deployed", day, None, "front"))
        if rng.random() < 0.6:
            steps.append(("payment_promised", day, None, None))
        for _ in range(rng.choices([0, 1, 2, 3], [20, 40, 25, 15])[0]):
            day += dt.timedelta(days=rng.randint(5, 40))
            steps.append(("contact", day, None, None))
        if rng.random() < 0.3:
            steps.append(("documents_requested", day + dt.timedelta(days=2), None, None))
        day += dt.timedelta(days=rng.randint(10, 90))
        outcome = rng.choices(
            ["killed", "missing", "wounded", "captured", "pardoned", "none"],
            [30, 22, 18, 6, 12, 12],
        )[0]
        if outcome == "killed":
            steps.append(("killed", day, None, "front"))
            if rng.random() < 0.5:
                day += dt.timedelta(days=rng.randint(20, 120))
                steps.append(("body_returned", day, None, None))
                steps.append(("buried", day + dt.timedelta(days=3), None, None))
            steps.append(
                (
                    rng.choice(["payment_received", "payment_missing"]),
                    day + dt.timedelta(days=rng.randint(30, 120)),
                    None,
                    None,
                )
            )
        elif outcome == "missing":
            steps.append(("missing", day, None, "front"))
            if rng.random() < 0.15:
                steps.append(("declared_dead_by_court", day + dt.timedelta(days=400), None, None))
        elif outcome == "wounded":
            steps.append(("wounded", day, None, "front"))
            steps.append(("hospitalised", day + dt.timedelta(days=2), None, None))
            if rng.random() < 0.3:
                steps.append(
                    ("deployed", day + dt.timedelta(days=rng.randint(30, 60)), None, "front")
                )
        elif outcome == "captured":
            steps.append(("captured", day, None, "front"))
        elif outcome == "pardoned":
            steps.append(("pardoned", day + dt.timedelta(days=120), None, None))
            if rng.random() < 0.7:
                steps.append(("returned_home", day + dt.timedelta(days=140), None, None))
        today = dt.date(2025, 11, 1)
        # One informant knows a story's dates to the day, another only to the month.
        precision = rng.choices(["day", "month", "year"], [70, 25, 5])[0]
        for etype, start, finish, place in sorted(steps, key=lambda step: step[1]):
            if start > today:
                break
            yield (
                etype,
                _blur(start, precision),
                _blur(finish, precision) if finish else None,
                place,
            )

    # --- imported lists -----------------------------------------------------------------

    def lists(self) -> None:
        """Imported lists of four kinds whose rows were confirmed as registry persons, as the
        review would leave them: each row points at its person and at his event of the list's
        kind, the event cites the list's source, and a confirmed match candidate records the
        decision. A man appears on none to three of them; how visible he is varies from man
        to man (and from colony to colony), so the lists overlap as real ones do — what the
        capture–recapture estimate reads. Relatives' reports and media articles are the
        sources cited on his events."""
        rng = self.rng
        kinds = {
            ListKind.CASUALTY: ("killed", "Список погибших из сообщений местных СМИ"),
            ListKind.HOSPITAL: ("hospitalised", "Список поступивших в госпиталь"),
            ListKind.BURIAL: ("buried", "Список захоронений на кладбище"),
            ListKind.PARDON: ("pardoned", "Список помилованных"),
        }
        share = {"killed": 0.55, "hospitalised": 0.5, "buried": 0.45, "pardoned": 0.5}
        colony_pull = {f.pk: rng.uniform(0.5, 1.5) for f in self.facility_rows}
        lists: dict[str, PersonList] = {}
        sources: dict[str, Source] = {}
        entries: dict[str, list[ListEntry]] = {}
        for kind, (etype, title) in kinds.items():
            source = Source.objects.create(
                kind=SourceKind.OFFICIAL_LIST
                if kind != ListKind.CASUALTY
                else SourceKind.MEDIA_ARTICLE,
                title=f"[ДЕМО] {title}",
                publisher=rng.choice(D.PUBLISHERS),
                reliability="B",
                credibility=2,
            )
            lists[etype] = PersonList.objects.create(
                kind=kind,
                title=f"[ДЕМО] {title} ({FICTIONAL})",
                source=source,
                filename=f"demo-{kind}.csv",
                sha256=hashlib.sha256(f"demo {kind} {rng.random()}".encode()).hexdigest(),
                status=JobStatus.DONE,
                header=["ФИО", "Год рождения", "Колония", "Дата"],
                mapping={"name": 0, "birth": 1, "facility": 2, "event_date": 3},
            )
            sources[etype] = source
            entries[etype] = []
        cites = []
        for person in self.person_rows:
            facility = person.last_facility
            if facility is None:  # every demo man is given a colony in persons()
                continue
            visible = rng.uniform(0.3, 1.7) * colony_pull[facility.pk]
            for event, event_sources in self.story.get(person.pk, []):
                if event.type not in lists or rng.random() > min(0.95, share[event.type] * visible):
                    continue
                surname, given, patronymic = self.primary[person.pk]
                cells = [
                    f"{surname} {given} {patronymic}",
                    str(person.birth_year or ""),
                    f"{facility.type}-{facility.number}",
                    event.start_display,
                ]
                entries[event.type].append(
                    ListEntry(
                        person_list=lists[event.type],
                        line=len(entries[event.type]) + 2,
                        raw=cells,
                        name=cells[0],
                        surname=surname,
                        given_name=given,
                        patronymic=patronymic,
                        birth_text=cells[1],
                        birth_year=person.birth_year,
                        birth_precision="year" if person.birth_year else "",
                        facility_text=cells[2],
                        event_text=cells[3],
                        event_year=event.start_year,
                        event_month=event.start_month,
                        event_day=event.start_day,
                        event_precision=event.start_precision,
                        person=person,
                        event=event,
                    )
                )
                cites.append(Citation(event=event, source=sources[event.type], quote=""))
                event_sources.append(sources[event.type])
        candidates = []
        for etype, person_list in lists.items():
            rows = ListEntry.objects.bulk_create(entries[etype], batch_size=1000)
            person_list.entry_count = len(rows)
            person_list.progress_done = person_list.progress_total = len(rows)
            person_list.finished_at = timezone.now()
            person_list.save(
                update_fields=["entry_count", "progress_done", "progress_total", "finished_at"]
            )
            run = MatchRun.objects.create(
                person_list=person_list,
                threshold=0.8,
                status=JobStatus.DONE,
                records_left=len(rows),
                records_right=len(self.person_rows),
                candidate_count=len(rows),
                finished_at=timezone.now(),
            )
            candidates += [
                MatchCandidate(
                    run=run,
                    entry=entry,
                    person_id=entry.person_id,
                    probability=0.99,
                    decision=Decision.CONFIRMED,
                    decided_at=timezone.now(),
                )
                for entry in rows
                if entry.person_id is not None  # every demo entry is created with its person
            ]
        MatchCandidate.objects.bulk_create(candidates, batch_size=2000)
        Citation.objects.bulk_create(cites, batch_size=2000)
        self.list_rows = list(lists.values())

    # --- statuses -----------------------------------------------------------------------

    def statuses(self) -> None:
        """The same rule as person_status_refresh, applied to the stories in memory."""
        conflicts: list[StatusConflict] = []
        with translation.override(settings.LANGUAGE_CODE):
            for person in self.person_rows:
                candidates = []
                for event, sources in self.story.get(person.pk, []):
                    grades = [(s.reliability, s.credibility) for s in sources]
                    candidates.append(
                        Candidate(
                            event_id=event.pk,
                            type=event.type,
                            start_sort=event.start_sort,
                            date_display=event.date_display,
                            well_sourced=any(s.well_sourced for s in sources),
                            best_grade=best_grade(grades),
                        )
                    )
                decision = derive_status(candidates)
                # A story with a sign of life after a death is a conflict to decide, as
                # person_status_refresh would record it.
                conflicts.extend(
                    StatusConflict(
                        person_id=person.pk, death_event_id=d.event_id, life_event_id=life.event_id
                    )
                    for d, life in decision.conflicts
                )
                person.status = decision.status
                person.status_reason = decision.reason()
                person.status_event_id = decision.winner.event_id if decision.winner else None
        # One prepared UPDATE per row: bulk_update's CASE expressions cost seconds here.
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, status_reason = %s, status_event_id = %s "  # noqa: S608 - table name from the model
                "WHERE id = %s",
                [(p.status, p.status_reason, p.status_event_id, p.pk) for p in self.person_rows],
            )
        StatusConflict.objects.bulk_create(conflicts, batch_size=2000)


_NAME_CACHE: dict[str, dict] = {}


def _cached_name_fields(text: str) -> dict:
    if text not in _NAME_CACHE:
        _NAME_CACHE[text] = name_fields(text)
    return _NAME_CACHE[text]


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _blur(day: dt.date, precision: str) -> tuple[int, int | None, int | None]:
    """Relatives often know only the month, sometimes only the year."""
    if precision == "day":
        return day.year, day.month, day.day
    if precision == "month":
        return day.year, day.month, None
    return day.year, None, None


def _event(etype, start, end, place, regions) -> Event:
    def parts(prefix, value):
        if value is None:
            return {
                f"{prefix}_year": None,
                f"{prefix}_month": None,
                f"{prefix}_day": None,
                f"{prefix}_precision": "",
            }
        y, m, d = value
        precision = "day" if d else "month" if m else "year"
        return {
            f"{prefix}_year": y,
            f"{prefix}_month": m,
            f"{prefix}_day": d,
            f"{prefix}_precision": precision,
        }

    facility = place if isinstance(place, Facility) else None
    region, place_text = None, ""
    if place == "training":
        region, place_text = regions[D.TRAINING_REGION], "учебный лагерь (вымышленный)"
    elif place == "front":
        region = regions[D.FRONT_REGIONS[hash(start) % len(D.FRONT_REGIONS)]]
        place_text = "район боевых действий (демо)"
    return Event(
        type=etype,
        facility=facility,
        region=region,
        place_text=place_text,
        description="",
        start_sort=sort_key(*start),
        **parts("start", start),
        **parts("end", end),
    )
