"""Every URL the app serves, asked with hostile values, answers without a server error.

The walk reads the URL configuration itself (django.urls.get_resolver, the API's patterns
included), so a new view is walked without anyone adding it here. Each pattern is requested

* with hostile values in its path (ids that do not exist, overflow the database integer or
  are zero; paths with "..", NUL, broken UTF-8, a directory, very long strings), and
* with hostile values in every query and form parameter the code or a template names
  ("abc", "²", "١٢", "-1", "0", a 20-digit number, "", NUL, a lone surrogate, "../", 5000
  characters),

by GET and by POST, as an outsider, as an analyst and as an administrator (who reaches every
page a role can) holding the unlocked organisation key, against a small registry where ids
1..3 of every table exist.
"""

import re
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404

import kintrace
from kintrace.web.params import IdConverter

ID_CONVERTERS = (IntConverter, IdConverter)

# Sequences restart at 1, so ids 1..3 name real rows of every table on both databases.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

SRC = Path(kintrace.__file__).parent

# Values sent in query strings and form bodies, already percent-encoded as a client would
# put them on the wire ("%ED%A0%80" is a lone surrogate, U+D800, in UTF-8 form).
HOSTILE_VALUES = [
    "abc",
    quote("²"),
    quote("١٢"),
    "-1",
    "0",
    "99999999999999999999",
    "",
    "%00",
    "a%00b",
    "%ED%A0%80",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 5000,
    "%FF%FE",
    "1.5",
    "1e3",
]
HOSTILE_INTS = ["0", "99999999999999999999", "2147483648", "9223372036854775808", "000"]
HOSTILE_TEXT = [
    "",
    "abc",
    "css",
    "css/",
    "..",
    "../../etc/passwd",
    "%00",
    "a%00.css",
    "%ED%A0%80",
    "%FF",
    quote("²"),
    "x" * 3000,
    "a%2Fb",
    "./",
    "//",
]
EXISTING_IDS = ["1", "2", "3"]


def _fill_regex(regex: str) -> str:
    """A regex pattern as a template: named groups become {name}, escapes their character."""
    out, i = [], 0
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    while i < len(regex):
        if regex.startswith("(?P<", i):
            end = regex.index(">", i)
            name = regex[i + 4 : end]
            depth, j = 1, end + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append("{" + name + "}")
            i = j
        elif regex[i] == "\\":
            out.append(regex[i + 1])
            i += 2
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def _template(pattern) -> tuple[str, dict]:
    """('persons/{pk}/', {'pk': converter or None}) for one pattern or resolver prefix."""
    p = pattern.pattern
    converters = dict(getattr(p, "converters", {}))
    if hasattr(p, "_route"):
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p._route))
        return route, converters
    text = _fill_regex(p._regex)
    names = re.findall(r"\{(\w+)\}", text)
    return text, {n: converters.get(n) for n in names}


