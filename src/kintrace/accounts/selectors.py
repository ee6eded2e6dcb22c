from django.db.models import Exists, OuterRef, QuerySet

from kintrace.security.models import UserKey

from .models import User


def staff_list() -> QuerySet[User]:
    """All staff accounts, active first, each with `has_key` (holds the organisation key)."""
    granted = UserKey.objects.filter(user=OuterRef("pk"), sealed_org_key__isnull=False)
    return User.objects.annotate(has_key=Exists(granted)).order_by("-is_active", "username")
