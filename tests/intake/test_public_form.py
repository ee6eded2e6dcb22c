import re

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.intake.models import Report
from kintrace.security.receipts import ReceiptUnreadable, receipt_normalise

from .helpers import image_bytes, make_report

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r'id="receipt">([^<]+)<')


def submit(client, **fields):
    """Post the form and follow its redirect to the receipt page, as a browser does."""
    data = {
        "subject_name": "Петров Пётр Петрович",
        "message": "Пропал после звонка.",
        "lang": "ru",
        **fields,
    }
    return client.post(reverse("intake:report"), data, follow=True)


def receipt_of(response) -> str:
    return RECEIPT.search(response.content.decode()).group(1).strip()


def open_inbox(client, receipt, **extra):
    return client.post(reverse("intake:inbox"), {"receipt": receipt, **extra}, follow=True)


def test_the_form_is_russian_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("intake:report"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html and 'name="lang" value="ru"' in html
    assert response["Content-Language"] == "ru"


def test_the_form_speaks_english_when_asked(client):
    html = client.get(reverse("intake:report") + "?lang=en").content.decode()
    assert 'lang="en"' in html and "His full name" in html


def test_cookies_are_the_csrf_cookie_and_a_receipt_token_that_die_with_the_browser(org_keys):
    client = Client(enforce_csrf_checks=True)
    response = client.get(reverse("intake:report"))
    assert set(response.cookies) == {"csrftoken"}
    cookie = response.cookies["csrftoken"]
    assert not cookie["max-age"] and not cookie["expires"]
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    ).group(1)
    posted = client.post(
        reverse("intake:report"),
        {"csrfmiddlewaretoken": token, "subject_name": "Петров", "message": "..."},
    )
    assert posted.status_code == 303
    assert set(posted.cookies) <= {"csrftoken", "kt_receipt"}
    receipt_cookie = posted.cookies["kt_receipt"]
    assert not receipt_cookie["max-age"] and not receipt_cookie["expires"]
    assert receipt_cookie["httponly"] and receipt_cookie["samesite"] == "Strict"
    assert receipt_cookie["path"] == "/report/"
    assert "no-store" in posted["Cache-Control"]


