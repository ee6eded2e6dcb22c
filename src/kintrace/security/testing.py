"""Helpers for tests in any part of the project: staff who hold the organisation key, and a
test client whose session has it unlocked exactly as a real login leaves it.

    from kintrace.security.testing import staff_with_key, unlock_client
    user = staff_with_key("caseworker")
    login(user)                       # tests/conftest.py fixture: verified TOTP session
    unlock_client(client, user)       # now org_private_key_for(request) works in views

tests/security/conftest.py wraps both as the `unlocked_staff` fixture.
"""

from django.conf import settings
from django.http import HttpRequest

from kintrace.accounts.models import User

from . import keys, unlock

TEST_PASSWORD = "correct horse battery"  # noqa: S105 - the tests' fixed password

# Organisation private keys created by org_keys_for_tests(), by public key, so later users in
# the same test can be granted the key without a recovery key.
_org_private_by_public: dict[bytes, bytes] = {}


def org_keys_for_tests() -> bytes:
    """The organisation private key, creating the organisation keys if there are none."""
    if not keys.org_keys_exist():
        private, _recovery = keys.org_keys_create(actor=None)
        _org_private_by_public[keys.org_public_key()] = private
    found = _org_private_by_public.get(keys.org_public_key())
    if found is None:
        raise RuntimeError("organisation keys were made outside org_keys_for_tests()")
    return found


def staff_with_key(role: str, username: str | None = None, password: str = TEST_PASSWORD):
    """A staff user with a key pair under `password`, holding the organisation key unless
    the role never does (analyst)."""
    username = username or f"{role}-{User.objects.count() + 1}"
    user = User.objects.create_user(username, password=password, role=role)
    keys.user_key_create(user=user, password=password)
    private = org_keys_for_tests()
    if role in keys.KEY_ROLES:
        keys.grant_key_with_private(actor=None, user=user, org_private=private)
    return user


def unlock_client(client, user, password: str = TEST_PASSWORD) -> None:
    """Unlock the organisation key in `client`'s session (log the client in first)."""
    request = HttpRequest()
    request.session = client.session
    request.user = user
    unlock.unlock_at_login(request=request, user=user, password=password)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    cookie = getattr(request, "_kintrace_unlock_cookie", None)
    if cookie:
        client.cookies[unlock.COOKIE_NAME] = cookie
