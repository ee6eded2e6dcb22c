"""Writes on staff accounts. Each one audits itself in the same transaction."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.security import crypto, keys

from .models import SYSTEM_USERNAME, Role, TOTPDevice, User

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
    *,
    actor,
    username: str,
    role: str,
    org_private: bytes | None = None,
    recovery_key: str | None = None,
) -> StaffCreated:
    """Create a staff account with a one-time password and a key pair.

    The organisation key is granted at once when it can be: this call creates the organisation
    keys (first account), the actor's session has it unlocked (`org_private`, the key itself),
    or `recovery_key` is given. Otherwise the grant is pending until an administrator grants it.
    """
    username = (username or "").strip()
    if role not in Role.values:
        raise StaffError(
            _("Unknown role %(role)s; use one of: %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if not username:
        raise StaffError(_("A username is required."))
    password = one_time_password()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise StaffError(
                _("A staff account named %(name)s already exists.") % {"name": username}
            )
        user = User.objects.create_user(username, password=password, role=role)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        keys.user_key_create(user=user, password=password)
        audit_record(
            actor=actor,
            action=Action.ACCOUNTS_STAFF_CREATE,
            target=user,
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
                raise StaffError(
                    _("That recovery key does not open the organisation key.")
                ) from None
        elif role in keys.KEY_ROLES:
            granted = org_private
        if granted is not None and role in keys.KEY_ROLES:
            keys.grant_key_with_private(actor=actor, user=user, org_private=granted)
    return StaffCreated(
        user=user, password=password, key=keys.key_status(user), recovery_key=created_recovery
    )


def staff_deactivate(*, actor, user: User) -> None:
    """Turn an account off and take back its copy of the organisation key."""
    _refuse_self(actor, user, _("You cannot deactivate your own account."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        keys.revoke_key(actor=actor, user=user)
        audit_record(
            actor=actor,
            action=Action.ACCOUNTS_STAFF_DEACTIVATE,
            target=user,
            before={"is_active": True},
            after={"is_active": False},
        )


def _refuse_self(actor, user: User, message: str) -> None:
    if actor is not None and actor.pk == user.pk:
        raise StaffError(message)


def _try_grant(*, actor, user: User, org_private: bytes | None) -> None:
    """Grant the organisation key at once when the actor's session holds it (`org_private`, the
    key the view read from it); else the grant stays pending."""
    if user.role not in keys.KEY_ROLES or org_private is None:
        return
    # A fresh row: `user` may cache the key pair that was just replaced.
    fresh = User.objects.get(pk=user.pk)
    keys.grant_key_with_private(actor=actor, user=fresh, org_private=org_private)


def staff_unlock(*, actor, user: User) -> int:
    """Forget every failed login counted against this account, in every browser; returns how
    many lockout records were removed."""
    from axes.models import AccessAttempt

    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=user.get_username())
        failures = sum(a.failures_since_start for a in attempts)
        count, _by_model = attempts.delete()
        audit_record(
            actor=actor,
            action=Action.ACCOUNTS_STAFF_UNLOCK,
            target=user,
            before={"failures": failures},
            after={"failures": 0},
        )
    return count


def staff_password_reset(*, actor, user: User, org_private: bytes | None = None) -> str:
    """Give `user` a new one-time password (returned, shown once) that must be changed at the
    next login. Their key pair is replaced (the old one opens only with the forgotten password),
    re-granted at once when the actor's session holds the organisation key. Their sessions end:
    Django ties each session to the password hash."""
    _refuse_self(actor, user, _("Change your own password on the password page."))
    if not user.is_active:
        raise StaffError(_("This account is deactivated."))
    password = one_time_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        keys.user_key_replace(actor=actor, user=user, password=password)
        _try_grant(actor=actor, user=user, org_private=org_private)
        audit_record(
            actor=actor,
            action=Action.ACCOUNTS_STAFF_PASSWORD_RESET,
            target=user,
            after={"must_change_password": True},
        )
    return password


def staff_totp_reset(*, actor, user: User) -> None:
    """Delete the account's authenticator app (a lost phone): the next login enrols a new one,
    and a session verified with the old app is no longer verified."""
    _refuse_self(
        actor, user, _("You cannot reset your own two-factor login; ask another administrator.")
    )
    with transaction.atomic():
        count, _by_model = TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action=Action.ACCOUNTS_STAFF_TOTP_RESET,
            target=user,
            before={"devices": count},
            after={"devices": 0},
        )


def staff_role_change(*, actor, user: User, role: str, org_private: bytes | None = None) -> None:
    """Give `user` another role. Analysts never hold the organisation key, so a change to
    analyst takes it back; a change from analyst grants it when the actor's session can."""
    if role not in Role.values:
        raise StaffError(
            _("Unknown role %(role)s; use one of: %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    _refuse_self(actor, user, _("You cannot change your own role; ask another administrator."))
    if not user.is_active:
        raise StaffError(_("This account is deactivated."))
    before = user.role
    if before == role:
        return
    with transaction.atomic():
        user.role = role
        user.save(update_fields=["role"])
        if role not in keys.KEY_ROLES:
            keys.revoke_key(actor=actor, user=user)
        elif before not in keys.KEY_ROLES:
            _try_grant(actor=actor, user=user, org_private=org_private)
        audit_record(
            actor=actor,
            action=Action.ACCOUNTS_STAFF_ROLE_CHANGE,
            target=user,
            before={"role": before},
            after={"role": role},
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
            actor=user,
            action=Action.ACCOUNTS_PASSWORD_CHANGE,
            target=user,
            after={"forced": forced},
        )


def login_record(*, user: User) -> None:
    """A completed login (password and second factor): its time is the account's last login."""
    from django.utils import timezone

    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        audit_record(actor=user, action=Action.ACCOUNTS_LOGIN, target=user)


def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling, made when there is none (or when the
    one there no longer opens: its key file replaced or its row altered). Audited when made."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is not None and not device.seed_opens():
            device.delete()
            device = None
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="kintrace", confirmed=False)
            audit_record(
                actor=user,
                action=Action.ACCOUNTS_TOTP_ENROL_START,
                target=user,
                after={"device": device.pk},
            )
    return device


def totp_enrolment_confirm(*, user: User, device: TOTPDevice) -> TOTPDevice:
    """The user typed a valid code from the new authenticator: it becomes their second factor,
    and any other unconfirmed one is dropped. Audited."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(
            actor=user, action=Action.ACCOUNTS_TOTP_ENROL, target=user, after={"device": device.pk}
        )
    return device


def system_user() -> User:
    """The inactive "system" account that command-line actions are recorded under, made on
    first use (no usable password and inactive, so it can never log in). Its making is
    audited, with no actor: nobody logged in made it."""
    with transaction.atomic():
        user = User.objects.filter(username=SYSTEM_USERNAME).first()
        if user is not None:
            return user
        user = User(username=SYSTEM_USERNAME, is_active=False, role=Role.CASEWORKER)
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=None,
            action=Action.ACCOUNTS_SYSTEM_CREATE,
            target=user,
            after={"username": SYSTEM_USERNAME, "is_active": False, "role": user.role},
        )
    return user
