import json

import pytest
from django.test import Client

from kintrace.intake.models import Report
from kintrace.intake.services import report_decrypt, report_open

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"


@pytest.fixture
def api():
    # Enforcing CSRF proves the public endpoints need none.
    return Client(enforce_csrf_checks=True)


def post(api, body):
    return api.post(URL, data=json.dumps(body), content_type="application/json")


def test_a_report_posted_as_json_returns_a_receipt_that_opens_it(api, org_keys):
    response = post(
        api,
        {
            "subject": {
                "name": "Смирнов Олег",
                "birth_date": "1990",
                "facility": "ИК-6",
                "region": "Омская область",
            },
            "reporter": {"name": "Ольга", "relationship": "сестра", "contact": "@olga"},
            "message": "Последний звонок был в марте.",
        },
    )
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    access = report_open(receipt=receipt)
    view = report_decrypt(access.report, access.key)
    assert access.report.channel == Report.Channel.API
    assert access.report.subject_region_code == "RU-OMS"
    assert view.private["reporter"]["contact"] == "@olga"
    assert view.private["message"] == "Последний звонок был в марте."


def test_reporter_may_be_left_out(api, org_keys):
    response = post(api, {"subject": {"name": "Смирнов"}, "message": ""})
    assert response.status_code == 201


def test_an_invalid_birth_date_names_subject_birth_date(api, org_keys):
    response = post(
        api, {"subject": {"name": "Смирнов", "birth_date": "31.02.1990"}, "message": "x"}
    )
    assert 400 <= response.status_code < 500
    assert "subject.birth_date" in response.json()["errors"]
    assert not Report.objects.exists()


def test_a_missing_name_names_subject_name(api, org_keys):
    for body in ({"subject": {}, "message": "x"}, {"subject": {"name": " "}, "message": "x"}):
        response = post(api, body)
        assert 400 <= response.status_code < 500
        assert "subject.name" in response.json()["errors"], response.json()


def test_a_missing_message_and_a_wrong_type_are_named(api, org_keys):
    assert "message" in post(api, {"subject": {"name": "A"}}).json()["errors"]
    errors = post(
        api, {"subject": {"name": "A"}, "message": "x", "reporter": {"contact": 5}}
    ).json()["errors"]
    assert "reporter.contact" in errors


def test_a_body_that_is_not_json_is_a_client_error(api, org_keys):
    response = api.post(URL, data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_the_inbox_shows_status_and_the_organisations_answers(api, org_keys):
    from kintrace.intake.models import ReportMessage, Sender
    from kintrace.intake.services import _json_encrypt

    receipt = post(api, {"subject": {"name": "Смирнов"}, "message": "x"}).json()["receipt"]
    access = report_open(receipt=receipt)
    # An answer written as staff would (the service needs a staff request; see triage tests).
    ReportMessage.objects.create(
        report=access.report,
        sender=Sender.ORGANISATION,
        body=_json_encrypt(access.key, {"text": "Ищем."}),
    )
    response = api.get(URL + "/inbox", HTTP_X_RECEIPT=receipt)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "new" and body["subject"]["name"] == "Смирнов"
    assert body["message"] == "x"
    assert [a["text"] for a in body["answers"]] == ["Ищем."]


def test_a_wrong_receipt_is_404_and_a_missing_header_a_client_error(api, org_keys):
    post(api, {"subject": {"name": "Смирнов"}, "message": "x"})
    wrong = api.get(URL + "/inbox", HTTP_X_RECEIPT="0000 " * 9 + "0001")
    assert wrong.status_code == 404
    assert 400 <= api.get(URL + "/inbox").status_code < 500


def test_the_openapi_schema_describes_both_endpoints(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/reports"]
    inbox = schema["paths"]["/api/v1/reports/inbox"]["get"]
    assert any(p["name"] == "X-Receipt" and p["in"] == "header" for p in inbox["parameters"])
    body = schema["components"]["schemas"]["ReportIn"]
    assert set(body["required"]) == {"subject", "message"}


def test_without_organisation_keys_the_api_refuses_to_store(api, db):
    response = post(api, {"subject": {"name": "Смирнов"}, "message": "x"})
    assert response.status_code == 503
    assert not Report.objects.exists()