def walk(patterns=None, prefix="", converters=None):
    """Yield (template, converters, pattern) for every view in the URL configuration."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        text, conv = _template(pattern)
        conv = {**(converters or {}), **conv}
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + text, conv)
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + text, conv, pattern


def _candidates(conv) -> list[str]:
    if isinstance(conv, ID_CONVERTERS):
        return EXISTING_IDS + HOSTILE_INTS
    return HOSTILE_TEXT


def urls_for(template: str, converters: dict, pattern) -> list[str]:
    """The template filled with each hostile value (one argument varied at a time, the others
    an existing id), keeping those that the URL configuration routes to this pattern."""
    names = re.findall(r"\{(\w+)\}", template)
    base = {
        n: (EXISTING_IDS[0] if isinstance(converters.get(n), ID_CONVERTERS) else "x.css")
        for n in names
    }
    filled = [template.format(**base)]
    for name in names:
        for value in _candidates(converters.get(name)):
            filled.append(template.format(**{**base, name: value}))
    urls = []
    for url in dict.fromkeys("/" + u for u in filled):
        try:
            match = resolve(unquote(url, errors="surrogateescape"))
        except (Resolver404, ValueError):
            continue
        if match.func is pattern.callback or match.route == pattern.pattern.regex.pattern:
            urls.append(url)
        elif getattr(match.func, "__wrapped__", None) is pattern.callback:
            urls.append(url)
        elif match.url_name == pattern.name and pattern.name:
            urls.append(url)
    return urls


def parameter_names() -> list[str]:
    """Every parameter name the code reads from a request or a template puts in a form."""
    names = {"page", "next", "q", "lang", "status", "person", "c"}
    read = re.compile(r"""(?:GET|POST|post|get|data|META)(?:\.get\(|\[)\s*["'](\w+)["']""")
    for path in SRC.rglob("*.py"):
        names.update(read.findall(path.read_text(encoding="utf-8")))
    for path in SRC.rglob("*.html"):
        names.update(re.findall(r"""name=["'](\w+)["']""", path.read_text(encoding="utf-8")))

    def forms_below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from forms_below(sub)

    for form in forms_below(forms.BaseForm):
        if form.__module__.startswith("kintrace."):
            names.update(getattr(form, "base_fields", {}))
    return sorted(n for n in names if not n.startswith("HTTP_") and n.islower())


@pytest.fixture
def registry(org_keys, make_staff):
    """Three of everything: staff, facilities, sources, persons with events and citations,
    reports, cases, an imported list with match candidates, duplicate candidates, a merge."""
    from kintrace.cases.services import case_open
    from kintrace.intake.services import report_submit
    from kintrace.intake.validation import clean_report
    from kintrace.lists.services import (
        dedupe_run,
        list_import_start,
        list_upload,
        match_run,
    )
    from kintrace.registry.demo import load_demo
    from kintrace.registry.models import Person

    staff = [make_staff("coordinator", username=f"filler-{i}") for i in range(3)]
    actor = staff[0]
    load_demo(persons=12, facilities=4)
    persons = list(Person.objects.order_by("pk")[:3])
    for p in persons:
        case_open(person=p, actor=actor)
    for i in range(3):
        clean = clean_report(
            {"subject": {"name": f"Иванов Пётр {i}", "birth_date": "1990"}, "message": "тест"}
        )
        report_submit(clean=clean)
    csv = "ФИО;Дата рождения\n" + "".join(f"{p.names.first().full_text};1990\n" for p in persons)
    pl, _table = list_upload(
        data=csv.encode(), kind="hospital", title="Т", filename="t.csv", actor=actor
    )
    list_import_start(person_list=pl, mapping=pl.mapping, actor=actor, background=False)
    match_run(person_list=pl, actor=actor, threshold=0.1)
    dedupe_run(actor=actor, threshold=0.1)


@pytest.fixture
def identities(registry, make_staff, login):
    """(name, make_client) for an outsider, an analyst and an administrator holding the unlocked
    organisation key; make_client logs the same user in again after a walked logout."""
    from kintrace.security.testing import staff_with_key, unlock_client

    analyst = make_staff("analyst")
    admin = staff_with_key("admin")

    def analyst_client():
        return login(analyst, Client(raise_request_exception=False))

    def admin_client():
        c = login(admin, Client(raise_request_exception=False))
        unlock_client(c, admin)
        return c

    return [
        ("outsider", lambda: Client(raise_request_exception=False)),
        ("analyst", analyst_client),
        ("admin", admin_client),
    ]


@pytest.fixture
def jobs_do_not_start(monkeypatch):
    """Pages that start a background job (dedupe, a big match) only start it here: the jobs
    have their own tests; a thread left running would outlive this test's database."""
    from kintrace.lists import background

    monkeypatch.setattr(background, "start", lambda name, job: None)


def test_the_walk_covers_every_url_pattern_with_hostile_paths():
    found = list(walk())
    assert len(found) > 50
    for template, converters, pattern in found:
        assert urls_for(template, converters, pattern), f"no URL reaches {template}"
    names = {p.name for _t, _c, p in found}
    assert {"event_edit", "review", "static", "report_submit"} <= names


def test_no_url_answers_a_hostile_value_with_a_server_error(identities, jobs_do_not_start):
    names = parameter_names()
    failures, requests, started, spent = [], 0, time.monotonic(), {}
    shown = {who: set() for who, _make in identities}  # patterns that answered 200
    targets = [(t, urls_for(t, c, p)) for t, c, p in walk()]
    for who, make_client in identities:
        client = make_client()
        for template, urls in targets:
            t0 = time.monotonic()
            sends = [(url, "") for url in urls]
            sends += [(urls[0], value) for value in HOSTILE_VALUES]
            for url, value in sends:
                query = "&".join(f"{n}={value}" for n in names) if value else ""
                for method in ("get", "post"):
                    if method == "get":
                        response = client.get(url, QUERY_STRING=query)
                    else:
                        response = client.post(
                            url, data=query, content_type="application/x-www-form-urlencoded"
                        )
                    requests += 1
                    if response.status_code == 200:
                        shown[who].add(template)
                    if response.status_code >= 500 and response.status_code != 503:
                        failures.append(
                            f"{who} {method.upper()} {url[:80]} {value[:20]!r} -> "
                            f"{response.status_code}"
                        )
                    if who != "outsider" and "_auth_user_id" not in client.session:
                        client = make_client()  # a logout in the walk ends the session
            spent[template] = spent.get(template, 0) + time.monotonic() - t0
    elapsed = time.monotonic() - started
    slowest = sorted(spent.items(), key=lambda kv: -kv[1])[:5]
    print(
        f"{requests} requests in {elapsed:.1f} s; patterns answering 200 of {len(targets)}: "
        + str({who: len(t) for who, t in shown.items()})
        + "; slowest: "
        + ", ".join(f"{t} {s:.1f} s" for t, s in slowest)
    )
    assert not failures, "\n".join(failures[:60])
    # The walk reached the pages themselves, not only the login page: a broken login in this
    # test would otherwise pass it by never getting past the door. (The rest are POST-only
    # actions, which answer with a redirect.)
    assert len(shown["admin"]) > 0.4 * len(targets), sorted(shown["admin"])
    assert len(shown["analyst"]) < len(shown["admin"])
