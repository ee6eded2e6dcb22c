"""Writes on staff accounts. Each one audits itself in the same transaction."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from kintrace.audit.services import audit_record
from kintrace.security import crypto, keys

from .models import Role, User

# No 0/o, 1/l/i: the one-time password is read off a screen and typed on a phone.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class StaffError(ValueError):
    """A staff change that cannot be made; the message is for the person who asked."""


@dataclass
class StaffCreated:
    user: User
    password: str  # one-time: shown once, must be changed at first login
    key: str  # "granted", "pending" or "none"
    recovery_key: str | None = None  # set only when this call created the organisation keys


def one_time_password() -> str:
    """20 characters from a 31-letter alphabet (99 bits), in groups of four."""
    raw = "".join(secrets.choice(_OTP_ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def staff_create(
    *, actor, username: str, role: str, org_private: bytes | None = None,
    recovery_key: str | None = None,
) -> StaffCreated:
    """Create a staff account with a one-time password and a key pair.

    The organisation key is granted at once when it can be: this call creates the organisation
    keys (first account), the actor's session has it unlocked (`org_private`, the key itself),
    or `recovery_key` is given. Otherwise the grant is pending until an administrator grants it.
    """
    username = (username or "").strip()
    if role not in Role.values:
        raise StaffError(_("Unknown role %(role)s; use one of: %(roles)s")
                         % {"role": role, "roles": ", ".join(Role.values)})
    if not username:
        raise StaffError(_("A username is required."))
    password = one_time_password()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise StaffError(_("A staff account named %(name)s already exists.") % {"name": username})
        user = User.objects.create_user(username, password=password, role=role)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        keys.user_key_create(user=user, password=password)
        audit_record(
            actor=actor, action="accounts.staff_create", target=user,
            after={"username": username, "role": role},
        )
        created_recovery = None
        granted = None
        if not keys.org_keys_exist():
            granted, created_recovery = keys.org_keys_create(actor=actor or user)
        elif role in keys.KEY_ROLES and recovery_key:
            try:
                granted = keys.org_private_key_from_recovery(recovery_key)
            except crypto.CryptoError:
                raise StaffError(_("That recovery key does not open the organisation key.")) from None
        elif role in keys.KEY_ROLES:
            granted = org_private
        if granted is not None and role in keys.KEY_ROLES:
            keys.grant_key_with_private(actor=actor, user=user, org_private=granted)
    return StaffCreated(
        user=user, password=password, key=keys.key_status(user), recovery_key=created_recovery
    )


def staff_deactivate(*, actor, user: User) -> None:
    """Turn an account off and take back its copy of the organisation key."""
    if actor is not None and actor.pk == user.pk:
        raise StaffError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        keys.revoke_key(actor=actor, user=user)
        audit_record(
            actor=actor, action="accounts.staff_deactivate", target=user,
            before={"is_active": True}, after={"is_active": False},
        )


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """Set a new password the user chose, and re-wrap their key pair under it."""
    if not user.check_password(old_password):
        raise StaffError(_("The current password is wrong."))
    if old_password == new_password:
        raise StaffError(_("The new password must differ from the current one."))
    validate_password(new_password, user)
    with transaction.atomic():
        keys.rewrap_for_password(user=user, old_password=old_password, new_password=new_password)
        user.set_password(new_password)
        forced = user.must_change_password
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=user, action="accounts.password_change", target=user,
            after={"forced": forced},
        )


def login_record(*, user: User) -> None:
    """Audit a completed login (password and second factor)."""
    audit_record(actor=user, action="accounts.login", target=user)
