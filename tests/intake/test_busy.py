"""A report that cannot be stored because the database stays busy is never lost: the form
comes back with everything typed and asks to send again."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from kintrace.intake import services
from kintrace.intake.models import Report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="SQLite's write lock",
    ),
]


def test_a_report_refused_by_a_busy_database_comes_back_with_what_was_typed(org_keys, monkeypatch):
    monkeypatch.setattr(services, "BUSY_PAUSES", (0.05, 0.05))
    client = Client()
    client.get(reverse("intake:report"))  # the connection is open: shorten its busy wait
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock throughout
    data = {
        "subject_name": "Сидоров Василий Иванович",
        "lang": "en",
        "message": "Последний звонок был 3 мая.",
    }
    try:
        response = client.post(reverse("intake:report"), data)
    finally:
        holder.rollback()
        holder.close()
    html = response.content.decode()
    assert response.status_code == 503
    assert "could not save your report just now" in html and "press Send again" in html
    assert "Сидоров Василий Иванович" in html and "Последний звонок был 3 мая." in html
    assert not Report.objects.exists()
    assert client.post(reverse("intake:report"), data).status_code == 303
    assert Report.objects.count() == 1


def test_an_api_report_refused_by_a_busy_database_is_a_503_in_the_api_error_shape(
    org_keys, monkeypatch
):
    monkeypatch.setattr(services, "BUSY_PAUSES", (0.05, 0.05))
    client = Client()
    client.get(reverse("intake:report"))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    body = {"subject": {"name": "Сидоров Василий Иванович"}, "message": "Пропал."}
    try:
        response = client.post("/api/v1/reports", body, content_type="application/json")
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.json() == {
        "errors": {"": "The database is busy; nothing was stored. Send the report again."}
    }
    assert not Report.objects.exists()
