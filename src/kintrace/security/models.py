from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKey(models.Model):  # noqa: DJ008 - key material, never shown
    """The organisation's key pair (a single row, pk=1).

    Reporter data is sealed to `public_key`. The private key is stored only encrypted: here
    under the recovery key (shown once, never stored), and per staff member in UserKey.
    """

    public_key = models.BinaryField()
    recovery_wrapped_private = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation key")


class UserKey(models.Model):  # noqa: DJ008 - key material, never shown
    """A staff member's own key pair, its private half encrypted under their password.

    `sealed_org_key` is the organisation's private key sealed to this user's public key: it can
    be written by anyone holding the organisation key (no need for the user's password) and read
    only after the user's password has opened their private key. Null while a grant is pending;
    always null for analysts.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_key"
    )
    public_key = models.BinaryField()
    wrapped_private = models.BinaryField()
    salt = models.BinaryField()
    ops = models.PositiveIntegerField()
    mem = models.PositiveBigIntegerField()
    sealed_org_key = models.BinaryField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff key")

    @property
    def has_grant(self) -> bool:
        return self.sealed_org_key is not None
