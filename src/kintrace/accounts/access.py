"""Who may open which view.

Every staff view is wrapped in `staff_required(...)` naming the roles it is for. A user who is
not logged in goes to the login page; one who has not passed two-factor verification goes to
the two-factor step; a logged-in user of another role gets 403 (and nothing about the data).
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .roles import ALL_ROLES, NAME_ROLES

__all__ = ["ALL_ROLES", "NAME_ROLES", "staff_required", "user_has_role"]


def user_has_role(user, roles) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def staff_required(*roles):
    """Allow only logged-in, two-factor-verified staff whose role is in `roles`."""
    allowed = tuple(roles) or ALL_ROLES

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if not (hasattr(user, "is_verified") and user.is_verified()):
                return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
            if not user_has_role(user, allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]  # read by the access tests
        return wrapped

    return decorator
