import base64
import logging
import secrets
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from kintrace.security import crypto

from .roles import ESTIMATE_ROLES, NAME_ROLES, STAFF_VIEW_ROLES, Role

__all__ = ["Role", "TOTPDevice", "User"]

log = logging.getLogger(__name__)


# The inactive account command-line actions are recorded under (services.system_user): not a
# member of staff, so the staff pages leave it out
SYSTEM_USERNAME = "system"


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django_otp has no stubs
    """A staff member. Reporters never have accounts."""

    # Set on the row accounts.selectors.staff_member returns (not a column)
    lockouts: int

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CASEWORKER)
    # Set for a one-time password (new account or reset): the next login must choose a new one.
    must_change_password = models.BooleanField(default=False)

    @property
    def sees_names(self) -> bool:
        """Analysts work with numbers only and never see a person's name."""
        return self.role in NAME_ROLES

    @property
    def sees_estimate(self) -> bool:
        """Analysts, coordinators and administrators see the estimate page (accounts.roles)."""
        return self.role in ESTIMATE_ROLES

    @property
    def sees_staff(self) -> bool:
        """Administrators and coordinators see the staff list (accounts.roles)."""
        return self.role in STAFF_VIEW_ROLES


# --- Second factor -----------------------------------------------------------------------

TOTP_KEY_FILE = "totp_key"
TOTP_SEED_BYTES = 20  # 160 bits, as RFC 4226 recommends and django-otp's own default


def _totp_context(user_id) -> bytes:
    # Sealed into the ciphertext: a seed copied into another account's row does not open there.
    return f"kintrace totp seed v1 user {user_id}\n".encode()


def totp_seed_encrypt(*, user_id: int, seed: bytes) -> bytes:
    """The stored form of a TOTP seed: SecretBox under KINTRACE_DATA_DIR/totp_key (0600),
    bound to the user it belongs to."""
    return crypto.encrypt(crypto.data_dir_secret(TOTP_KEY_FILE), _totp_context(user_id) + seed)


def totp_seed_decrypt(*, user_id: int, blob: bytes) -> bytes:
    """The seed from its stored form; crypto.CryptoError if the key, the blob or the owner
    does not fit."""
    plain = crypto.decrypt(crypto.data_dir_secret(TOTP_KEY_FILE), bytes(blob))
    context = _totp_context(user_id)
    if not plain.startswith(context):
        raise crypto.CryptoError("this TOTP seed belongs to another account")
    return plain[len(context) :]


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's authenticator app, for django-otp, with its seed encrypted at rest.

    django-otp's own TOTPDevice keeps the seed as hex in the database, so a dump of the
    database defeats the second factor (django-otp issue #67). This model has the same fields
    and the same verification (django_otp.oath.TOTP, throttling, no reuse of a used code),
    but stores only `encrypted_key`, sealed with a key that lives in the data directory,
    never in the database. A device saved without a key gets a fresh random seed.
    """

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="totp_devices",
    )
    encrypted_key = models.BinaryField(editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: a code is never accepted twice.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def save(self, *args, **kwargs):
        if not self.encrypted_key:
            self.set_seed(secrets.token_bytes(TOTP_SEED_BYTES))
        super().save(*args, **kwargs)

    def set_seed(self, seed: bytes) -> None:
        """Store `seed` (raw bytes) encrypted; the device must already have its user."""
        self.encrypted_key = totp_seed_encrypt(user_id=self.user_id, seed=seed)

    @property
    def bin_key(self) -> bytes:
        """The seed as raw bytes, decrypted only when a code is checked or shown."""
        return totp_seed_decrypt(user_id=self.user_id, blob=bytes(self.encrypted_key))

    def seed_opens(self) -> bool:
        """False when the stored seed cannot be decrypted (the data directory's totp_key was
        replaced, or the row altered): no code can ever match it."""
        try:
            _ = self.bin_key  # decrypts the seed
        except crypto.CryptoError:
            return False
        return True

    def verify_token(self, token) -> bool:
        """True if `token` is the code now (within `tolerance` steps) and newer than the last
        accepted one. Mirrors django_otp.plugins.otp_totp's TOTPDevice.verify_token."""
        allowed, _why = self.verify_is_allowed()
        if not allowed:
            return False
        verified = False
        seed = None
        try:
            token = int(token)
        except (TypeError, ValueError):
            pass
        else:
            try:
                seed = self.bin_key
            except crypto.CryptoError:
                # The key file was replaced or the row was tampered with: no code can match.
                log.error(
                    "TOTP seed of device %s cannot be decrypted (data directory's "
                    "totp_key replaced, or the row altered)",
                    self.pk,
                )
                seed = None
        if seed is not None:
            totp = TOTP(seed, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(token, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator app reads from the enrolment QR code."""
        label = self.user.get_username()
        params = {
            "secret": base64.b32encode(self.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        issuer = getattr(settings, "OTP_TOTP_ISSUER", "")
        if issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            params["issuer"] = issuer
        return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"
