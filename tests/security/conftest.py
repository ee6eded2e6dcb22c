import pytest


@pytest.fixture
def unlocked_staff(db, client, login):
    """unlocked_staff("caseworker") -> (client, user): logged in, TOTP-verified, key unlocked."""
    from kintrace.security.testing import staff_with_key, unlock_client

    def make(role: str, username: str | None = None, c=None):
        c = c or client
        user = staff_with_key(role, username=username)
        login(user, c)
        unlock_client(c, user)
        return c, user

    return make
