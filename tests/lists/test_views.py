"""The lists pages: who may open them, and the upload → mapping → review flow without JS."""

import pytest
from django.urls import reverse

from kintrace.lists.models import Decision, JobStatus, MatchCandidate, PersonList

from .conftest import HOSPITAL_CSV

GET_VIEWS = [
    ("lists:index", {}),
    ("lists:upload", {}),
    ("lists:duplicates", {}),
    ("lists:merges", {}),
]


@pytest.fixture
def logged_in(login, caseworker):
    return login(caseworker)


@pytest.mark.parametrize("name,kwargs", GET_VIEWS)
def test_analysts_and_anonymous_visitors_are_refused(client, login, make_staff, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 302  # to the login page
    login(make_staff("analyst"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["admin", "coordinator", "caseworker"])
def test_name_roles_may_open_the_lists_pages(client, login, make_staff, role):
    login(make_staff(role))
    for name, kwargs in GET_VIEWS:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_every_list_view_is_refused_to_an_analyst(client, login, make_staff, import_list):
    pl = import_list()
    login(make_staff("analyst"))
    for name in (
        "lists:detail",
        "lists:review",
        "lists:unmatched",
        "lists:match",
        "lists:start_import",
    ):
        assert client.get(reverse(name, kwargs={"pk": pl.pk})).status_code == 403
    for name in ("lists:decide", "lists:new_person", "lists:duplicate_decide", "lists:undo"):
        assert client.post(reverse(name, kwargs={"pk": 1})).status_code == 403
    assert client.post(reverse("lists:dedupe")).status_code == 403


def _upload(client, data: bytes, name="list.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {
        "kind": "hospital",
        "title": "Госпиталь",
        "reliability": "C",
        "credibility": 3,
        "file": SimpleUploadedFile(name, data),
        **extra,
    }
    return client.post(reverse("lists:upload"), form)


def test_upload_shows_a_preview_with_guessed_columns_then_imports(client, logged_in):
    r = _upload(client, HOSPITAL_CSV.encode("cp1251"))
    pl = PersonList.objects.get()
    assert r.url == reverse("lists:detail", kwargs={"pk": pl.pk})
    page = client.get(r.url).content.decode()
    assert "Иванов Александр Сергеевич" in page
    assert '<option value="0" selected>1: ФИО</option>' in page
    r = client.post(
        reverse("lists:start_import", kwargs={"pk": pl.pk}),
        {
            "name": "0",
            "birth_date": "1",
            "facility": "2",
            "region": "3",
            "event_date": "4",
            "place": "5",
        },
    )
    pl.refresh_from_db()
    assert pl.status == JobStatus.DONE
    assert pl.entry_count == 3


def test_bad_rows_are_listed_on_the_page_with_their_lines(client, logged_in):
    _upload(client, (HOSPITAL_CSV + ";1980;;;;\n").encode())
    pl = PersonList.objects.get()
    client.post(
        reverse("lists:start_import", kwargs={"pk": pl.pk}), {"name": "0", "birth_date": "1"}
    )
    page = client.get(reverse("lists:detail", kwargs={"pk": pl.pk})).content.decode()
    assert '<td class="num">5</td>' in page
    assert "ничего не импортировано" in page  # the default language is Russian


def test_re_uploading_the_same_file_names_the_earlier_import(client, logged_in, import_list):
    first = import_list()
    r = _upload(client, HOSPITAL_CSV.encode())
    assert r.status_code == 200
    assert first.title in r.content.decode()


def test_a_file_over_the_limit_is_refused_on_the_form(client, logged_in, settings):
    settings.KINTRACE_MAX_LIST_BYTES = 50
    r = _upload(client, HOSPITAL_CSV.encode())
    assert r.status_code == 200
    assert "МБ" in r.content.decode()
    assert not PersonList.objects.exists()


def test_pasted_rows_can_be_imported(client, logged_in):
    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "other",
            "title": "из чата",
            "reliability": "F",
            "credibility": 6,
            "pasted": "ФИО\tГод рождения\nИванов Иван\t1980\n",
        },
    )
    pl = PersonList.objects.get()
    assert r.url == reverse("lists:detail", kwargs={"pk": pl.pk})
    assert pl.mapping == {"name": 0, "birth_date": 1}


