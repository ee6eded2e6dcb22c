from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from kintrace.security.models import UserKey

from .models import SYSTEM_USERNAME, TOTPDevice, User


def _locked_attempts():
    """Lockout records still in force: as many failures as the limit, within the cool-off."""
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        attempt_time__gte=since,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    )


def staff_list() -> QuerySet[User]:
    """All staff accounts (not the inactive system account the command line records its
    actions under), active first, each with `has_key` (holds the organisation key),
    `has_totp` (an enrolled authenticator app) and `locked` (locked out in some browser)."""
    granted = UserKey.objects.filter(user=OuterRef("pk"), sealed_org_key__isnull=False)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    locked = _locked_attempts().filter(username=OuterRef("username"))
    # UNUSABLE_PASSWORD_PREFIX: the system account can never log in
    unusable = {"password__startswith": UNUSABLE_PASSWORD_PREFIX}
    return (
        User.objects.exclude(username=SYSTEM_USERNAME, is_active=False, **unusable)
        .annotate(
            has_key=Exists(granted),
            has_totp=Exists(enrolled),
            locked=Exists(locked),
        )
        .order_by("-is_active", "username")
    )


def staff_member(pk: int) -> User | None:
    """One account with the same annotations as staff_list, plus `lockouts`: how many browsers
    it is locked out in ("untrusted" counts as one)."""
    member = staff_list().filter(pk=pk).first()
    if member is not None:
        member.lockouts = _locked_attempts().filter(username=member.username).count()
    return member


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator (their second factor), or None before enrolment."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
