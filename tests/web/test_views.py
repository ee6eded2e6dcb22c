import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_post_without_its_form_cookie_explains_in_russian_that_nothing_was_sent():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", {"subject_name": "Иванов"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'lang="ru"' in body
    assert "Nothing was sent" not in body  # translated, not the English source
    assert "ничего не отправлено" in body.lower()


def test_static_files_are_served_by_the_app_itself(client):
    from django.contrib.staticfiles import finders

    response = client.get("/static/intake/public.css")
    assert response.status_code == 200
    with open(finders.find("intake/public.css"), "rb") as f:
        assert b"".join(response.streaming_content) == f.read()


def test_a_path_that_climbs_out_of_static_is_refused(client):
    assert client.get("/static/../settings.py").status_code == 404


def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_home_offers_an_anonymous_visitor_the_report_form_the_inbox_and_staff_login(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/report/?lang=ru"' in html and 'href="/report/inbox/?lang=ru"' in html
    assert 'href="/accounts/login/"' in html and 'lang="ru"' in html
    english = client.get("/?lang=en").content.decode()
    assert "Report a missing person" in english and "Staff login" in english


def test_home_sends_a_caseworker_to_person_search(client, make_staff, login):
    login(make_staff("caseworker"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/registry/"


def test_home_sends_an_analyst_to_the_numbers_and_never_to_names(client, make_staff, login):
    login(make_staff("analyst"))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/numbers/"


def test_a_refused_page_explains_itself_in_russian_without_data(client, make_staff, login):
    login(make_staff("analyst"))
    response = client.get("/registry/?q=ivanov")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Нет доступа" in body and "Иванов" not in body
