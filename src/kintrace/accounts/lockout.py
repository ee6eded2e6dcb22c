"""django-axes hooks: lockout keyed on the username alone, and no client address anywhere."""

from django.shortcuts import render


def no_client_ip(request) -> None:
    """axes asks for the client address to store it; we give none (see docs/security.md)."""
    return None


def lockout_response(request, response=None, credentials=None):
    """Shown instead of the login form while an account is locked out."""
    from django.conf import settings

    context = {"cooloff_hours": settings.AXES_COOLOFF_TIME}
    return render(request, "accounts/locked_out.html", context, status=429)