def test_review_session_without_javascript(client, logged_in, import_list, person):
    ivanov = person("Иванов Александр Сергеевич", "14.03.1987")
    person("Петров Пётр Петрович", "1990")
    pl = import_list()
    r = client.post(reverse("lists:match", kwargs={"pk": pl.pk}))
    assert r.url == reverse("lists:review", kwargs={"pk": pl.pk})
    page = client.get(r.url).content.decode()
    assert "Иванов Александр Сергеевич" in page
    assert 'data-key="c"' in page
    first = MatchCandidate.objects.filter(entry__person_list=pl).order_by("-probability").first()
    assert f'data-candidate="{first.pk}"' in page
    r = client.post(reverse("lists:decide", kwargs={"pk": first.pk}), {"decision": "confirm"})
    assert r.url == reverse("lists:review", kwargs={"pk": pl.pk})
    first.refresh_from_db()
    assert first.decision == Decision.CONFIRMED
    page = client.get(reverse("registry:person", kwargs={"pk": first.person_id})).content
    assert "Госпиталь, май 2023" in page.decode()
    nxt = MatchCandidate.objects.filter(entry__person_list=pl, decision="open").first()
    client.post(reverse("lists:decide", kwargs={"pk": nxt.pk}), {"decision": "reject"})
    nxt.refresh_from_db()
    assert nxt.decision == Decision.REJECTED
    assert ivanov.pk in (first.person_id, nxt.person_id)


# The review page's queries (session, user, OTP device, the list, a page of candidates with
# their persons): 17 today, whatever the number of candidates
QUERIES = 25


def test_the_review_page_takes_the_same_few_queries_however_many_candidates(
    client, logged_in, import_list, person, django_assert_max_num_queries
):
    # Speed is measured by bench/ (docs/benchmarks.md), not timed here: what a test can hold
    # is that the page does not query per candidate.
    person("Иванов Александр Сергеевич", "14.03.1987")
    for i, name in enumerate(["Иванов Алексей Сергеевич", "Иванова Александра", "Иванов А.С."]):
        person(name, f"1{i}.03.1987")
    pl = import_list()
    client.post(reverse("lists:match", kwargs={"pk": pl.pk}))
    url = reverse("lists:review", kwargs={"pk": pl.pk})
    assert pl.entries.filter(candidates__isnull=False).count() >= 1
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url).status_code == 200


def test_unmatched_entry_becomes_a_person_from_the_page(client, logged_in, import_list):
    pl = import_list()
    page = client.get(reverse("lists:unmatched", kwargs={"pk": pl.pk})).content.decode()
    assert "Сидоров Василий Иванович" in page
    entry = pl.entries.get(line=4)
    client.post(reverse("lists:new_person", kwargs={"pk": entry.pk}))
    entry.refresh_from_db()
    assert entry.person is not None


def test_duplicates_merge_and_undo_from_the_pages(client, logged_in, person, caseworker):
    from kintrace.lists.models import DuplicateCandidate, Merge
    from kintrace.lists.services import dedupe_run

    a = person("Иванов Александр Сергеевич", "14.03.1987")
    b = person("ИВАНОВ А.С.", "14.03.1987")
    dedupe_run(actor=caseworker, threshold=0.5)
    c = DuplicateCandidate.objects.get()
    page = client.get(reverse("lists:duplicates")).content.decode()
    assert f'data-candidate="{c.pk}"' in page
    client.post(
        reverse("lists:duplicate_decide", kwargs={"pk": c.pk}), {"decision": "merge", "keep": "a"}
    )
    b.refresh_from_db()
    assert b.merged_into == a
    merge = Merge.objects.get()
    undo_url = reverse("lists:undo", kwargs={"pk": merge.pk})
    assert undo_url in client.get(reverse("lists:merges")).content.decode()
    client.post(undo_url)
    b.refresh_from_db()
    assert b.merged_into is None