def test_a_post_without_the_csrf_token_is_refused(org_keys):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("intake:report"), {"subject_name": "Петров"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_report_is_stored_and_its_receipt_shown_once(client, org_keys):
    response = submit(
        client,
        subject_birth_date="14.03.1987",
        subject_facility="ИК-2",
        subject_region="Пермский край",
        details_what_happened=["contact", "missing"],
        reporter_contact="+7 900 000-00-00",
    )
    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 303
    receipt = receipt_of(response)
    assert len(receipt.split()) == 11
    report = Report.objects.get()
    assert report.subject_name == "Петров Пётр Петрович"
    assert report.subject_region_code == "RU-PER"
    assert receipt.replace(" ", "") not in str(report.receipt_lookup)
    assert AuditEntry.objects.filter(action="report.submit", actor=None).count() == 1


def test_a_validation_error_keeps_everything_typed_and_names_the_problem(client, org_keys):
    response = submit(
        client,
        subject_birth_date="31.02.1987",
        message="Длинная история",
        reporter_contact="tg: @mama",
        details_what_happened=["wounded"],
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Длинная история" in html and "tg: @mama" in html and 'value="31.02.1987"' in html
    assert re.search(r'value="wounded"[^>]*checked', html)
    assert "14.03.1987" in html  # the message says how to write the date
    assert not Report.objects.exists()


def test_the_reporter_comes_back_with_the_receipt_and_adds_information(client, org_keys):
    receipt = receipt_of(submit(client))
    inbox = open_inbox(client, receipt)
    assert inbox.status_code == 200
    assert "Пропал после звонка." in inbox.content.decode()
    added = client.post(
        reverse("intake:inbox_add"),
        {
            "message": "Нашли фото из госпиталя.",
            "attachments": [_upload("photo.jpg", image_bytes())],
        },
        follow=True,
    )
    assert added.status_code == 200 and added.redirect_chain[0][1] == 303
    assert "Нашли фото из госпиталя." in added.content.decode()
    report = Report.objects.get()
    assert report.messages.count() == 1 and report.attachments.count() == 1


def test_the_receipt_works_typed_in_capitals_with_dashes_and_extra_spaces(client, org_keys):
    receipt = receipt_of(submit(client))
    for typed in (
        receipt.upper(),
        "  " + receipt.replace(" ", " - ") + "\n",
        receipt.replace(" ", ",  "),
    ):
        response = client.post(reverse("intake:inbox"), {"receipt": typed})
        assert response.status_code == 303, typed


def test_the_receipt_works_typed_without_the_spaces_the_help_says_do_not_matter(client, org_keys):
    receipt = receipt_of(submit(client))
    words = receipt.split()
    typed = "".join(words[:6]) + " " + "".join(words[6:])
    try:
        receipt_normalise(typed)
    except ReceiptUnreadable as e:  # list words that join into others: asked for spaces
        assert e.code == "spaces"
        response = client.post(reverse("intake:inbox"), {"receipt": typed})
        assert "Поставьте пробел между словами" in response.content.decode()
        return
    response = client.post(reverse("intake:inbox"), {"receipt": typed})
    assert response.status_code == 303


def test_a_receipt_with_a_word_too_many_says_how_many_words_were_read(client, org_keys):
    receipt = receipt_of(submit(client))
    response = client.post(reverse("intake:inbox"), {"receipt": receipt + " " + receipt.split()[0]})
    html = response.content.decode()
    assert "мы прочитали 12 слов" in html and "не повторено ли" in html


def test_a_wrong_receipt_shows_the_same_form_with_a_message(client, org_keys):
    receipt = receipt_of(submit(client))
    words = receipt.split()
    wrong = " ".join([words[1], words[0], *words[2:]])
    response = client.post(reverse("intake:inbox"), {"receipt": wrong})
    assert response.status_code == 404
    assert 'name="receipt"' in response.content.decode()
    assert "Пропал после звонка." not in response.content.decode()


def test_the_receipt_never_appears_in_a_url(client, org_keys):
    response = submit(client)
    receipt = receipt_of(response)
    urls = [url for url, _status in response.redirect_chain]
    urls += re.findall(r'(?:href|action|src)="([^"]*)"', response.content.decode())
    for word in receipt.split():
        assert not any(word in url for url in urls)


def test_without_organisation_keys_nothing_is_stored_and_the_page_says_so(client, db):
    response = submit(client)
    assert response.status_code == 503
    assert not Report.objects.exists()


def test_the_public_pages_load_nothing_from_elsewhere(client):
    html = client.get(reverse("intake:report")).content.decode()
    # One script of our own (the quick exit), no inline script or style.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/intake/exit.js" defer>']
    assert "style=" not in html and "onclick" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def _upload(name, data, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_css_is_served_by_the_app(client):
    response = client.get("/static/intake/public.css")
    assert response.status_code == 200


def test_make_report_helper_round_trips(org_keys):
    report, receipt = make_report()
    assert report.pk and len(receipt.split()) == 11


def test_the_receipt_page_offers_no_language_switch_that_would_lose_the_receipt(client, org_keys):
    assert "hreflang" in client.get(reverse("intake:report")).content.decode()
    assert "hreflang" not in submit(client).content.decode()


def test_the_english_form_gives_date_examples_in_english_and_the_russian_in_russian(client):
    html_en = submit(client, subject_birth_date="14.13.1987", lang="en").content.decode()
    assert "We could not read this date" in html_en and "about 1987, spring 2024" in html_en
    for russian in ("около", "весной", "января"):
        assert russian not in html_en
    html_ru = submit(client, subject_birth_date="14.13.1987").content.decode()
    assert "около 1987, весной 2024 или 15 января" in html_ru
