"""The staff login as a person does it: password, TOTP from the device's real key, forced
password change, lockout; and the staff pages refusing everyone they are not for."""

import base64
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from kintrace.accounts.models import TOTPDevice, User
from kintrace.accounts.services import staff_create
from kintrace.audit.models import AuditEntry
from kintrace.security import keys
from kintrace.security.testing import TEST_PASSWORD
from kintrace.security.unlock import COOKIE_NAME

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long passphrase of my own"


def code_for(device: TOTPDevice) -> str:
    """The code the phone shows now, or the next one if this one was already used."""
    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    t = max(now_t, device.last_t + 1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, t - now_t):06d}"


def first_login(client, created) -> TOTPDevice:
    """Walk a new account through its whole first login; return its confirmed device."""
    r = client.post(
        reverse("accounts:login"), {"username": created.user.username, "password": created.password}
    )
    assert r.url == reverse("accounts:password_change")
    r = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": created.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert r.url == reverse("accounts:totp_setup")
    page = client.get(reverse("accounts:totp_setup"))
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=created.user, confirmed=False)
    r = client.post(reverse("accounts:totp_setup"), {"token": code_for(device)})
    assert r.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_full_first_login_enrols_totp_changes_password_and_unlocks_the_key(client):
    created = staff_create(actor=None, username="anna", role="admin")
    first_login(client, created)
    page = client.get(reverse("accounts:staff"))
    assert page.status_code == 200
    assert page.context["unlocked"] is True
    created.user.refresh_from_db()
    assert not created.user.must_change_password
    assert AuditEntry.objects.filter(action="accounts.login", actor=created.user).exists()


def test_totp_setup_page_shows_the_secret_as_text_matching_the_device(client):
    created = staff_create(actor=None, username="anna", role="admin")
    client.post(reverse("accounts:login"), {"username": "anna", "password": created.password})
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": created.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    page = client.get(reverse("accounts:totp_setup"))
    device = TOTPDevice.objects.get(user=created.user)
    secret = base64.b32encode(device.bin_key).decode()
    assert page.context["secret"].replace(" ", "") == secret
    assert page["Cache-Control"].startswith("max-age=0")


def test_second_login_asks_for_the_code_and_a_wrong_code_is_refused(client):
    created = staff_create(actor=None, username="anna", role="admin")
    device = first_login(client, created)
    client.post(reverse("accounts:logout"))
    other = Client()
    r = other.post(reverse("accounts:login"), {"username": "anna", "password": NEW_PASSWORD})
    assert r.url == reverse("accounts:two_factor")
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    r = other.post(reverse("accounts:two_factor"), {"token": wrong})
    assert r.status_code == 200 and r.context["form"].errors
    assert other.get(reverse("accounts:staff")).url.startswith(reverse("accounts:two_factor"))
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    r = other.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert r.status_code == 302
    assert other.get(reverse("accounts:staff")).status_code == 200


def test_one_time_password_must_be_changed_before_any_staff_page(client):
    created = staff_create(actor=None, username="anna", role="admin")
    client.post(reverse("accounts:login"), {"username": "anna", "password": created.password})
    r = client.get(reverse("accounts:staff"), follow=True)
    assert r.redirect_chain[-1][0] == reverse("accounts:password_change")
    assert r.context["forced"] is True


def test_one_time_password_stops_working_after_the_change(client):
    created = staff_create(actor=None, username="anna", role="admin")
    first_login(client, created)
    r = Client().post(reverse("accounts:login"), {"username": "anna", "password": created.password})
    assert r.status_code == 200
    assert r.context["form"].non_field_errors()


