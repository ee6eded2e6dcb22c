from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kintrace.accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        # Django stamps last_login when the password is right; ours is a login only once the
        # second factor is passed too (services.login_record sets it), so the staff page's
        # "last login" is never a stranger who had the password but not the phone.
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.disconnect(dispatch_uid="update_last_login")
