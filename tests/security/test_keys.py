"""Key management with the real crypto and the real database: creation, grants, unlocking in
a session, re-wrapping on password change, and that no key is ever stored in clear."""

import base64

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kintrace.accounts.models import User
from kintrace.accounts.services import StaffError, password_change, staff_create, staff_deactivate
from kintrace.audit.models import AuditEntry
from kintrace.security import crypto, keys, unlock
from kintrace.security.audit import audit_decrypt
from kintrace.security.models import OrgKey, UserKey
from kintrace.security.testing import (
    TEST_PASSWORD,
    org_keys_for_tests,
    staff_with_key,
    unlock_client,
)

pytestmark = pytest.mark.django_db


def test_first_staff_account_creates_the_org_keys_and_holds_them():
    created = staff_create(actor=None, username="anna", role="admin")
    assert keys.org_keys_exist()
    assert created.recovery_key and created.key == "granted"
    private = keys.org_private_key_from_recovery(created.recovery_key)
    assert crypto.public_from_private(private) == keys.org_public_key()


def test_org_public_key_without_org_keys_says_so():
    with pytest.raises(keys.OrgKeysMissing):
        keys.org_public_key()


def test_second_staff_account_waits_for_a_grant():
    staff_create(actor=None, username="anna", role="admin")
    later = staff_create(actor=None, username="boris", role="caseworker")
    assert later.key == "pending" and later.recovery_key is None


def test_recovery_key_grants_at_creation_and_a_wrong_one_is_refused():
    first = staff_create(actor=None, username="anna", role="admin")
    granted = staff_create(
        actor=None, username="boris", role="caseworker", recovery_key=first.recovery_key
    )
    assert granted.key == "granted"
    wrong = crypto.recovery_key_format(crypto.new_recovery_key())
    with pytest.raises(StaffError):
        staff_create(actor=None, username="vera", role="caseworker", recovery_key=wrong)


def test_analyst_never_holds_the_key():
    first = staff_create(actor=None, username="anna", role="admin")
    analyst = staff_create(
        actor=None, username="ivan", role="analyst", recovery_key=first.recovery_key
    )
    assert analyst.key == "none"
    assert UserKey.objects.get(user=analyst.user).sealed_org_key is None
    with pytest.raises(keys.KeyGrantError):
        keys.grant_key_with_private(
            actor=first.user,
            user=analyst.user,
            org_private=keys.org_private_key_from_recovery(first.recovery_key),
        )


def test_the_org_private_key_is_never_stored_in_clear(client, unlocked_staff):
    unlocked_staff("admin")
    key_row = OrgKey.objects.get()
    private = org_keys_for_tests()
    forms = [
        private,
        private.hex().encode(),
        base64.b64encode(private),
        base64.urlsafe_b64encode(private),
    ]
    stored = [bytes(key_row.recovery_wrapped_private), bytes(key_row.public_key)]
    for row in UserKey.objects.all():
        stored += [bytes(row.wrapped_private), bytes(row.sealed_org_key or b"")]
    for s in Session.objects.all():
        stored.append(s.session_data.encode())
        stored.append(repr(s.get_decoded()).encode())
    for blob in stored:
        for form in forms:
            assert form not in blob


def test_unlocked_session_opens_the_key_and_grant_page_shows_it(unlocked_staff):
    c, admin = unlocked_staff("admin")
    response = c.get(reverse("accounts:staff"))
    assert response.status_code == 200
    assert response.context["unlocked"] is True


def test_without_the_cookie_half_the_session_cannot_open_the_key(unlocked_staff):
    c, admin = unlocked_staff("admin")
    del c.cookies[unlock.COOKIE_NAME]
    assert c.get(reverse("accounts:staff")).context["unlocked"] is False


def test_a_cookie_from_another_session_does_not_open_the_key(client, unlocked_staff):
    c1, admin = unlocked_staff("admin")
    c2, other = unlocked_staff("coordinator", c=Client())
    c1.cookies[unlock.COOKIE_NAME] = c2.cookies[unlock.COOKIE_NAME].value
    assert c1.get(reverse("accounts:staff")).context["unlocked"] is False


