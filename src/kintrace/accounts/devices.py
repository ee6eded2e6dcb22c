"""Device cookies: the lockout counts failed logins per username *and* per browser.

The scheme is OWASP's "device cookies" (Slow Down Online Guessing Attacks with Device
Cookies), without any client address:

- A completed login (password and second factor) gives the browser a random device id in a
  signed cookie (`kintrace_device`, HttpOnly, SameSite=Strict, path /accounts/, Secure in
  production) listing the accounts that *trust* this browser, re-signed by the server. The
  cookie is set only there: a visitor who merely opens the login page (a relative who strayed
  there, say) gets no lasting trace of kintrace from it.
- A failed password counts against (username, "device:<id>") when the browser holds a cookie
  that this account trusts, and against (username, "untrusted") otherwise (no cookie, a forged
  or stale one, or a browser the account never completed a login in).

So a stranger who fails a caseworker's logins locks out only browsers she has never logged in
with; her own browser keeps working. Guessing from fresh browsers shares one "untrusted" bucket
per username and stays at KINTRACE_LOGIN_FAILURE_LIMIT an hour. See docs/security.md.
"""

import secrets

from django.conf import settings
from django.core import signing

from .models import User

COOKIE_NAME = "kintrace_device"
COOKIE_PATH = "/accounts/"
COOKIE_DAYS = 90
_SALT = "kintrace.accounts.device"
UNTRUSTED = "untrusted"
MAX_ACCOUNTS = 20  # a shared office browser trusted by more accounts forgets the oldest


def _read(request) -> tuple[str | None, list[int]]:
    """(device id, ids of accounts that trust it) from the signed cookie; (None, []) if absent,
    forged, or from another secret key."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None, []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=COOKIE_DAYS * 86400)
        device_id, trusted = value["d"], [int(pk) for pk in value["u"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, []
    if not isinstance(device_id, str) or not device_id:
        return None, []
    return device_id, trusted


def _write(response, device_id: str, trusted: list[int]) -> None:
    value = signing.dumps({"d": device_id, "u": trusted[-MAX_ACCOUNTS:]}, salt=_SALT)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=COOKIE_DAYS * 86400,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def trust(request, response, user) -> None:
    """Mark this browser as one `user` has completed a login in (after the second factor)."""
    device_id, trusted = _read(request)
    device_id = device_id or secrets.token_urlsafe(16)
    trusted = [pk for pk in trusted if pk != user.pk] + [user.pk]
    _write(response, device_id, trusted)


def label(request, username: str | None) -> str:
    """What the lockout counts this request's failures under, beside the username."""
    device_id, trusted = _read(request)
    if device_id is None or not trusted or not username:
        return UNTRUSTED

    pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
    return f"device:{device_id}" if pk in trusted else UNTRUSTED
