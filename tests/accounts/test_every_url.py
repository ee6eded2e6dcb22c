"""Every URL the app has, requested as each kind of visitor: anonymous, analyst, caseworker,
coordinator and administrator.

The walk reads the URL configuration itself, so a view added later is checked without anyone
listing it. Every view either declares the roles it is for (`staff_required(*roles)` from
`kintrace.accounts.access`, sets `allowed_roles`) or is in PUBLIC below with the reason it is
open. Then: anonymous visitors are sent to the login page, staff of a role outside the set get
403, staff of a role inside it are let in, and an analyst never receives a page that contains a
person's name — on any URL, refused or not.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kintrace.accounts.roles import ALL_ROLES, Role
from kintrace.names.dates import parse_date

pytestmark = pytest.mark.django_db

# Views open without a staff role, each with why. Keyed by "namespace:name".
PUBLIC = {
    "web:home": "the public start page; staff are redirected to their role's own page",
    "web:static": "the app's own CSS and images",
    "web:set_language": "anyone may choose the language",
    "web:refused": "renders waitress's refusals; a 404 unless the server marked the request",
    "accounts:login": "the login form",
    "accounts:two_factor": "the second login step: checks the login itself",
    "accounts:totp_setup": "enrolling the authenticator during the first login",
    "accounts:password_change": "the forced password change during the first login",
    "accounts:logout": "ends whatever session there is",
    "intake:report": "relatives report without an account",
    "intake:receipt": "shows a reporter the receipt through a reporter token",
    "intake:receipt_done": "the reporter's 'I wrote it down'",
    "intake:inbox": "relatives read answers with their receipt",
    "intake:inbox_add": "relatives add to their report with their receipt",
    "intake:inbox_review": "relatives see and answer what staff chose to show them, by receipt",
    "intake:exit": "the quick exit",
    "intake:about_data": "what we keep, for relatives",
    "api:openapi-json": "the public intake API's schema",
    "api:report_submit": "the public intake API: submit a report",
    "api:report_inbox": "the public intake API: read the inbox with a receipt",
    "api:api-root": "the public intake API's index",
    "api_not_found": "the API's JSON 404 for any other path",
    "ops:healthz": "the load balancer's liveness check: says only ok or unavailable",
}

# Persons whose names must never reach an analyst. Distinctive, so no page shows them by chance.
NAMES = ("Зюзюкин Ерофей Пафнутьевич", "Квакин Нафанаил Поликарпович")
NAME_PARTS = ("Зюзюкин", "Zyuzyukin", "Ерофей", "Квакин", "Kvakin", "Нафанаил")


def every_view(patterns=None, prefix="", namespace=""):
    """(name, route, callback) of every URL pattern; name is "namespace:name"."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from every_view(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = namespace + p.name if p.name else f"{p.callback.__module__}.{p.lookup_str}"
            yield name, prefix + str(p.pattern), p.callback


def describe(name, route, callback) -> str:
    return f"{name} (/{route}, {callback.__module__}.{getattr(callback, '__name__', '?')})"


