"""No page the app renders may be kept by a browser or proxy: a shared computer's back button
or disk cache must not show a name, a receipt or a reporter's words. Walks every URL the app
has, as a caseworker and as an anonymous visitor; only static files may be cached."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kintrace.names.dates import parse_date
from kintrace.registry import services

pytestmark = pytest.mark.django_db


def every_path(patterns=None, prefix=""):
    """Every URL pattern as a path, each <converter:name> replaced by `1`."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from every_path(p.url_patterns, prefix + route.lstrip("^"))
        elif isinstance(p, URLPattern):
            if route.startswith("^"):  # a regular expression: the static files' own route
                continue
            yield "/" + prefix + re.sub(r"<[^>]+>", "1", route)


def test_the_walk_reaches_the_person_triage_case_and_list_pages():
    paths = set(every_path())
    for path in ("/registry/persons/1/", "/registry/", "/cases/", "/report/", "/lists/"):
        assert any(p.startswith(path) for p in paths), path


@pytest.mark.parametrize("who", ["caseworker", "anonymous"])
def test_every_page_says_no_store(who, make_staff, login, client):
    # Ids in the walk are all 1: person 1 exists; a 404 must say no-store as well.
    services.person_create(name="Иванов Иван", birth=parse_date("1985"), actor=None)
    c = login(make_staff("caseworker")) if who == "caseworker" else client
    checked = 0
    for path in every_path():
        response = c.get(path)
        assert "no-store" in response.get("Cache-Control", ""), (path, response.status_code)
        checked += 1
    assert checked > 40


def test_a_person_page_is_no_store_and_private(alice, login):
    person = services.person_create(name="Иванов Иван", actor=alice)
    response = login(alice).get(reverse("registry:person", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache


def test_static_files_may_still_be_cached(client):
    response = client.get("/static/kintrace/base.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"


@pytest.fixture
def alice(make_staff):
    return make_staff("caseworker", username="alice")
