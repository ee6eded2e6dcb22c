"""The session unlock: the organisation key kept for a staff member's session, read back for
a request, and the view decorator that needs it.

At login the password opens the staff member's private key, which opens the organisation key
(`kintrace.security.keys`). That key is then kept for the session only encrypted under a random
session key that lives in an HttpOnly, SameSite=Strict cookie without max-age: the server's
session store holds a ciphertext it cannot open on its own, and the browser holds a key that
opens nothing without the server. docs/security.md explains why and what this does not protect
against. Only the view layer reads the request: services take the key as bytes.
"""

import base64
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import crypto
from .keys import (
    KEY_ROLES,
    KeyLocked,
    _b,
    _reset_user_key,
    _unwrap_private,
    org_public_key,
    user_key_create,
)
from .models import UserKey

SESSION_FIELD = "kintrace_org_key"
COOKIE_NAME = "kintrace_unlock"


def unlock_at_login(*, request, user, password: str) -> None:
    """After a correct password: open the organisation key and keep it for this session.

    Gives the user a key pair on first use. Sets nothing when the grant is pending or the role
    never holds the key. The cookie half is attached by `attach_unlock_cookie(request, resp)`.
    """
    request.session.pop(SESSION_FIELD, None)
    user_key = UserKey.objects.filter(user=user).first()
    if user_key is None:
        with transaction.atomic():
            user_key = user_key_create(user=user, password=password)
    if user.role not in KEY_ROLES or user_key.sealed_org_key is None:
        return
    try:
        private = _unwrap_private(user_key, password)
        org_private = crypto.unseal(private, _b(user_key.sealed_org_key))
    except crypto.CryptoError:
        with transaction.atomic():
            _reset_user_key(user_key=user_key, password=password)
        return
    session_key = crypto.random_key()
    request.session[SESSION_FIELD] = base64.b64encode(
        crypto.encrypt(session_key, org_private)
    ).decode()
    request._kintrace_unlock_cookie = base64.urlsafe_b64encode(session_key).decode()


def attach_unlock_cookie(request, response):
    """Put the session key set by unlock_at_login on the response (no max-age: it dies with
    the browser)."""
    value = getattr(request, "_kintrace_unlock_cookie", None)
    if value:
        response.set_cookie(
            COOKIE_NAME,
            value,
            httponly=True,
            samesite="Strict",
            secure=settings.SESSION_COOKIE_SECURE,
            path="/",
        )
    return response


def forget_unlock(request, response):
    """Drop both halves of the session's key (logout)."""
    request.session.pop(SESSION_FIELD, None)
    response.delete_cookie(COOKIE_NAME, path="/", samesite="Strict")
    return response


def org_private_key_for(request) -> bytes:
    """The organisation private key unlocked in this request's session, or KeyLocked."""
    cached = getattr(request, "_kintrace_org_private", None)
    if cached is not None:
        return cached
    user = request.user
    if not (user.is_authenticated and user.is_active):
        raise KeyLocked("not_unlocked", _("Log in to read reporter data."))
    if user.role not in KEY_ROLES:
        raise KeyLocked("not_allowed", _("Your role does not read reporter data."))
    if not (hasattr(user, "is_verified") and user.is_verified()):
        raise KeyLocked("not_unlocked", _("Finish two-factor login to read reporter data."))
    if not UserKey.objects.filter(user=user, sealed_org_key__isnull=False).exists():
        raise KeyLocked("pending", _("An administrator has not yet granted you the key."))
    blob = request.session.get(SESSION_FIELD)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not blob or not cookie:
        raise KeyLocked("not_unlocked", _("Log in again to unlock reporter data."))
    try:
        session_key = base64.urlsafe_b64decode(cookie.encode())
        org_private = crypto.decrypt(session_key, base64.b64decode(blob.encode()))
    except (ValueError, crypto.CryptoError):
        raise KeyLocked("not_unlocked", _("Log in again to unlock reporter data.")) from None
    if crypto.public_from_private(org_private) != org_public_key():
        raise KeyLocked("not_unlocked", _("Log in again to unlock reporter data."))
    request._kintrace_org_private = org_private
    return org_private


def org_private_key_or_none(request) -> bytes | None:
    """The organisation private key unlocked in this request's session, or None when locked."""
    try:
        return org_private_key_for(request)
    except KeyLocked:
        return None


def unlocked_required(view):
    """Wrap a view (after staff_required) that needs the organisation key: a locked session
    goes back to the login page; a pending grant gets a page that says so (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            org_private_key_for(request)
        except KeyLocked as e:
            if e.reason == "not_unlocked":
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            return render(request, "accounts/key_locked.html", {"reason": e.reason}, status=403)
        return view(request, *args, **kwargs)

    return wrapped