def test_every_view_declares_its_roles_or_is_listed_public():
    problems = []
    seen = set()
    for name, route, callback in every_view():
        seen.add(name)
        roles = getattr(callback, "allowed_roles", None)
        if name in PUBLIC:
            if roles is not None:
                problems.append(
                    f"{describe(name, route, callback)} is listed in PUBLIC but declares roles "
                    f"{list(roles)}: remove it from PUBLIC"
                )
            continue
        if roles is None:
            problems.append(
                f"{describe(name, route, callback)} declares no role set: wrap it in "
                "kintrace.accounts.access.staff_required(*roles) (roles from "
                "kintrace.accounts.roles), or add it to PUBLIC in this file with the reason it "
                "is open to anyone"
            )
        elif not roles or any(r not in ALL_ROLES for r in roles):
            problems.append(f"{describe(name, route, callback)} declares unknown roles {roles}")
    stale = sorted(set(PUBLIC) - seen)
    if stale:
        problems.append(f"PUBLIC names views that no longer exist: {stale}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def world(login):
    """One client per role (logged in, two-factor verified, the organisation key unlocked as
    a real login leaves it), and persons, a case, a report, a list, a facility, a source and an
    event to request."""
    from kintrace.cases.services import case_open
    from kintrace.lists.services import list_upload
    from kintrace.registry.services import (
        event_create,
        facility_create,
        person_create,
        source_create,
    )
    from kintrace.security.testing import staff_with_key, unlock_client
    from tests.intake.helpers import make_report

    users = {role: staff_with_key(role, username=f"walk-{role}") for role in ALL_ROLES}
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = login(user, Client())
        unlock_client(clients[role], user)
    actor = users[Role.CASEWORKER]
    person = person_create(name=NAMES[0], birth=parse_date("1984"), actor=actor)
    facility = facility_create(type="ИК", number="17", actor=actor)
    source = source_create(
        kind="official_list", title="Список", reliability="B", credibility=2, actor=actor
    )
    event = event_create(type="contact", actor=actor, persons=[person], citations=[source])
    case, _created = case_open(person=person, actor=actor)
    report, _receipt = make_report(subject_name=NAMES[1])
    person_list, _table = list_upload(
        data=f"ФИО;Год\n{NAMES[0]};1984\n".encode(), kind="hospital", title="Список", actor=actor
    )
    ids = {
        "user_id": users[Role.CASEWORKER].pk,
        "registry:person": person.pk,
        "registry:event": event.pk,
        "registry:facility": facility.pk,
        "registry:source": source.pk,
        "registry:citation": event.citations.get().pk,
        "cases:": case.pk,
        "intake:": report.pk,
        "lists:": person_list.pk,
    }
    return clients, ids, person


def sample_path(name: str, route: str, ids: dict) -> str | None:
    """The route with every <id:…> filled by an id of the fixture's rows (a 404 is as good as a
    page for a refusal); None for the static files' regular expression."""
    if route.startswith("^") or "(?P" in route:
        return None

    def fill(match):
        kwarg = match.group(1)
        if kwarg in ids:
            return str(ids[kwarg])
        for key in sorted(ids, key=len, reverse=True):  # the longest prefix of the name
            if name.startswith(key):
                return str(ids[key])
        return str(ids["registry:person"])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def fetch(client, path):
    """GET, or for a POST-only view (405) an empty POST: a refusal comes before any work."""
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    return response


def test_each_role_is_let_into_its_views_refused_the_others_and_analysts_never_see_a_name(
    world,
):
    """Refused: 302 to the login page (anonymous) or 403 (a role outside the set), POST-only
    views asked with an empty POST (the refusal comes before any work). Let in: GET only, so
    nothing changes; a 404 for a sample id is fine, a 403 or a login redirect is not. Every
    answer the analyst gets is searched for the persons' names."""
    clients, ids, person = world
    # The name search is not vacuous: it finds the name where the page shows it.
    own_page = reverse("registry:person", kwargs={"pk": person.pk})
    assert "Зюзюкин" in clients[Role.CASEWORKER].get(own_page).content.decode()
    login_url = reverse(settings.LOGIN_URL)
    problems = []
    checked = 0
    for name, route, callback in every_view():
        path = sample_path(name, route, ids)
        if path is None:
            continue
        roles = getattr(callback, "allowed_roles", None)
        for who, client in clients.items():
            if roles is None or who in roles:
                response = client.get(path)
                location = response.get("Location", "") if response.status_code == 302 else ""
                if roles is not None and (
                    response.status_code == 403 or location.startswith(login_url)
                ):
                    problems.append(
                        f"{who} was not let into {name} {path} (for {list(roles)}): "
                        f"{response.status_code}"
                    )
            elif who == "anonymous":
                response = fetch(client, path)
                if not (response.status_code == 302 and response["Location"].startswith(login_url)):
                    problems.append(
                        f"anonymous was not sent to the login page from {name} {path}: "
                        f"{response.status_code}"
                    )
            else:
                response = fetch(client, path)
                if response.status_code != 403:
                    problems.append(
                        f"{who} was not refused {name} {path} (for {list(roles)}): "
                        f"{response.status_code}"
                    )
            if who == Role.ANALYST:
                body = b"".join(response) if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                shown = [part for part in NAME_PARTS if part in text]
                if shown:
                    problems.append(f"the analyst received a name ({shown}) from {name} {path}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 300, checked
