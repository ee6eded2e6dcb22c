"""Post/redirect/get in the registry and lists pages: every POST that changes data (writes an
audit entry) answers with a redirect, so a reload never sends it twice. Every URL of the two
apps is listed here: a new one fails the completeness test until it is."""

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from kintrace.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

GET_ONLY = {
    "registry:search",
    "registry:persons",
    "registry:person",
    "registry:facilities",
    "registry:facility",
    "registry:sources",
    "registry:source",
    "registry:numbers",
    "registry:conflicts",
    "lists:index",
    "lists:detail",
    "lists:review",
    "lists:unmatched",
    "lists:duplicates",
    "lists:merges",
}


@pytest.fixture
def world(make_staff):
    """One of everything a POST may act on, created through the services."""
    from kintrace.lists.models import MatchCandidate
    from kintrace.lists.services import (
        list_import_start,
        list_upload,
        match_run,
        persons_merge,
    )
    from kintrace.names.dates import parse_date
    from kintrace.registry import services as s
    from kintrace.registry.models import Region, StatusConflict

    boss = make_staff("coordinator", username="boss")
    s.regions_ensure_loaded()
    perm = s.facility_create(
        type="ИК", number="6", actor=boss, region=Region.objects.get(code="RU-PER")
    )
    s.facility_create(type="ИК", number="6", actor=boss, region=Region.objects.get(code="RU-SVE"))
    source = s.source_create(
        kind="document", title="Справка", reliability="B", credibility=2, actor=boss
    )
    ivanov = s.person_create(
        name="Иванов Александр Сергеевич",
        birth=parse_date("14.03.1987"),
        actor=boss,
        last_facility_text="ИК-6",
    )
    twin = s.person_create(name="Иванов Саша", actor=boss)
    gone = s.person_create(name="Петров Пётр", actor=boss)
    persons_merge(survivor=twin, merged=gone, actor=boss)
    killed = s.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        persons=[ivanov],
        citations=[source],
        actor=boss,
    )
    s.event_create(
        type="contact",
        start=parse_date("06.2023"),
        persons=[ivanov],
        citations=[source],
        actor=boss,
    )
    spare = s.event_create(type="other", persons=[ivanov], actor=boss)
    deletion = s.event_delete(event=spare, actor=boss)
    data = "ФИО;Дата рождения\nИванов Александр Сергеевич;14.03.1987\n".encode()
    done, _t = list_upload(data=data, kind="hospital", title="ВГ", filename="a.csv", actor=boss)
    done = list_import_start(person_list=done, mapping=done.mapping, actor=boss, background=False)
    match_run(person_list=done, actor=boss)
    draft, _t = list_upload(
        data=b"\xd0\xa4\xd0\x98\xd0\x9e\n\xd0\x9e\xd0\xbb\xd0\xb5\xd0\xb3\n",
        kind="other",
        title="Черновик",
        filename="b.csv",
        actor=boss,
    )
    from kintrace.lists.models import DuplicateCandidate, Merge

    dup = DuplicateCandidate.objects.create(
        run=MatchCandidate.objects.first().run, person_a=ivanov, person_b=twin, probability=0.9
    )
    return {
        "boss": boss,
        "perm": perm,
        "source": source,
        "ivanov": ivanov,
        "killed": killed,
        "deletion": deletion,
        "done": done,
        "draft": draft,
        "dup": dup,
        "candidate": MatchCandidate.objects.first(),
        "entry": MatchCandidate.objects.first().entry,
        "citation": killed.citations.first(),
        "merge": Merge.objects.get(),
        "conflict": StatusConflict.objects.get(),
    }


