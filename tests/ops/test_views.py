"""/healthz tells a monitor whether kintrace answers, and nothing else."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_and_says_nothing_about_the_deployment(client, settings):
    response = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert "Server" not in response and "X-Powered-By" not in response
    assert client.post("/healthz").status_code == 405


def test_healthz_says_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    # A database that refuses every query: the connection's cursor raises as a dead server's.
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.content == b"unavailable\n"
