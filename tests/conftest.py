import pytest


@pytest.fixture
def make_staff(db):
    """Create a staff user of a role: make_staff("caseworker", username="alice")."""
    from kintrace.accounts.models import User

    def make(role: str, username: str | None = None, password: str = "correct horse battery"):
        username = username or f"{role}-{User.objects.count() + 1}"
        return User.objects.create_user(username, password=password, role=role)

    return make


@pytest.fixture
def login(client):
    """Log a user in as if they had passed the password and the TOTP steps.

    Uses a real TOTP device (kintrace's own, seed encrypted) and django-otp's own session
    key, so views see a verified user.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    from kintrace.accounts.models import TOTPDevice

    def do(user, c=None):
        c = c or client
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        c.force_login(user)
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return c

    return do


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run directly by a test (services, CLI, status reasons) speaks English, the source
    language, so assertions read the same whatever catalogue is compiled. Requests through the
    test client still choose their language as a browser would (Russian by default);
    tests/test_i18n.py checks that Russian is complete."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def unlocked_staff(db, client, login):
    """unlocked_staff("caseworker") -> (client, user): logged in, TOTP-verified, and holding
    the organisation key unlocked in the session exactly as a real login leaves it."""
    from kintrace.security.testing import staff_with_key, unlock_client

    def make(role: str, username: str | None = None, c=None):
        c = c or client
        user = staff_with_key(role, username=username)
        login(user, c)
        unlock_client(c, user)
        return c, user

    return make


@pytest.fixture
def org_keys(db):
    """The organisation's private key, creating the organisation keys for this test."""
    from kintrace.security.testing import org_keys_for_tests

    return org_keys_for_tests()