def test_admin_grants_a_pending_colleague_who_then_unlocks_at_login(unlocked_staff, login):
    c, admin = unlocked_staff("admin")
    colleague = User.objects.create_user("boris", password=TEST_PASSWORD, role="caseworker")
    keys.user_key_create(user=colleague, password=TEST_PASSWORD)
    assert keys.key_status(colleague) == "pending"
    response = c.post(reverse("accounts:staff_grant", args=[colleague.pk]))
    assert response.status_code == 302
    assert keys.key_status(colleague) == "granted"
    assert AuditEntry.objects.filter(action="security.key_grant", target_id=str(colleague.pk))

    c2 = login(colleague, Client())
    unlock_client(c2, colleague)
    theirs = unlock.org_private_key_for(c2.get(reverse("accounts:logout")).wsgi_request)
    assert theirs == unlock.org_private_key_for(c.get(reverse("accounts:logout")).wsgi_request)


def test_grant_by_a_caseworker_is_refused(unlocked_staff):
    c, caseworker = unlocked_staff("caseworker")
    request = c.get(reverse("accounts:logout")).wsgi_request
    target = User.objects.create_user("boris", password=TEST_PASSWORD, role="caseworker")
    keys.user_key_create(user=target, password=TEST_PASSWORD)
    with pytest.raises(keys.KeyGrantError):
        keys.grant_key(
            actor=caseworker, user=target, org_private=unlock.org_private_key_for(request)
        )


def test_analyst_session_never_unlocks(unlocked_staff):
    c, analyst = unlocked_staff("analyst")
    request = c.get(reverse("accounts:logout")).wsgi_request
    with pytest.raises(keys.KeyLocked) as e:
        unlock.org_private_key_for(request)
    assert e.value.reason == "not_allowed"
    assert unlock.COOKIE_NAME not in c.cookies


def test_password_change_rewraps_the_key_so_only_the_new_password_opens_it():
    created = staff_create(actor=None, username="anna", role="admin")
    user = created.user
    new = "a much longer new passphrase"
    password_change(user=user, old_password=created.password, new_password=new)
    row = UserKey.objects.get(user=user)
    with pytest.raises(crypto.CryptoError):
        keys._unwrap_private(row, created.password)
    private = keys._unwrap_private(row, new)
    org_private = crypto.unseal(private, bytes(row.sealed_org_key))
    assert crypto.public_from_private(org_private) == keys.org_public_key()
    assert keys.key_status(user) == "granted"


def test_a_password_set_behind_our_back_loses_the_grant_rather_than_locking_the_account(rf):
    created = staff_create(actor=None, username="anna", role="admin")
    user = created.user
    user.set_password("set by hand in a shell")
    user.save()
    request = rf.get("/")
    request.session = SessionStore()
    unlock.unlock_at_login(request=request, user=user, password="set by hand in a shell")
    assert keys.key_status(user) == "pending"
    assert unlock.SESSION_FIELD not in request.session
    assert AuditEntry.objects.filter(action="security.user_key_reset").exists()


def test_deactivation_takes_the_key_back():
    first = staff_create(actor=None, username="anna", role="admin")
    other = staff_create(
        actor=None, username="boris", role="caseworker", recovery_key=first.recovery_key
    )
    staff_deactivate(actor=first.user, user=other.user)
    other.user.refresh_from_db()
    assert not other.user.is_active
    assert keys.key_status(other.user) == "pending"
    assert AuditEntry.objects.filter(action="security.key_revoke").exists()


def test_audit_decrypt_records_who_read_what_and_why():
    user = staff_with_key("caseworker")
    entry = audit_decrypt(user, user, "triage")
    assert entry.action == "reporter_data.read"
    assert entry.after == {"purpose": "triage"}
    assert entry.actor_label == user.username
