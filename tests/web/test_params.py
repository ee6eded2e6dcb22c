"""Ids read as ASCII digits in range, "next" as a local path, and NUL refused before any view.

The pages named in issue 9 (event edit's ?person=, the review page's ?c=, two-factor's
?next=, /static/ as a directory, a NUL in a search) are asked here directly; the walk in
test_hostile_urls.py asks every other page the same way.
"""

import re

import pytest
from django.test import Client, RequestFactory

from kintrace.web.params import MAX_ID, id_or_404, id_or_none, local_path_or_empty


@pytest.mark.parametrize("value", ["1", "42", "007", str(MAX_ID)])
def test_ascii_digits_in_range_are_an_id(value):
    assert id_or_none(value) == int(value)
    assert id_or_404(value) == int(value)


@pytest.mark.parametrize(
    "value",
    [
        "²",
        "١٢",
        "１２",
        "߁",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "0",
        "000",
        "",
        "abc",
        str(MAX_ID + 1),
        "99999999999999999999",
        "1\x00",
        None,
        5,
        b"1",
    ],
)
def test_anything_else_is_not_an_id(value):
    from django.http import Http404

    assert id_or_none(value) is None
    with pytest.raises(Http404):
        id_or_404(value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/registry/", "/registry/"),
        ("/cases/1/?x=1", "/cases/1/?x=1"),
        ("abc", ""),
        ("registry:search", ""),
        ("//evil.example/", ""),
        ("/\\evil.example/", ""),
        ("https://evil.example/", ""),
        ("http://testserver/", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_next_is_kept_only_when_it_is_a_path_on_this_site(url, expected):
    request = RequestFactory().get("/")
    assert local_path_or_empty(request, url) == expected


# --- NUL, before any view -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "page=1&q=%00", "%00=1", "q=a\x00"])
def test_a_nul_in_the_query_string_is_a_400_that_says_why(query):
    response = Client(raise_request_exception=False).get(
        "/registry/sources/", QUERY_STRING=query, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The styled, translated 400 page (web/errors.py), saying why, with a way back.
    assert "The request holds a NUL character, which no field may contain." in html
    assert "<h1>The request could not be read</h1>" in html
    # refused before anyone is known: a staff address keeps the staff look, and a staff
    # member is not sent to the relatives' form; the relatives' pages keep theirs
    assert 'href="/report/' not in html
    public = Client(raise_request_exception=False).get(
        "/report/inbox/", QUERY_STRING=query, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert public.status_code == 400 and 'href="/report/?lang=' in public.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_url_encoded_form_or_the_path_is_a_400():
    client = Client(raise_request_exception=False)
    posted = client.post(
        "/accounts/login/",
        data="username=a%00&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert posted.status_code == 400
    assert client.get("/static/a%00.css").status_code == 400


@pytest.mark.django_db
def test_a_percent_sign_written_as_text_is_not_a_nul(make_staff, login, client):
    login(make_staff("caseworker"))
    assert client.get("/registry/sources/", {"q": "%00"}).status_code == 200  # sent as %2500


@pytest.mark.django_db
def test_a_multipart_form_keeps_its_own_check_of_nul(client):
    # The middleware leaves multipart bodies to the forms (files may hold any byte); the
    # login form refuses the NUL itself, as a field error, not a 500.
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_nul_in_a_search_on_postgresql_or_sqlite_is_refused_not_a_500(make_staff, login, client):
    login(make_staff("caseworker"))
    client.raise_request_exception = False
    for url in (
        "/registry/?q=%D0%98%00",
        "/registry/sources/?q=%00",
        "/cases/?status=%00",
        "/report/triage/?status=new%00",
    ):
        assert client.get(url).status_code == 400, url


# --- the pages from the issue ---------------------------------------------------------------


@pytest.fixture
def event(make_staff):
    from kintrace.registry.demo import load_demo
    from kintrace.registry.models import Event

    load_demo(persons=3, facilities=2)
    return Event.objects.filter(participants__isnull=False).first()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "person", ["abc", "%C2%B2", "%D9%A1%D9%A2", "-1", "99999999999999999999", "%ED%A0%80", "1.5"]
)
def test_event_edit_ignores_a_person_that_is_not_an_id(event, make_staff, login, client, person):
    login(make_staff("caseworker"))
    client.raise_request_exception = False
    url = f"/registry/events/{event.pk}/edit/"
    assert client.get(url, QUERY_STRING=f"person={person}").status_code == 200
    back = client.post(
        url,
        QUERY_STRING=f"person={person}",
        data=f"person={person}&type=bogus",
        content_type="application/x-www-form-urlencoded",
    )
    assert back.status_code in (200, 302)


@pytest.mark.django_db
def test_event_edit_goes_back_to_the_person_it_was_opened_from(event, make_staff, login, client):
    login(make_staff("coordinator"))
    person_id = event.participants.first().person_id
    page = client.get(f"/registry/events/{event.pk}/edit/?person={person_id}")
    assert f'href="/registry/persons/{person_id}/"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/static/", "/static/intake/", "/static/./"])
def test_a_static_directory_is_a_404(client, path):
    client.raise_request_exception = False
    assert client.get(path).status_code == 404
    # An absolute path inside is Django's SuspiciousFileOperation: a 400, also no 500.
    assert client.get(path + "/").status_code in (400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["abc", "registry:search", "%C2%B2", "//evil.example/"])
def test_two_factor_with_a_next_that_is_not_a_path_goes_home(make_staff, login, client, next_url):
    login(make_staff("caseworker"))
    client.raise_request_exception = False
    response = client.get("/accounts/two-factor/", QUERY_STRING=f"next={next_url}")
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.fixture
def done_list(make_staff):
    from kintrace.lists.services import list_import_start, list_upload

    actor = make_staff("caseworker", username="lister")
    pl, _table = list_upload(
        data="ФИО;Дата рождения\nИванов Иван;1990\n".encode(),
        kind="hospital",
        title="Т",
        filename="t.csv",
        actor=actor,
    )
    return list_import_start(person_list=pl, mapping=pl.mapping, actor=actor, background=False)


@pytest.mark.django_db
@pytest.mark.parametrize("c", ["%C2%B2", "abc", "-1", "0", "99999999999999999999"])
def test_the_review_page_answers_404_for_a_candidate_that_is_not_an_id(
    done_list, make_staff, login, client, c
):
    login(make_staff("caseworker"))
    client.raise_request_exception = False
    response = client.get(f"/lists/{done_list.pk}/review/", QUERY_STRING=f"c={c}")
    assert response.status_code == 404
    assert client.get(f"/lists/{done_list.pk}/review/").status_code == 200


@pytest.mark.django_db
def test_an_outsider_is_still_sent_to_log_in_before_any_id_is_read(client, event):
    response = client.get(f"/registry/events/{event.pk}/edit/?person=abc")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_no_view_parses_a_number_by_itself():
    # The rule as a check: views read numbers through kintrace.web.params, never with
    # int() or str.isdigit()/isnumeric(), which accept digits int() cannot read or a
    # database cannot store.
    from pathlib import Path

    import kintrace

    offending = []
    for path in Path(kintrace.__file__).parent.rglob("views*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\bint\(|\.isdigit\(|\.isnumeric\(|\.isdecimal\(", code):
                offending.append(f"{path.name}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)


def test_no_url_pattern_takes_djangos_unbounded_int_converter():
    # <int:…> matches 20 digits and overflows the database integer inside a query; every id
    # in a kintrace URL is <id:…>, which stops at the largest BIGINT.
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                yield route

    assert [r for r in walk(get_resolver().url_patterns) if "<int:" in r] == []


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_is_a_404(client, make_staff, login):
    login(make_staff("admin"))
    for url in (
        "/lists/99999999999999999999/",
        "/lists/9223372036854775808/",
        "/registry/persons/9223372036854775808/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/registry/persons/9223372036854775807/").status_code == 404