def cases(w):
    """url name → (kwargs, POST body that does what the page's form does)."""
    i = w["ivanov"]
    return {
        "registry:person_create": ({}, {"name": "Сидоров Глеб", "birth": "1980"}),
        "registry:person_edit": ({"pk": i.pk}, {"call_sign": "Гром", "birth": "14.03.1987"}),
        "registry:person_name_add": ({"pk": i.pk}, {"text": "Sasha Ivanov"}),
        "registry:event_create": ({"person_pk": i.pk}, {"type": "contact", "role": "subject"}),
        "registry:event_edit": ({"pk": w["killed"].pk}, {"type": "killed", "start": "11.05.2023"}),
        "registry:event_delete": ({"pk": w["killed"].pk}, {"reason": "дважды"}),
        "registry:event_restore": ({"pk": w["deletion"].pk}, {"person": i.pk}),
        "registry:citation_add": ({"pk": w["killed"].pk}, {"source": w["source"].pk}),
        "registry:citation_remove": ({"pk": w["citation"].pk}, {}),
        "registry:facility_resolve": ({"pk": i.pk}, {"facility": w["perm"].pk}),
        "registry:conflict_resolve": ({"pk": w["conflict"].pk}, {"state": "death_stands"}),
        "registry:facility_create": ({}, {"type": "ИК", "number": "44"}),
        "registry:facility_edit": (
            {"pk": w["perm"].pk},
            {"type": "ИК", "number": "6", "region": "RU-PER", "regime": "strict"},
        ),
        "registry:source_create": (
            {},
            {"kind": "document", "title": "Т", "reliability": "F", "credibility": 6},
        ),
        "registry:source_edit": (
            {"pk": w["source"].pk},
            {"kind": "document", "title": "Т2", "reliability": "B", "credibility": 2},
        ),
        "lists:upload": (
            {},
            {
                "kind": "other",
                "title": "Вставка",
                "reliability": "F",
                "credibility": 6,
                "pasted": "ФИО\nСидоров Глеб\nПетров Ян\n",
            },
        ),
        "lists:start_import": (
            {"pk": w["draft"].pk},
            {k: str(v) for k, v in w["draft"].mapping.items()},
        ),
        "lists:header_row": ({"pk": w["draft"].pk}, {"header_row": "1"}),
        "lists:match": ({"pk": w["done"].pk}, {}),
        "lists:retry": ({"pk": w["draft"].pk}, {}),
        "lists:cancel": ({"pk": w["draft"].pk}, {}),
        "lists:delete": ({"pk": w["draft"].pk}, {}),
        "lists:cancel_run": ({"pk": w["candidate"].run_id}, {}),
        "lists:decide": ({"pk": w["candidate"].pk}, {"decision": "confirm"}),
        "lists:new_person": ({"pk": w["entry"].pk}, {}),
        "lists:dedupe": ({}, {}),
        "lists:duplicate_decide": ({"pk": w["dup"].pk}, {"decision": "reject"}),
        "lists:undo": ({"pk": w["merge"].pk}, {}),
    }


def _names(app: str) -> set[str]:
    resolver = get_resolver()
    sub = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == app)
    return {f"{app}:{p.name}" for p in sub.url_patterns if isinstance(p, URLPattern)}


def test_every_registry_and_lists_url_is_checked_here():
    names = _names("registry") | _names("lists")
    assert names == GET_ONLY | _case_names(), sorted(names ^ (GET_ONLY | _case_names()))


def _case_names() -> set[str]:
    class Anything:
        def __getitem__(self, key):
            return self

        pk = run_id = 1
        mapping: dict = {}

    return set(cases(Anything()))


@pytest.mark.parametrize("name", sorted(_case_names()))
def test_a_post_that_changes_data_answers_with_a_redirect(world, login, name):
    from kintrace.lists import background
    from kintrace.lists.models import JobStatus, MatchRun, PersonList

    kwargs, body = cases(world)[name]
    if name == "lists:retry":  # what Retry is for
        PersonList.objects.filter(pk=world["draft"].pk).update(status=JobStatus.FAILED)
    if name == "lists:cancel_run":  # a run alive in this process
        run = world["candidate"].run
        MatchRun.objects.filter(pk=run.pk).update(
            status=JobStatus.RUNNING, heartbeat_at=run.created_at, **background.identity()
        )
        background.claim(MatchRun, run.pk)
    c = login(world["boss"], Client())
    before = AuditEntry.objects.count()
    response = c.post(reverse(name, kwargs=kwargs), body)
    assert response.status_code < 500, name
    changed = AuditEntry.objects.count() > before
    assert changed, f"{name}: the POST of its form changed nothing ({response.status_code})"
    assert response.status_code in (302, 303), name
    assert c.get(response["Location"]).status_code == 200, name
    background.release(MatchRun, world["candidate"].run_id)
