"""Post/redirect/get on the public side: a reload never sends a report or a message twice,
the receipt is shown after a redirect without ever being in a URL, and what the browser
holds between pages opens nothing on the server alone."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kintrace.intake import tokens
from kintrace.intake.models import DraftFile, Report, ReporterToken
from kintrace.intake.services import report_decrypt, report_open

from .helpers import image_bytes, make_report, open_inbox, receipt_after

pytestmark = pytest.mark.django_db

FORM = {"subject_name": "Петров Пётр Петрович", "message": "Пропал после звонка.", "lang": "ru"}


def test_reloading_the_receipt_page_stores_no_second_report(client, org_keys):
    posted = client.post(reverse("intake:report"), FORM)
    assert posted.status_code == 303
    assert posted["Location"] == reverse("intake:receipt") + "?lang=ru"
    first = client.get(posted["Location"])
    again = client.get(posted["Location"])  # the reload
    assert first.status_code == again.status_code == 200
    assert Report.objects.count() == 1
    receipt = receipt_after(client, first)
    assert receipt in again.content.decode()
    assert report_open(receipt=receipt).report == Report.objects.get()


def test_the_receipt_is_in_no_url_no_cookie_and_not_in_the_database_in_clear(client, org_keys):
    posted = client.post(reverse("intake:report"), FORM)
    receipt = receipt_after(client, posted)
    assert not any(w in posted["Location"] for w in receipt.split())
    cookie = posted.cookies["kt_receipt"].value
    assert not any(w in cookie for w in receipt.split())
    [row] = ReporterToken.objects.all()
    assert receipt.encode() not in bytes(row.blob) and receipt.split()[0].encode() not in bytes(
        row.blob
    )
    assert cookie not in row.lookup  # the server keeps an HMAC of the token, not the token


def test_written_down_the_receipt_is_gone_for_good(client, org_keys):
    posted = client.post(reverse("intake:report"), FORM)
    receipt = receipt_after(client, posted)
    done = client.post(reverse("intake:receipt_done"), {"lang": "ru"})
    assert done.status_code == 303 and done["Location"].startswith(reverse("intake:inbox"))
    assert not ReporterToken.objects.exists()
    gone = client.get(reverse("intake:receipt"))
    assert gone.status_code == 410 and receipt not in gone.content.decode()


def test_an_expired_receipt_token_shows_nothing(client, org_keys):
    posted = client.post(reverse("intake:report"), FORM)
    ReporterToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(posted["Location"])
    assert response.status_code == 410 and 'id="receipt"' not in response.content.decode()


def test_a_token_without_its_cookie_opens_nothing(client, org_keys):
    client.post(reverse("intake:report"), FORM)
    stranger = Client()
    assert stranger.get(reverse("intake:receipt")).status_code == 410
    stranger.cookies["kt_receipt"] = "A" * 43
    assert stranger.get(reverse("intake:receipt")).status_code == 410


def test_reloading_after_adding_to_the_inbox_posts_nothing_twice(client, org_keys):
    report, receipt = make_report()
    open_inbox(client, receipt)
    added = client.post(reverse("intake:inbox_add"), {"message": "Он жив!", "lang": "ru"})
    assert added.status_code == 303 and "added=1" in added["Location"]
    page = client.get(added["Location"])
    client.get(added["Location"])  # the reload
    assert page.status_code == 200 and "Он жив!" in page.content.decode()
    assert report.messages.count() == 1


def test_the_inbox_page_carries_no_receipt(client, org_keys):
    _report, receipt = make_report()
    page = client.get(open_inbox(client, receipt)["Location"]).content.decode()
    assert 'name="receipt"' not in page
    words = receipt.split()
    assert not any(f"{a} {b}" in page for a, b in zip(words, words[1:], strict=False))


def test_a_closed_inbox_keeps_what_the_relative_wrote(client, org_keys):
    report, receipt = make_report()
    open_inbox(client, receipt)
    ReporterToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = client.post(
        reverse("intake:inbox_add"), {"message": "Нам позвонили из госпиталя", "lang": "ru"}
    )
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Нам позвонили из госпиталя" in html and 'name="receipt"' in html
    reopened = client.post(
        reverse("intake:inbox"),
        {"receipt": receipt, "pending": "Нам позвонили из госпиталя"},
        follow=True,
    )
    assert "Нам позвонили из госпиталя</textarea>" in reopened.content.decode()
    assert not report.messages.exists()
    sent = client.post(
        reverse("intake:inbox_add"), {"message": "Нам позвонили из госпиталя"}, follow=True
    )
    assert "Нам позвонили из госпиталя</textarea>" not in sent.content.decode()  # handed once
    assert report.messages.count() == 1


def test_a_misspelt_receipt_word_is_named_and_costs_no_throttle(client, org_keys):
    _report, receipt = make_report()
    words = receipt.split()
    words[2] = "кошкаа"
    response = client.post(reverse("intake:inbox"), {"receipt": " ".join(words)})
    assert response.status_code == 400 and "кошкаа" in response.content.decode()
    from kintrace.intake.models import ReceiptThrottle

    assert not ReceiptThrottle.objects.filter(level__gt=0).exists()


def _photo(name="photo.jpg"):
    return SimpleUploadedFile(name, image_bytes(gps=True), content_type="image/jpeg")


def test_a_validation_error_keeps_the_accepted_photos_encrypted_with_the_draft(client, org_keys):
    bad = client.post(
        reverse("intake:report"),
        {**FORM, "subject_birth_date": "31.02.1987", "attachments": [_photo("IMG_1.jpg")]},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    draft = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    assert "IMG_1.jpg" in html and 'name="keep_file"' in html
    [kept] = DraftFile.objects.all()
    assert b"IMG_1.jpg" not in bytes(kept.meta)
    fixed = client.post(
        reverse("intake:report"),
        {**FORM, "subject_birth_date": "14.03.1987", "draft": draft, "keep_file": [kept.pk]},
    )
    assert fixed.status_code == 303
    access = report_open(receipt=receipt_after(client, fixed))
    assert [a.filename for a in report_decrypt(access.report, access.key).attachments] == [
        "IMG_1.jpg"
    ]
    assert not DraftFile.objects.exists()


def test_an_unticked_kept_photo_is_left_out_and_deleted(client, org_keys):
    bad = client.post(
        reverse("intake:report"),
        {**FORM, "subject_birth_date": "31.02.1987", "attachments": [_photo()]},
    )
    draft = re.search(r'name="draft" value="([^"]+)"', bad.content.decode()).group(1)
    fixed = client.post(reverse("intake:report"), {**FORM, "draft": draft})
    assert fixed.status_code == 303
    assert not Report.objects.get().attachments.exists() and not DraftFile.objects.exists()


def test_a_draft_is_only_opened_by_its_token(client, org_keys):
    bad = client.post(
        reverse("intake:report"),
        {**FORM, "subject_birth_date": "31.02.1987", "attachments": [_photo()]},
    )
    assert bad.status_code == 400
    [kept] = DraftFile.objects.all()
    other = tokens.draft_new()
    assert tokens.draft_files(draft=other) == [] and tokens.draft_list(draft=other) == []
    assert tokens.draft_files(draft="not a token") == []
    assert DraftFile.objects.filter(pk=kept.pk).exists()


def test_old_drafts_and_tokens_are_purged(client, org_keys):
    client.post(
        reverse("intake:report"),
        {**FORM, "subject_birth_date": "31.02.1987", "attachments": [_photo()]},
    )
    DraftFile.objects.update(created_at=timezone.now() - timedelta(hours=2))
    tokens.purge_expired()
    assert not DraftFile.objects.exists()


def test_the_inbox_keeps_accepted_files_after_an_error_too(client, org_keys):
    report, receipt = make_report()
    open_inbox(client, receipt)
    bad = client.post(
        reverse("intake:inbox_add"), {"message": "x" * 20001, "attachments": [_photo("scan.jpg")]}
    )
    assert bad.status_code == 400 and "scan.jpg" in bad.content.decode()
    draft = re.search(r'name="draft" value="([^"]+)"', bad.content.decode()).group(1)
    [kept] = DraftFile.objects.all()
    ok = client.post(
        reverse("intake:inbox_add"), {"message": "короче", "draft": draft, "keep_file": [kept.pk]}
    )
    assert ok.status_code == 303
    assert report.attachments.count() == 1 and report.messages.count() == 1


def test_the_size_limit_is_stated_before_the_upload(client, settings):
    settings.KINTRACE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    assert "по 10 МБ" in client.get(reverse("intake:report")).content.decode()
    assert "each up to 10 MB" in client.get(reverse("intake:report") + "?lang=en").content.decode()


def test_quick_exit_forgets_the_inbox_and_leaves_for_a_neutral_site(client, org_keys, settings):
    settings.KINTRACE_QUICK_EXIT_URL = "https://weather.example/"
    _report, receipt = make_report()
    open_inbox(client, receipt)
    assert ReporterToken.objects.count() == 1
    response = client.get(reverse("intake:exit"))
    assert response.status_code == 302 and response["Location"] == "https://weather.example/"
    assert response["Clear-Site-Data"] == '"cache", "cookies"'
    assert not ReporterToken.objects.exists()
    assert 'name="receipt"' in client.get(reverse("intake:inbox")).content.decode()


@pytest.mark.parametrize(
    "lang,words",
    [
        ("ru", ["Быстрый выход", "Что происходит с моими данными"]),
        ("en", ["Quick exit", "What happens to my data"]),
    ],
)
def test_every_public_page_offers_quick_exit_and_the_data_page(client, org_keys, lang, words):
    for url in (
        reverse("intake:report"),
        reverse("intake:inbox"),
        reverse("intake:about_data"),
        "/",
    ):
        html = client.get(f"{url}?lang={lang}").content.decode()
        assert 'id="quick-exit" href="/report/exit/"' in html, url
        for w in words:
            assert w in html, (url, w)


def test_the_data_page_says_what_is_encrypted_and_what_is_not(client):
    ru = client.get(reverse("intake:about_data")).content.decode()
    en = client.get(reverse("intake:about_data") + "?lang=en").content.decode()
    assert "зашифрован" in ru and "IP" in ru
    assert "encrypted" in en and "name, date of birth, colony and region" in en
    # What the Telegram bot keeps, and that Telegram keeps messages itself (issue 18).
    assert "Через наш Telegram-бот" in ru and "Сам Telegram хранит сообщения" in ru
    assert "Through our Telegram bot" in en and "Telegram itself keeps messages" in en
    assert "your chat" in en and "encrypted with your report" in en


def test_an_unreadable_addition_shows_the_open_inbox_with_the_problem(client, org_keys):
    report, receipt = make_report()
    open_inbox(client, receipt)
    response = client.generic(
        "POST",
        reverse("intake:inbox_add"),
        b"--\r\n",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Позвонил с незнакомого номера" in html and 'name="receipt"' not in html
    assert not report.messages.exists()
