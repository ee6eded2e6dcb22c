"""Staff roles and what each may do: the one place they are defined.

Views name the role set they are for (`staff_required(*roles.NAME_ROLES)`), services and
templates ask the same sets (through `User.sees_names` / `User.sees_staff` in templates), the
key scheme hands the organisation key only to `KEY_ROLES`. `tests/accounts/test_every_url.py`
requests every URL as each role and checks the refusals these sets imply.

The rule behind them (docs/security.md, DESIGN.md): analysts see numbers, never a name or
reporter data; administrators and coordinators coordinate (remove events, decide conflicting
evidence, grant the key, see the staff list); only administrators manage accounts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    ANALYST = "analyst", _("Analyst")


# Every staff role: a view for all logged-in, verified staff.
ALL_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.ANALYST)
# May see persons' names and reporter data (every page with a name). Analysts may not.
NAME_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)
# Hold a copy of the organisation key (sealed to their key pair): exactly those who see names.
KEY_ROLES = NAME_ROLES
# Grant the organisation key to a colleague.
GRANT_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
# See the staff list and a staff member's page.
STAFF_VIEW_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
# Create, deactivate, unlock, reset and change the role of staff accounts.
STAFF_MANAGE_ROLES: tuple[Role, ...] = (Role.ADMIN,)
# Remove an event from a person's story (and restore it): it changes what the registry says.
DELETE_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
# Decide conflicting evidence about a man's fate (a death, then a sign of life).
DECIDE_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
# See the estimate of men nobody reported and the anonymised releases (counts, no names);
# caseworkers work on persons and are not offered them.
ESTIMATE_ROLES: tuple[Role, ...] = (Role.ANALYST, Role.COORDINATOR, Role.ADMIN)

# Shown beside each role wherever a role is chosen (new account, role change).
ROLE_DESCRIPTIONS = {
    Role.ADMIN: _(
        "Manages staff accounts: creates them, unlocks them, resets passwords and "
        "two-factor login, changes roles. Also does everything a coordinator does."
    ),
    Role.COORDINATOR: _(
        "Reads reports and cases, assigns work and grants colleagues the key to "
        "reporter data. Cannot manage staff accounts."
    ),
    Role.CASEWORKER: _(
        "Triages reports, works on cases, edits persons, events and sources, "
        "imports and reviews lists. Reads reporter data."
    ),
    Role.ANALYST: _(
        "Sees numbers only: counts, charts, the public export. Never sees a name "
        "or any reporter data."
    ),
}
