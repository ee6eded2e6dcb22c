"""Staff login: password, then TOTP (enrolled at first login), then a forced password change
for one-time passwords; and the small staff-management pages for administrators.

The login steps run in this order, each redirecting to the next that is still owed:
  password -> [TOTP, if a device exists] -> [new password, if one-time] -> [TOTP enrolment]
"""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kintrace.intake import tokens
from kintrace.intake.models import ReporterToken
from kintrace.ops.selectors import backup_status
from kintrace.security import keys, unlock
from kintrace.web.params import local_path_or_empty

from . import devices, selectors, services
from .access import staff_required
from .forms import (
    LoginForm,
    PasswordChangeForm,
    RoleChangeForm,
    StaffCreateForm,
    TokenForm,
    role_options,
)
from .lockout import lockout_response
from .models import User
from .roles import STAFF_MANAGE_ROLES, STAFF_VIEW_ROLES

NEXT_FIELD = "kintrace_next"


def _safe_next(request, url: str | None) -> str:
    return local_path_or_empty(request, url)


def _is_verified(user) -> bool:
    # Right after login() request.user is the bare model, not yet patched by OTPMiddleware.
    return bool(hasattr(user, "is_verified") and user.is_verified())


def _next_step(request):
    """Redirect to the next login step this user still owes, or to where they were going."""
    user = request.user
    device = selectors.totp_device_confirmed(user)
    if device is not None and not _is_verified(user):
        return redirect("accounts:two_factor")
    if user.must_change_password:
        return redirect("accounts:password_change")
    if device is None:
        return redirect("accounts:totp_setup")
    return redirect(request.session.pop(NEXT_FIELD, "") or settings.LOGIN_REDIRECT_URL)


def _token_accepted(form, device) -> bool:
    """Check the posted code; django-otp throttles wrong codes and refuses a used one."""
    if not form.is_valid():
        return False
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        form.add_error(None, _("Too many wrong codes. Wait a minute and try again."))
        return False
    if not device.verify_token(form.cleaned_data["token"]):
        form.add_error(
            "token",
            _("That code is not right. Codes change every 30 seconds; check the phone's clock."),
        )
        return False
    return True


def _verified(request, device):
    """The login is complete: record it, and let this browser be one the account trusts, so
    strangers' failed logins never lock it (accounts/devices.py)."""
    otp_login(request, device)
    services.login_record(user=request.user)
    response = _next_step(request)
    devices.trust(request, response, request.user)
    return response


@never_cache
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        user = authenticate(request, username=username, password=password)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            form.add_error(None, _("Wrong username or password."))
        else:
            next_url = _safe_next(request, request.POST.get("next"))
            login(request, user)
            unlock.unlock_at_login(request=request, user=user, password=password)
            request.session[NEXT_FIELD] = next_url
            return unlock.attach_unlock_cookie(request, _next_step(request))
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@never_cache
def two_factor_view(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.GET.get("next"):
        request.session[NEXT_FIELD] = _safe_next(request, request.GET["next"])
    device = selectors.totp_device_confirmed(request.user)
    if device is None:
        return redirect("accounts:totp_setup")
    if _is_verified(request.user):
        return _next_step(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _token_accepted(form, device):
        return _verified(request, device)
    return render(request, "accounts/two_factor.html", {"form": form})


@never_cache
def password_change_view(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if selectors.totp_device_confirmed(user) is not None and not _is_verified(user):
        return redirect("accounts:two_factor")
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        forced = user.must_change_password
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except services.StaffError as e:
            form.add_error(None, str(e))
        else:
            update_session_auth_hash(request, user)
            if forced:
                return _next_step(request)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:password_change")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


def _qr_data_uri(text: str) -> str:
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@never_cache
def totp_setup_view(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if user.must_change_password:
        return redirect("accounts:password_change")
    if selectors.totp_device_confirmed(user) is not None:
        return redirect("accounts:two_factor")
    device = services.totp_enrolment_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _token_accepted(form, device):
        return _verified(request, services.totp_enrolment_confirm(user=user, device=device))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": _qr_data_uri(device.config_url),
    }
    return render(request, "accounts/totp_setup.html", context)


def logout_view(request):
    if request.method != "POST":
        return render(request, "accounts/logout.html")
    response = redirect("accounts:login")
    unlock.forget_unlock(request, response)
    logout(request)
    return response


# --- Staff management --------------------------------------------------------------------


@staff_required(*STAFF_VIEW_ROLES)
def staff_list_view(request):
    try:
        unlock.org_private_key_for(request)
        unlocked = True
    except keys.KeyLocked:
        unlocked = False
    return render(
        request,
        "accounts/staff_list.html",
        {
            "staff": selectors.staff_list(),
            "unlocked": unlocked,
            "can_manage": request.user.role in STAFF_MANAGE_ROLES,
            "backups": backup_status() if request.user.role in STAFF_MANAGE_ROLES else None,
        },
    )


@never_cache
@staff_required(*STAFF_MANAGE_ROLES)
def staff_create_view(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.staff_create(
                actor=request.user,
                org_private=unlock.org_private_key_or_none(request),
                **form.cleaned_data,
            )
        except services.StaffError as e:
            form.add_error("username", str(e))
        else:
            return _secret_redirect(
                {
                    "page": "created",
                    "user": created.user.pk,
                    "password": created.password,
                    "key": created.key,
                }
            )
    return render(
        request,
        "accounts/staff_create.html",
        {"form": form, "role_options": role_options(form["role"])},
    )


@require_POST
@staff_required(*STAFF_VIEW_ROLES)
@unlock.unlocked_required
def staff_grant_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        keys.grant_key(
            actor=request.user, user=target, org_private=unlock.org_private_key_for(request)
        )
    except keys.KeyGrantError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request, _("%(name)s can now read reporter data.") % {"name": target.get_username()}
        )
    return redirect("accounts:staff")


@require_POST
@staff_required(*STAFF_MANAGE_ROLES)
def staff_deactivate_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    try:
        services.staff_deactivate(actor=request.user, user=target)
    except services.StaffError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request, _("%(name)s has been deactivated.") % {"name": target.get_username()}
        )
    return redirect("accounts:staff")


def _member_or_404(user_id: int) -> User:
    member = selectors.staff_member(user_id)
    if member is None:
        raise Http404
    return member


def _detail_page(request, member, role_form=None, status=200):
    role_form = role_form or RoleChangeForm(initial={"role": member.role})
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "member": member,
            "role_form": role_form,
            "role_options": role_options(role_form["role"]),
        },
        status=status,
    )


