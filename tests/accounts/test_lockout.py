"""The lockout counts failures per username and per browser: a stranger who fails a caseworker's
logins locks out only browsers she never logged in with, never her own; fresh browsers share one
bucket, so guessing from new browsers stays limited; nothing about the client is stored."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kintrace.accounts import devices
from kintrace.accounts.services import staff_create
from tests.accounts.test_views import NEW_PASSWORD, code_for, first_login

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def fail(client, username="vera", times=LIMIT):
    for _ in range(times):
        r = client.post(reverse("accounts:login"), {"username": username, "password": "guess"})
        assert r.status_code in (200, 429)


def log_in(client, username="vera", password=NEW_PASSWORD):
    """The password step from a browser that opened the login page first (as a browser does)."""
    client.get(reverse("accounts:login"))
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def vera():
    """A caseworker who completed her first login in her own browser (`vera.browser`)."""
    created = staff_create(actor=None, username="vera", role="caseworker")
    browser = Client()
    browser.get(reverse("accounts:login"))
    device = first_login(browser, created)
    browser.post(reverse("accounts:logout"))
    created.user.browser, created.user.device = browser, device
    return created.user


def test_a_stranger_cannot_lock_a_caseworker_out_of_her_own_browser(vera):
    stranger = Client()
    stranger.get(reverse("accounts:login"))
    fail(stranger, times=LIMIT * 3)
    assert log_in(stranger).status_code == 429  # the stranger's browser is locked
    r = log_in(vera.browser)
    assert r.status_code == 302 and r.url == reverse("accounts:two_factor")
    r = vera.browser.post(reverse("accounts:two_factor"), {"token": code_for(vera.device)})
    assert r.status_code == 302 and vera.browser.get(reverse("registry:search")).status_code == 200


def test_her_own_failures_lock_her_own_browser(vera):
    fail(vera.browser)
    assert log_in(vera.browser).status_code == 429
    assert "_auth_user_id" not in vera.browser.session


def test_fresh_browsers_share_one_bucket_so_guessing_from_new_browsers_stays_limited(vera):
    for _ in range(LIMIT):
        fail(Client(), times=1)  # each failure from a browser never seen before
    r = log_in(Client())
    assert r.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_a_forged_or_foreign_device_cookie_counts_as_an_unknown_browser(vera):
    other = staff_create(actor=None, username="olga", role="caseworker")
    olga_browser = Client()
    olga_browser.get(reverse("accounts:login"))
    first_login(olga_browser, other)
    olga_browser.post(reverse("accounts:logout"))
    # Olga's browser is trusted by Olga, not by Vera: failures there count as an unknown browser.
    fail(olga_browser, times=LIMIT - 1)
    forged = Client()
    cookie = vera.browser.cookies[devices.COOKIE_NAME].value
    forged.cookies[devices.COOKIE_NAME] = cookie[:-2] + ("BB" if cookie.endswith("AA") else "AA")
    fail(forged, times=1)
    assert {a.user_agent for a in AccessAttempt.objects.all()} == {devices.UNTRUSTED}
    assert log_in(Client()).status_code == 429
    assert log_in(vera.browser).status_code == 302


def test_a_successful_login_in_her_browser_does_not_clear_the_strangers_count(vera):
    fail(Client(), times=LIMIT - 1)
    assert log_in(vera.browser).status_code == 302
    fail(Client(), times=1)
    assert log_in(Client()).status_code == 429


def test_the_lockout_page_says_which_browsers_are_locked_and_who_can_unlock(vera):
    fail(Client(), times=LIMIT)
    r = log_in(Client())
    assert r.status_code == 429 and r.context["untrusted"] is True
    fail(vera.browser)
    r = log_in(vera.browser)
    assert r.status_code == 429 and r.context["untrusted"] is False


def test_the_device_cookie_is_signed_http_only_strict_and_only_for_the_accounts_pages(vera):
    cookie = vera.browser.cookies[devices.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/accounts/" and int(cookie["max-age"]) == devices.COOKIE_DAYS * 86400
    assert ":" in cookie.value  # django.core.signing's signature


def test_a_visitor_who_only_opens_the_login_page_or_fails_gets_no_device_cookie(client):
    staff_create(actor=None, username="vera", role="caseworker")
    client.get(reverse("accounts:login"))
    fail(client, times=2)
    assert devices.COOKIE_NAME not in client.cookies


def test_no_address_and_no_user_agent_is_stored_only_the_device_label(vera):
    headers = {
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_X_FORWARDED_FOR": "198.51.100.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux) Chromium/131",
    }
    for browser in (Client(), vera.browser):
        browser.post(
            reverse("accounts:login"), {"username": "vera", "password": "guess"}, **headers
        )
    labels = sorted(a.user_agent for a in AccessAttempt.objects.all())
    assert labels[1] == devices.UNTRUSTED and labels[0].startswith("device:")
    for row in AccessAttempt.objects.all():
        text = str(row.__dict__)
        assert row.ip_address is None
        for leaked in ("203.0.113", "198.51.100", "Mozilla", "Chromium"):
            assert leaked not in text