def test_a_weak_new_password_is_refused():
    created = staff_create(actor=None, username="anna", role="admin")
    c = Client()
    c.post(reverse("accounts:login"), {"username": "anna", "password": created.password})
    r = c.post(
        reverse("accounts:password_change"),
        {
            "old_password": created.password,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert r.status_code == 200 and "new_password1" in r.context["form"].errors


def test_lockout_after_repeated_failures_refuses_even_the_right_password(client):
    created = staff_create(actor=None, username="anna", role="admin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "anna", "password": "guess"})
    r = client.post(reverse("accounts:login"), {"username": "anna", "password": created.password})
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_leaves_another_alone(client):
    staff_create(actor=None, username="anna", role="admin")
    boris = staff_create(actor=None, username="boris", role="caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "anna", "password": "guess"})
    r = client.post(reverse("accounts:login"), {"username": "boris", "password": boris.password})
    assert r.status_code == 302


def test_no_ip_address_is_stored_by_the_lockout(client):
    created = staff_create(actor=None, username="anna", role="admin")
    kwargs = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "anna", "password": "guess"}, **kwargs)
    client.post(
        reverse("accounts:login"), {"username": "anna", "password": created.password}, **kwargs
    )
    staff_create(actor=None, username="boris", role="caseworker")
    Client().post(reverse("accounts:login"), {"username": "boris", "password": "guess"}, **kwargs)
    attempts = list(AccessAttempt.objects.all())
    assert attempts, "the failed login should have been counted"
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for row in model.objects.all():
            assert row.ip_address is None
            assert "203.0.113" not in str(row.__dict__) and "198.51.100" not in str(row.__dict__)


def test_sessions_are_short_idle_and_cookies_die_with_the_browser(client):
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    created = staff_create(actor=None, username="anna", role="admin")
    first_login(client, created)
    unlock = client.cookies[COOKIE_NAME]
    assert unlock["httponly"] and unlock["samesite"] == "Strict"
    assert not unlock["max-age"] and not unlock["expires"]
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not session["max-age"] and not session["expires"]


def test_logout_forgets_the_session_and_the_key(client):
    created = staff_create(actor=None, username="anna", role="admin")
    first_login(client, created)
    r = client.post(reverse("accounts:logout"))
    assert r.url == reverse("accounts:login")
    assert client.cookies[COOKIE_NAME].value == ""
    assert client.get(reverse("accounts:staff")).url.startswith(reverse("accounts:login"))


def test_logout_by_get_only_asks(login, make_staff):
    c = login(make_staff("caseworker"))
    assert c.get(reverse("accounts:logout")).status_code == 200
    assert "_auth_user_id" in c.session


def test_login_ignores_a_next_url_to_another_site(client):
    created = staff_create(actor=None, username="anna", role="admin")
    client.post(
        reverse("accounts:login"),
        {
            "username": "anna",
            "password": created.password,
            "next": "https://evil.example/",
        },
    )
    assert client.session.get("kintrace_next") == ""


# --- Staff pages: who may open them ---------------------------------------------------------

STAFF_GET = ["accounts:staff", "accounts:staff_create"]


@pytest.mark.parametrize("name", STAFF_GET)
def test_staff_pages_send_an_anonymous_outsider_to_login(client, name):
    r = client.get(reverse(name))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["accounts:staff_grant", "accounts:staff_deactivate"])
def test_staff_actions_refuse_an_anonymous_outsider(client, make_staff, name):
    target = make_staff("caseworker")
    r = client.post(reverse(name, args=[target.pk]))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))
    target.refresh_from_db()
    assert target.is_active and keys.key_status(target) == "pending"