@never_cache
@staff_required(*STAFF_MANAGE_ROLES)
def staff_detail_view(request, user_id: int):
    return _detail_page(request, _member_or_404(user_id))


@require_POST
@staff_required(*STAFF_MANAGE_ROLES)
def staff_unlock_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    services.staff_unlock(actor=request.user, user=target)
    messages.success(
        request, _("%(name)s can log in again from any browser.") % {"name": target.get_username()}
    )
    return redirect("accounts:staff_detail", user_id=target.pk)


@never_cache
@require_POST
@staff_required(*STAFF_MANAGE_ROLES)
def staff_password_reset_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    try:
        password = services.staff_password_reset(
            actor=request.user, user=target, org_private=unlock.org_private_key_or_none(request)
        )
    except services.StaffError as e:
        messages.error(request, str(e))
        return redirect("accounts:staff_detail", user_id=target.pk)
    return _secret_redirect(
        {"page": "reset", "user": target.pk, "password": password, "key": keys.key_status(target)}
    )


# A new one-time password is shown on a page after a redirect (post/redirect/get: a reload
# neither re-posts nor makes another password). It waits there, encrypted under a key only the
# administrator's browser holds (a short-lived cookie; kintrace.intake.tokens), for
# ONE_TIME_SECONDS or until "Done"; the database alone opens nothing.
ONE_TIME_COOKIE = "kt_staff_secret"
ONE_TIME_PATH = "/accounts/"
ONE_TIME_SECONDS = 5 * 60


def _secret_redirect(data: dict):
    token = tokens.token_issue(
        kind=ReporterToken.Kind.STAFF_SECRET, data=data, seconds=ONE_TIME_SECONDS
    )
    response = redirect("accounts:staff_secret")
    response.set_cookie(
        ONE_TIME_COOKIE,
        token,
        max_age=ONE_TIME_SECONDS,
        path=ONE_TIME_PATH,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@never_cache
@staff_required(*STAFF_VIEW_ROLES)
def staff_secret_view(request):
    token = request.COOKIES.get(ONE_TIME_COOKIE, "")
    if request.method == "POST":  # "Done": forget it now
        tokens.token_end(token=token)
        response = redirect("accounts:staff")
        response.delete_cookie(ONE_TIME_COOKIE, path=ONE_TIME_PATH)
        return response
    data = tokens.token_read(kind=ReporterToken.Kind.STAFF_SECRET, token=token)
    member = selectors.staff_member(data["user"]) if data else None
    if not data or member is None:
        messages.info(
            request,
            _(
                "That one-time password is no longer shown: it was shown for "
                "five minutes or until you pressed Done. Reset the password "
                "again if it was not written down."
            ),
        )
        return redirect("accounts:staff")
    template = (
        "accounts/staff_created.html"
        if data["page"] == "created"
        else "accounts/staff_password_reset.html"
    )
    return render(
        request, template, {"member": member, "password": data["password"], "key": data["key"]}
    )


@require_POST
@staff_required(*STAFF_MANAGE_ROLES)
def staff_totp_reset_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    try:
        services.staff_totp_reset(actor=request.user, user=target)
    except services.StaffError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(name)s sets up two-factor login again at the next login.")
            % {"name": target.get_username()},
        )
    return redirect("accounts:staff_detail", user_id=target.pk)


@require_POST
@staff_required(*STAFF_MANAGE_ROLES)
def staff_role_view(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, _member_or_404(user_id), form, status=400)
    try:
        services.staff_role_change(
            actor=request.user,
            user=target,
            role=form.cleaned_data["role"],
            org_private=unlock.org_private_key_or_none(request),
        )
    except services.StaffError as e:
        messages.error(request, str(e))
    else:
        target = selectors.staff_member(target.pk) or target
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {"name": target.get_username(), "role": target.get_role_display()},
        )
    return redirect("accounts:staff_detail", user_id=target.pk)
