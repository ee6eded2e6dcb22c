"""The API's rules for every request: JSON bodies only, and one error shape for every failure
(`{"errors": {"<field path>": "<message>"}}`), each status documented in the schema."""

import json

import pytest
from django.test import Client

from kintrace.intake.models import Report

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"
GOOD = {"subject": {"name": "Смирнов Олег"}, "message": "Последний звонок был в марте."}


@pytest.fixture
def api():
    # Enforcing CSRF, as a browser's cross-site request would meet it; no exception is
    # raised into the test, so a 500 is seen as the client would see it.
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def error_shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], body
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in body["errors"].items())
    return body["errors"]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        "",
    ],
)
def test_a_body_that_is_not_sent_as_json_is_refused_with_415(api, org_keys, content_type):
    # text/plain, url-encoded and multipart are what a page on any other site can make a
    # visitor's browser send without asking; the report must not be filed.
    response = api.post(URL, data=json.dumps(GOOD), content_type=content_type)
    assert response.status_code == 415
    assert "" in error_shape(response)
    assert not Report.objects.exists()


def test_json_with_a_charset_is_accepted(api, org_keys):
    response = api.post(URL, data=json.dumps(GOOD), content_type="application/json; charset=utf-8")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe{}",
        b"[",
        b"nul",
        b"[" * 200_000 + b"]" * 200_000,
        b'{"message": ' + b"9" * 5000 + b"}",
    ],
)
def test_a_body_that_is_not_json_is_a_400_in_the_error_shape(api, org_keys, body):
    # Among them: nesting deeper than the parser's recursion, and a number longer than Python
    # converts.
    response = api.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "" in error_shape(response)


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_json_that_is_not_an_object_is_a_400(api, org_keys, body):
    response = api.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    error_shape(response)


def test_a_body_over_the_size_limit_is_a_413_in_the_error_shape(api, org_keys, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {**GOOD, "message": "x" * 20_000}
    response = api.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 413
    assert "" in error_shape(response)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "subject.name",
        "subject.facility",
        "subject.birth_date",
        "subject.region",
        "reporter.name",
        "reporter.contact",
        "reporter.relationship",
        "message",
    ],
)
@pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "a\x00b"])
def test_a_lone_surrogate_or_nul_in_any_text_field_is_a_400_naming_it(api, org_keys, path, bad):
    body = json.loads(json.dumps(GOOD))
    body["reporter"] = {}
    section, _dot, name = path.rpartition(".")
    (body[section] if section else body)[name] = bad
    # json.dumps writes the lone surrogate as the escape "\ud800": valid JSON, no character.
    response = api.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert path in error_shape(response)
    assert not Report.objects.exists()


@pytest.mark.parametrize("name", ["", " ", "\n\t", "\u3000"])
def test_an_empty_name_is_a_400_naming_subject_name(api, org_keys, name):
    response = api.post(
        URL, data=json.dumps({**GOOD, "subject": {"name": name}}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "subject.name" in error_shape(response)


def test_a_missing_field_is_a_400_not_an_undocumented_422(api, org_keys):
    response = api.post(
        URL, data=json.dumps({"subject": {"name": "A"}}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "message" in error_shape(response)
    missing_header = api.get(URL + "/inbox")
    assert missing_header.status_code == 400
    assert "X-Receipt" in error_shape(missing_header)


def test_a_nul_in_the_query_string_is_a_400_in_the_error_shape(api, org_keys):
    response = api.get(URL + "/inbox", QUERY_STRING="x=%00", HTTP_X_RECEIPT="1")
    assert response.status_code == 400
    assert "" in error_shape(response)


def test_an_unknown_path_and_an_unknown_method_answer_in_the_error_shape(api):
    for response in (
        api.get("/api/v1/nothing"),
        api.post("/api/v1/nothing/", data={}),
        api.get(URL + "/inbox/x"),
    ):
        assert response.status_code == 404
        error_shape(response)
    response = api.put(URL, data=json.dumps(GOOD), content_type="application/json")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    error_shape(response)


def test_throttled_receipts_answer_429_in_the_error_shape(api, org_keys):
    from django.utils import timezone

    from kintrace.intake.models import ReceiptThrottle

    # The shared bucket as a run of wrong guesses leaves it: full.
    ReceiptThrottle.objects.update_or_create(
        pk=1, defaults={"level": 10**9, "updated_at": timezone.now()}
    )
    response = api.get(URL + "/inbox", HTTP_X_RECEIPT="0000 " * 9 + "0001")
    assert response.status_code == 429
    assert "X-Receipt" in error_shape(response)


def test_the_schema_documents_every_error_status_with_the_one_shape(api):
    schema = api.get("/api/v1/openapi.json").json()
    submit = schema["paths"]["/api/v1/reports"]["post"]["responses"]
    inbox = schema["paths"]["/api/v1/reports/inbox"]["get"]["responses"]
    assert {"201", "400", "413", "415", "503"} <= set(submit)
    assert {"200", "400", "404", "429"} <= set(inbox)
    assert "422" not in submit and "422" not in inbox
    for responses in (submit, inbox):
        for status, answer in responses.items():
            if status.startswith(("4", "5")):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorsOut")
    assert (
        "application/json" in schema["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]
    )


def test_the_schema_states_the_rules_the_code_enforces(api):
    from kintrace.intake.validation import LIMITS

    components = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    name = components["SubjectIn"]["properties"]["name"]
    assert name["maxLength"] == LIMITS["subject.name"]
    assert r"[^\x00\s]" in name["pattern"]  # something besides white space, and no NUL
    message = components["ReportIn"]["properties"]["message"]
    assert message["maxLength"] == LIMITS["message"]
    assert message["pattern"] == r"^[^\x00]*$"


@pytest.mark.parametrize("reporter", ['"Мама, тел. 123"', "5", "false", '[{"name": "Мама"}]'])
def test_a_reporter_that_is_not_an_object_is_refused_not_dropped(client, org_keys, reporter):
    from kintrace.intake.models import Report

    body = f'{{"subject": {{"name": "Иванов"}}, "message": "x", "reporter": {reporter}}}'
    response = client.post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"reporter": "must be an object"}}
    assert not Report.objects.exists()