@pytest.mark.parametrize("role", ["caseworker", "analyst"])
def test_staff_pages_refuse_caseworkers_and_analysts(login, make_staff, role):
    c = login(make_staff(role))
    target = make_staff("caseworker")
    for name in STAFF_GET:
        assert c.get(reverse(name)).status_code == 403
    for name in ("accounts:staff_grant", "accounts:staff_deactivate"):
        assert c.post(reverse(name, args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_coordinator_sees_staff_but_cannot_create_or_deactivate(login, make_staff):
    c = login(make_staff("coordinator"))
    target = make_staff("caseworker")
    assert c.get(reverse("accounts:staff")).status_code == 200
    assert c.get(reverse("accounts:staff_create")).status_code == 403
    assert c.post(reverse("accounts:staff_deactivate", args=[target.pk])).status_code == 403


def test_unverified_user_is_sent_to_the_second_factor(client, make_staff):
    user = make_staff("admin")
    client.force_login(user)
    r = client.get(reverse("accounts:staff"))
    assert r.url.startswith(reverse("accounts:two_factor"))


def test_admin_creates_staff_and_sees_the_one_time_password_once(unlocked_staff):
    c, admin = unlocked_staff("admin")
    r = c.post(reverse("accounts:staff_create"), {"username": "vera", "role": "caseworker"})
    # post/redirect/get: a reload shows the same password, it does not post again
    assert r.status_code == 302 and r.url == reverse("accounts:staff_secret")
    assert "kt_staff_secret" in r.cookies and r.cookies["kt_staff_secret"]["httponly"]
    page = c.get(r.url)
    password = page.context["password"]
    assert password.encode() in page.content and page.context["key"] == "granted"
    assert c.get(r.url).context["password"] == password  # reloaded: the same, nothing new
    vera = User.objects.get(username="vera")
    assert vera.check_password(password) and vera.must_change_password
    assert User.objects.filter(username="vera").count() == 1
    listing = c.get(reverse("accounts:staff"))
    assert password.encode() not in listing.content
    # "Done" forgets it: the page no longer shows it
    c.post(reverse("accounts:staff_secret"))
    gone = c.get(reverse("accounts:staff_secret"), follow=True)
    assert password.encode() not in gone.content


def test_the_one_time_password_page_opens_nothing_without_the_browser_that_made_it(
    unlocked_staff, login, make_staff
):
    c, admin = unlocked_staff("admin")
    r = c.post(reverse("accounts:staff_create"), {"username": "vera", "role": "caseworker"})
    password = c.get(r.url).context["password"]
    # another administrator's browser, an analyst, an anonymous visitor: no password
    for other in (
        login(make_staff("admin"), Client()),
        login(make_staff("analyst"), Client()),
        Client(),
    ):
        page = other.get(reverse("accounts:staff_secret"), follow=True)
        assert password.encode() not in page.content
    # the stored row holds no password in clear
    from kintrace.intake.models import ReporterToken

    assert all(password.encode() not in bytes(t.blob) for t in ReporterToken.objects.all())


def test_admin_without_an_unlocked_key_creates_staff_with_a_pending_grant(
    unlocked_staff, login, make_staff
):
    unlocked_staff("admin")  # the organisation keys exist
    c = login(make_staff("admin"), Client())
    r = c.post(reverse("accounts:staff_create"), {"username": "vera", "role": "caseworker"})
    assert c.get(r.url).context["key"] == "pending"


def test_staff_create_refuses_an_existing_username(unlocked_staff):
    c, admin = unlocked_staff("admin")
    r = c.post(reverse("accounts:staff_create"), {"username": admin.username, "role": "admin"})
    assert r.status_code == 200 and "username" in r.context["form"].errors


def test_grant_by_an_admin_whose_own_grant_is_pending_says_so(login, make_staff):
    c = login(make_staff("admin"))
    target = make_staff("caseworker")
    r = c.post(reverse("accounts:staff_grant", args=[target.pk]))
    assert r.status_code == 403 and r.context["reason"] == "pending"


def test_grant_from_a_session_that_lost_its_key_goes_back_to_login(unlocked_staff, make_staff):
    c, admin = unlocked_staff("admin")
    del c.cookies[COOKIE_NAME]
    target = make_staff("caseworker")
    r = c.post(reverse("accounts:staff_grant", args=[target.pk]))
    assert r.url.startswith(reverse("accounts:login"))
    assert keys.key_status(target) == "pending"


def test_admin_deactivates_a_colleague_but_not_himself(unlocked_staff, make_staff):
    c, admin = unlocked_staff("admin")
    target = make_staff("caseworker")
    c.post(reverse("accounts:staff_deactivate", args=[target.pk]))
    c.post(reverse("accounts:staff_deactivate", args=[admin.pk]))
    target.refresh_from_db()
    admin.refresh_from_db()
    assert not target.is_active and admin.is_active


def test_voluntary_password_change_keeps_the_key(unlocked_staff):
    c, admin = unlocked_staff("admin")
    r = c.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert r.status_code == 302
    r = Client().post(
        reverse("accounts:login"), {"username": admin.username, "password": NEW_PASSWORD}
    )
    assert r.status_code == 302
    assert keys.key_status(admin) == "granted"
    assert c.get(reverse("accounts:staff")).context["unlocked"] is True
