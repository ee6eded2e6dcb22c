"""django-axes hooks: lockout keyed on the username and the browser's device cookie, and no
client address anywhere (docs/security.md, "Lockout")."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.shortcuts import render

from . import devices


def no_client_ip(request) -> None:
    """axes asks for the client address to store it; we give none (see docs/security.md)."""
    return None


class DeviceLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with its `user_agent` column holding our device label instead of
    the browser's User-Agent: "device:<id>" for a browser the account trusts, "untrusted" for
    every other one. With AXES_LOCKOUT_PARAMETERS = [["username", "user_agent"]] a failure then
    counts against (username, this browser) or (username, all unknown browsers)."""

    @staticmethod
    def _label(request, credentials) -> None:
        if request is not None:
            request.axes_user_agent = devices.label(
                request, get_client_username(request, credentials)
            )

    def filter_user_attempts(self, request, credentials=None):
        self._label(request, credentials)
        return super().filter_user_attempts(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        self._label(request, credentials)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        self._label(request, {"username": user.get_username()})
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        self._label(request, {"username": user.get_username()} if user else None)
        return super().user_logged_out(sender, request, user, **kwargs)


def lockout_response(request, response=None, credentials=None):
    """Shown instead of the login form while this account is locked for this browser."""
    from django.conf import settings

    username = get_client_username(request, credentials)
    context = {
        "cooloff_hours": settings.AXES_COOLOFF_TIME,
        "untrusted": devices.label(request, username) == devices.UNTRUSTED,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
