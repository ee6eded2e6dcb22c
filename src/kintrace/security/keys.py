"""Key management: one organisation key pair, unlocked per staff member by their password.

    reporter data --seal/encrypt--> org public key
    org private key --encrypt--> recovery key (printed once)                 [OrgKey]
    org private key --seal-->    staff member's public key      [UserKey.sealed_org_key]
    staff private key --encrypt--> Argon2id(password, salt)    [UserKey.wrapped_private]

At login the password opens the staff member's private key, which opens the organisation key;
`kintrace.security.unlock` keeps it for the session. Services that need the organisation key
take it as bytes from the view, never the request.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.accounts import roles
from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record

from . import crypto
from .models import OrgKey, UserKey

log = logging.getLogger(__name__)

# Roles that may hold the organisation key. Analysts never do (numbers only).
KEY_ROLES = roles.KEY_ROLES
# Roles that may grant the organisation key to a colleague.
GRANT_ROLES = roles.GRANT_ROLES


class KeyManagementError(Exception):
    """Base for key-management errors shown to staff."""


class OrgKeysMissing(KeyManagementError):
    """The organisation keys have not been created yet (`kintrace createstaff` creates them)."""


class KeyLocked(KeyManagementError):
    """The organisation key is not available to this request (`kintrace.security.unlock`).

    `reason` is "not_unlocked" (log in again), "pending" (an admin must grant the key) or
    "not_allowed" (this role never holds the key).
    """

    def __init__(self, reason: str, message: str = ""):
        self.reason = reason
        super().__init__(message or reason)


class KeyGrantError(KeyManagementError):
    """A key grant that cannot be made (wrong role, no key pair yet, ...)."""


def _b(value) -> bytes:
    # BinaryField reads back as memoryview on PostgreSQL and bytes on SQLite.
    return bytes(value) if value is not None else b""


# --- Organisation keys -------------------------------------------------------------------


def org_keys_exist() -> bool:
    return OrgKey.objects.filter(pk=1).exists()


def org_public_key() -> bytes:
    row = OrgKey.objects.filter(pk=1).only("public_key").first()
    if row is None:
        raise OrgKeysMissing(_("The organisation keys have not been created yet."))
    return _b(row.public_key)


def org_keys_create(*, actor) -> tuple[bytes, str]:
    """Create the organisation key pair. Returns (private key, printed recovery key).

    The caller must show the recovery key once and grant the private key to the first staff
    member; neither is stored in clear anywhere.
    """
    public, private = crypto.keypair()
    recovery = crypto.new_recovery_key()
    with transaction.atomic():
        OrgKey.objects.create(
            pk=1, public_key=public, recovery_wrapped_private=crypto.encrypt(recovery, private)
        )
        audit_record(
            actor=actor,
            action=Action.SECURITY_ORG_KEYS_CREATE,
            target_type="security.orgkey",
            target_id="1",
            after={"public_key": public.hex()},
        )
    return private, crypto.recovery_key_format(recovery)


def org_private_key_from_recovery(recovery_key: str) -> bytes:
    """Open the organisation private key with the printed recovery key (CryptoError if wrong)."""
    row = OrgKey.objects.get(pk=1)
    return crypto.decrypt(crypto.recovery_key_parse(recovery_key), _b(row.recovery_wrapped_private))


# --- Staff key pairs ---------------------------------------------------------------------


def _wrap_private(private: bytes, password: str) -> dict:
    salt = crypto.new_salt()
    kek = crypto.derive_key(password, salt)
    return {
        "wrapped_private": crypto.encrypt(kek, private),
        "salt": salt,
        "ops": crypto.PASSWORD_OPS,
        "mem": crypto.PASSWORD_MEM,
    }


def _unwrap_private(user_key: UserKey, password: str) -> bytes:
    kek = crypto.derive_key(password, _b(user_key.salt), ops=user_key.ops, mem=user_key.mem)
    return crypto.decrypt(kek, _b(user_key.wrapped_private))


def user_key_create(*, user, password: str) -> UserKey:
    """Give a staff member a key pair, its private half wrapped under `password`."""
    public, private = crypto.keypair()
    return UserKey.objects.create(user=user, public_key=public, **_wrap_private(private, password))


def _grant(*, user_key: UserKey, org_private: bytes, actor) -> None:
    if user_key.user.role not in KEY_ROLES:
        raise KeyGrantError(_("This role never holds the organisation key."))
    user_key.sealed_org_key = crypto.seal(_b(user_key.public_key), org_private)
    user_key.granted_by = actor if actor is not None and actor.pk else None
    user_key.granted_at = timezone.now()
    user_key.save(update_fields=["sealed_org_key", "granted_by", "granted_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.SECURITY_KEY_GRANT,
        target=user_key.user,
        after={"username": user_key.user.get_username()},
    )


def grant_key_with_private(*, actor, user, org_private: bytes) -> None:
    """Grant the organisation key to `user` when the caller already holds it (CLI paths)."""
    try:
        user_key = user.security_key
    except UserKey.DoesNotExist:
        raise KeyGrantError(_("This account has no key pair yet; it must log in once.")) from None
    with transaction.atomic():
        _grant(user_key=user_key, org_private=org_private, actor=actor)


def grant_key(*, actor, user, org_private: bytes) -> None:
    """Grant the organisation key to `user`, with the key unlocked in `actor`'s session."""
    if actor.role not in GRANT_ROLES:
        raise KeyGrantError(_("Only an administrator or a coordinator can grant keys."))
    grant_key_with_private(actor=actor, user=user, org_private=org_private)


