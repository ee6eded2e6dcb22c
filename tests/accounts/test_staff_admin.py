"""An administrator manages a colleague's account: sees the last login, unlocks it, resets the
password (a one-time password the user must change) and the two-factor login, changes the role;
every change audited; nobody but an administrator gets in."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kintrace.accounts.models import TOTPDevice, User
from kintrace.accounts.roles import ROLE_DESCRIPTIONS, Role
from kintrace.accounts.services import StaffError, staff_create, staff_role_change
from kintrace.audit.models import AuditEntry
from kintrace.security import keys, unlock
from kintrace.security.testing import org_keys_for_tests
from tests.accounts.test_views import NEW_PASSWORD, code_for, first_login

pytestmark = pytest.mark.django_db

ACTIONS = [
    "accounts:staff_unlock",
    "accounts:staff_password_reset",
    "accounts:staff_totp_reset",
    "accounts:staff_role",
]


@pytest.fixture
def vera(org_keys):
    """A caseworker holding the organisation key who has completed her first login, and her
    browser."""
    created = staff_create(actor=None, username="vera", role="caseworker")
    keys.grant_key_with_private(actor=None, user=created.user, org_private=org_keys)
    browser = Client()
    browser.get(reverse("accounts:login"))
    first_login(browser, created)
    created.user.refresh_from_db()
    created.user.browser = browser
    return created.user


def lock_out(username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("accounts:login"), {"username": username, "password": "guess"})


# --- who may -----------------------------------------------------------------------------------


def test_staff_detail_sends_an_anonymous_outsider_to_login(client, make_staff):
    target = make_staff("caseworker")
    r = client.get(reverse("accounts:staff_detail", args=[target.pk]))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ACTIONS)
def test_staff_actions_send_an_anonymous_outsider_to_login_and_change_nothing(
    client, make_staff, name
):
    target = make_staff("caseworker")
    password_hash = target.password
    r = client.post(reverse(name, args=[target.pk]), {"role": "admin"})
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))
    target.refresh_from_db()
    assert target.role == "caseworker" and target.password == password_hash


@pytest.mark.parametrize("role", ["analyst", "caseworker", "coordinator"])
def test_staff_management_refuses_everyone_but_an_administrator(login, make_staff, role):
    c = login(make_staff(role))
    target = make_staff("caseworker")
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    password_hash = target.password
    assert c.get(reverse("accounts:staff_detail", args=[target.pk])).status_code == 403
    for name in ACTIONS:
        assert c.post(reverse(name, args=[target.pk]), {"role": "admin"}).status_code == 403
    target.refresh_from_db()
    assert target.role == "caseworker" and target.password == password_hash
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEntry.objects.filter(action__startswith="accounts.staff_").exists()


def test_staff_actions_only_accept_post(login, make_staff):
    c = login(make_staff("admin"))
    target = make_staff("caseworker")
    for name in ACTIONS:
        assert c.get(reverse(name, args=[target.pk])).status_code == 405


def test_an_unknown_account_is_a_404(login, make_staff):
    c = login(make_staff("admin"))
    assert c.get(reverse("accounts:staff_detail", args=[999999])).status_code == 404
    assert c.post(reverse("accounts:staff_unlock", args=[999999])).status_code == 404


# --- what it does ------------------------------------------------------------------------------


def test_staff_pages_show_the_last_login_and_the_lockout(unlocked_staff, vera):
    c, admin = unlocked_staff("admin")
    lock_out("vera")
    listing = c.get(reverse("accounts:staff"))
    row = next(m for m in listing.context["staff"] if m.username == "vera")
    assert row.locked and row.last_login is not None
    page = c.get(reverse("accounts:staff_detail", args=[vera.pk]))
    assert page.context["member"].lockouts == 1 and page.context["member"].has_totp


def test_the_system_account_of_the_command_line_is_not_listed_as_staff(unlocked_staff, vera):
    from kintrace.accounts.services import system_user

    c, _admin = unlocked_staff("admin")
    system = system_user()
    listed = {m.username for m in c.get(reverse("accounts:staff")).context["staff"]}
    assert "vera" in listed and system.username not in listed


def test_last_login_is_a_completed_login_not_a_right_password_alone(vera):
    before = vera.last_login
    assert before is not None
    c = Client()
    r = c.post(reverse("accounts:login"), {"username": "vera", "password": NEW_PASSWORD})
    assert r.url == reverse("accounts:two_factor")
    vera.refresh_from_db()
    assert vera.last_login == before
    c.post(reverse("accounts:two_factor"), {"token": code_for(TOTPDevice.objects.get(user=vera))})
    vera.refresh_from_db()
    assert vera.last_login > before


def test_admin_unlocks_a_locked_out_account_and_it_is_audited(unlocked_staff, vera):
    c, admin = unlocked_staff("admin")
    lock_out("vera")
    stranger = Client()
    assert (
        stranger.post(
            reverse("accounts:login"), {"username": "vera", "password": NEW_PASSWORD}
        ).status_code
        == 429
    )
    r = c.post(reverse("accounts:staff_unlock", args=[vera.pk]))
    assert r.status_code == 302 and r.url == reverse("accounts:staff_detail", args=[vera.pk])
    assert not AccessAttempt.objects.filter(username="vera").exists()
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "vera", "password": NEW_PASSWORD})
        .status_code
        == 302
    )
    entry = AuditEntry.objects.get(action="accounts.staff_unlock")
    assert entry.actor == admin and entry.target_id == str(vera.pk)
    assert entry.before["failures"] > settings.AXES_FAILURE_LIMIT  # and the try while locked


def test_password_reset_gives_a_one_time_password_ends_her_sessions_and_keeps_her_key(
    unlocked_staff, vera
):
    c, admin = unlocked_staff("admin")
    assert vera.browser.get(reverse("registry:search")).status_code == 200
    r = c.post(reverse("accounts:staff_password_reset", args=[vera.pk]))
    assert r.status_code == 302 and r.url == reverse("accounts:staff_secret")
    r = c.get(r.url)
    password = r.context["password"]
    assert password.encode() in r.content and "no-store" in r["Cache-Control"]
    assert r.context["key"] == "granted"  # the admin's session held the organisation key
    # Her open session ends; the old password no longer works; the new one must be changed.
    assert vera.browser.get(reverse("registry:search")).url.startswith(reverse("accounts:login"))
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "vera", "password": NEW_PASSWORD})
        .status_code
        == 200
    )
    fresh = Client()
    r = fresh.post(reverse("accounts:login"), {"username": "vera", "password": password})
    assert r.url == reverse("accounts:two_factor")  # her phone still works
    device = TOTPDevice.objects.get(user=vera)
    r = fresh.post(reverse("accounts:two_factor"), {"token": code_for(device)})
    assert r.url == reverse("accounts:password_change")
    r = fresh.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert r.status_code == 302
    assert keys.key_status(vera) == "granted"
    assert fresh.get(reverse("accounts:staff_detail", args=[vera.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="accounts.staff_password_reset", actor=admin).exists()
    assert AuditEntry.objects.filter(action="security.user_key_replace").exists()
    # Her session opens the organisation key: the grant was sealed to her new key pair.
    request = fresh.get(reverse("registry:search")).wsgi_request
    assert unlock.org_private_key_for(request) == org_keys_for_tests()


def test_password_reset_by_an_admin_whose_session_has_no_key_leaves_the_grant_pending(
    unlocked_staff, login, make_staff, vera
):
    unlocked_staff("admin")
    c = login(make_staff("admin"), Client())
    r = c.post(reverse("accounts:staff_password_reset", args=[vera.pk]))
    assert c.get(r.url).context["key"] == "pending"


def test_an_admin_cannot_reset_his_own_password_or_2fa_or_role(unlocked_staff):
    c, admin = unlocked_staff("admin")
    TOTPDevice.objects.get_or_create(user=admin, name="phone", confirmed=True)
    before = admin.password
    for name in ACTIONS[1:]:
        r = c.post(reverse(name, args=[admin.pk]), {"role": "analyst"}, follow=True)
        assert r.status_code == 200
        assert any(m.level_tag == "error" for m in r.context["messages"])
    admin.refresh_from_db()
    assert admin.password == before and admin.role == "admin"
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_two_factor_reset_makes_the_next_login_enrol_a_new_phone(unlocked_staff, vera):
    c, admin = unlocked_staff("admin")
    r = c.post(reverse("accounts:staff_totp_reset", args=[vera.pk]))
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=vera).exists()
    # The session verified with the old phone is verified no more.
    assert vera.browser.get(reverse("registry:search")).url.startswith(
        reverse("accounts:two_factor")
    )
    fresh = Client()
    r = fresh.post(reverse("accounts:login"), {"username": "vera", "password": NEW_PASSWORD})
    assert r.url == reverse("accounts:totp_setup")
    entry = AuditEntry.objects.get(action="accounts.staff_totp_reset")
    assert entry.actor == admin and entry.before == {"devices": 1}


def test_role_change_to_analyst_takes_the_key_back_and_is_audited(unlocked_staff, vera):
    c, admin = unlocked_staff("admin")
    assert keys.key_status(vera) == "granted"
    r = c.post(reverse("accounts:staff_role", args=[vera.pk]), {"role": "analyst"})
    assert r.status_code == 302
    vera.refresh_from_db()
    assert vera.role == "analyst" and keys.key_status(vera) == "none"
    assert not vera.security_key.sealed_org_key
    entry = AuditEntry.objects.get(action="accounts.staff_role_change")
    assert entry.before == {"role": "caseworker"} and entry.after == {"role": "analyst"}
    assert vera.browser.get(reverse("registry:search")).status_code == 403


def test_role_change_back_from_analyst_grants_the_key_from_an_unlocked_session(
    unlocked_staff, vera
):
    c, admin = unlocked_staff("admin")
    c.post(reverse("accounts:staff_role", args=[vera.pk]), {"role": "analyst"})
    c.post(reverse("accounts:staff_role", args=[vera.pk]), {"role": "coordinator"})
    vera.refresh_from_db()
    assert vera.role == "coordinator" and keys.key_status(vera) == "granted"


def test_role_change_without_a_role_or_with_an_unknown_one_changes_nothing(unlocked_staff, vera):
    c, admin = unlocked_staff("admin")
    for data in ({}, {"role": "superuser"}):
        r = c.post(reverse("accounts:staff_role", args=[vera.pk]), data)
        assert r.status_code == 400 and r.context["role_form"].errors
    vera.refresh_from_db()
    assert vera.role == "caseworker"
    with pytest.raises(StaffError):
        staff_role_change(actor=None, user=vera, role="superuser")


# --- item 17: a role chosen on purpose, each described -------------------------------------


def test_new_account_form_preselects_no_role_and_describes_each(login, make_staff):
    c = login(make_staff("admin"))
    page = c.get(reverse("accounts:staff_create"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'type="radio"' in html and "checked" not in html
    for role in Role:
        assert str(ROLE_DESCRIPTIONS[role]) in html


def test_new_account_without_a_role_is_refused_not_made_an_administrator(login, make_staff):
    c = login(make_staff("admin"))
    r = c.post(reverse("accounts:staff_create"), {"username": "vera"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and r.context["form"].errors["role"] == ["Choose a role."]
    assert not User.objects.filter(username="vera").exists()


def test_role_descriptions_are_in_russian_for_a_russian_browser(login, make_staff):
    c = login(make_staff("admin"))
    html = c.get(reverse("accounts:staff_create"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Видит только числа" in html
    assert "Sees numbers only" not in html
