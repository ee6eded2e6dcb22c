from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_DESCRIPTIONS, Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits the app shows.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, strip=False
    )
    new_password1 = forms.CharField(
        label=_("New password (at least 12 characters)"),
        widget=forms.PasswordInput,
        strip=False,
    )
    new_password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        old, new1, new2 = (data.get(k) for k in ("old_password", "new_password1", "new_password2"))
        if old and not self.user.check_password(old):
            self.add_error("old_password", _("The current password is wrong."))
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", _("The two new passwords differ."))
        elif new1 and old and new1 == old:
            self.add_error("new_password1", _("The new password must differ from the current one."))
        elif new1:
            try:
                validate_password(new1, self.user)
            except forms.ValidationError as e:
                self.add_error("new_password1", e)
        return data


def role_field() -> forms.ChoiceField:
    """A role chosen on purpose: no role is preselected (a new account must not become an
    administrator by a missed click), and each is described (`role_options`)."""
    return forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a role.")},
    )


def role_options(field) -> list[dict]:
    """The role radio buttons with their descriptions, for the template."""
    return [
        {"radio": radio, "description": ROLE_DESCRIPTIONS[Role(radio.data["value"])]}
        for radio in field
    ]


class StaffCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and . @ + - _ only.")},
    )
    role = role_field()


class RoleChangeForm(forms.Form):
    role = role_field()