def revoke_key(*, actor, user) -> None:
    """Remove `user`'s copy of the organisation key (e.g. when the account is deactivated).

    It does not help against someone who already copied the key: see docs/security.md.
    """
    with transaction.atomic():
        updated = UserKey.objects.filter(user=user, sealed_org_key__isnull=False).update(
            sealed_org_key=None, granted_by=None, granted_at=None, updated_at=timezone.now()
        )
        if updated:
            audit_record(
                actor=actor,
                action=Action.SECURITY_KEY_REVOKE,
                target=user,
                after={"username": user.get_username()},
            )


def key_status(user) -> str:
    """'granted', 'pending' or 'none' (roles that never hold the key)."""
    if user.role not in KEY_ROLES:
        return "none"
    has = UserKey.objects.filter(user=user, sealed_org_key__isnull=False).exists()
    return "granted" if has else "pending"


def rewrap_for_password(*, user, old_password: str, new_password: str) -> None:
    """Re-encrypt the user's private key under their new password (password change)."""
    with transaction.atomic():
        user_key = UserKey.objects.select_for_update().filter(user=user).first()
        if user_key is None:
            user_key_create(user=user, password=new_password)
            return
        try:
            private = _unwrap_private(user_key, old_password)
        except crypto.CryptoError:
            _reset_user_key(user_key=user_key, password=new_password)
            return
        for field, value in _wrap_private(private, new_password).items():
            setattr(user_key, field, value)
        user_key.save()


def user_key_replace(*, actor, user, password: str) -> None:
    """An administrator reset `user`'s password: the old wrapping cannot be opened without the
    old password, so the account gets a new key pair under the new one and its grant becomes
    pending (the caller grants again when its session holds the organisation key)."""
    with transaction.atomic():
        user_key = UserKey.objects.select_for_update().filter(user=user).first()
        if user_key is None:
            user_key_create(user=user, password=password)
            return
        public, private = crypto.keypair()
        user_key.public_key = public
        for field, value in _wrap_private(private, password).items():
            setattr(user_key, field, value)
        had_grant = user_key.sealed_org_key is not None
        user_key.sealed_org_key = None
        user_key.granted_by = None
        user_key.granted_at = None
        user_key.save()
        audit_record(
            actor=actor,
            action=Action.SECURITY_USER_KEY_REPLACE,
            target=user,
            after={"username": user.get_username(), "had_grant": had_grant},
        )


def _reset_user_key(*, user_key: UserKey, password: str) -> None:
    """The password was set outside our services, so the old wrapping cannot be opened.

    The old key pair is lost; a new one is made and any grant becomes pending again.
    """
    log.warning("key pair of %s could not be opened; replaced, grant pending", user_key.user)
    public, private = crypto.keypair()
    user_key.public_key = public
    for field, value in _wrap_private(private, password).items():
        setattr(user_key, field, value)
    user_key.sealed_org_key = None
    user_key.granted_by = None
    user_key.granted_at = None
    user_key.save()
    audit_record(
        actor=user_key.user,
        action=Action.SECURITY_USER_KEY_RESET,
        target=user_key.user,
        after={"username": user_key.user.get_username()},
    )
