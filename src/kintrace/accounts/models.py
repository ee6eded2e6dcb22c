from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    ANALYST = "analyst", _("Analyst")


class User(AbstractUser):
    """A staff member. Reporters never have accounts."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CASEWORKER)
    # Set for a one-time password (new account or reset): the next login must choose a new one.
    must_change_password = models.BooleanField(default=False)

    @property
    def sees_names(self) -> bool:
        """Analysts work with numbers only and never see a person's name."""
        return self.role in (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)
