"""404, 500, 403 and 400 answer with a translated, styled page and a way back, on the public
side (relatives) and the staff side; the API keeps its JSON error shape."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_unknown_address_for_a_relative_is_a_russian_public_page_with_links_back(client):
    r = client.get("/report/no-such-page/")
    html = r.content.decode()
    assert r.status_code == 404 and r["Content-Language"] == "ru"
    assert "Страница не найдена" in html and "Page not found" not in html
    assert "intake/public.css" in html
    assert f'href="{reverse("intake:report")}?lang=ru"' in html
    assert f'href="{reverse("intake:inbox")}?lang=ru"' in html


def test_an_unknown_address_for_a_relative_reading_english_is_in_english(client):
    r = client.get("/report/no-such-page/?lang=en")
    html = r.content.decode()
    assert r.status_code == 404 and "Page not found" in html and "Страница" not in html
    assert f'href="{reverse("intake:report")}?lang=en"' in html


@pytest.mark.parametrize("lang,title", [("en", "Page not found"), ("ru", "Страница не найдена")])
def test_a_missing_person_for_staff_is_a_staff_page_with_the_menu(login, make_staff, lang, title):
    c = login(make_staff("caseworker"))
    r = c.get(reverse("registry:person", args=[999999]), HTTP_ACCEPT_LANGUAGE=lang)
    html = r.content.decode()
    assert r.status_code == 404 and f"<h1>{title}</h1>" in html
    assert "kintrace/base.css" in html and 'class="main-nav"' in html
    assert f'href="{reverse("web:home")}"' in html


@pytest.mark.parametrize("lang,title", [("en", "No access"), ("ru", "Нет доступа")])
def test_a_page_refused_to_an_analyst_is_a_translated_403(login, make_staff, lang, title):
    c = login(make_staff("analyst"))
    r = c.get(reverse("registry:persons"), HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 403 and f"<h1>{title}</h1>" in r.content.decode()


@pytest.mark.urls("tests.web.error_urls")
@pytest.mark.parametrize(
    "lang,title", [("en", "Something went wrong"), ("ru", "Что-то пошло не так")]
)
def test_a_fault_on_a_relatives_page_is_a_translated_500_without_a_traceback(lang, title):
    c = Client(raise_request_exception=False)
    r = c.get(f"/report/boom/?lang={lang}")
    html = r.content.decode()
    assert r.status_code == 500 and f"<h1>{title}</h1>" in html
    assert "RuntimeError" not in html and "Traceback" not in html
    assert f'href="{reverse("intake:report")}?lang={lang}"' in html


@pytest.mark.urls("tests.web.error_urls")
def test_a_fault_on_a_staff_page_links_back_to_the_start_page(login, make_staff):
    c = login(make_staff("caseworker"), Client(raise_request_exception=False))
    r = c.get("/registry/boom/", HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 500 and "Something went wrong" in html
    assert f'href="{reverse("web:home")}"' in html and "a fault inside a view" not in html
    assert reverse("intake:report") not in html  # staff are not sent to the relatives' form


def test_a_request_django_cannot_read_is_a_translated_400(login, make_staff):
    c = login(make_staff("caseworker"))
    # A forged host: Django answers 400 through handler400 (DisallowedHost).
    r = c.get(reverse("registry:search"), HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "The request could not be read" in r.content.decode()


def test_an_unknown_api_address_answers_the_apis_json_error_shape(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and list(r.json()["errors"]) == [""]
