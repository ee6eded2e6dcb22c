"""`kintrace createstaff USERNAME --role ROLE`.

Prints `password: <one-time password>` on stdout; when it creates the organisation keys it
also prints the recovery key, once, clearly labelled. Exit status 2 on a bad role or a
username that already exists.
"""

import sys

# The roles themselves are kintrace.accounts.roles.Role; they are listed when one is refused
# (imported inside the command: `kintrace --help` does not load Django).


def register(sub) -> None:
    p = sub.add_parser("createstaff", help="create a staff account with a one-time password")
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, help="the staff role (a wrong one is refused with the list)"
    )
    p.add_argument(
        "--recovery-key",
        default=None,
        metavar="KEY",
        help="grant the organisation key at once with the recovery key ('-' reads it from stdin)",
    )
    p.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing (exit 0) when the username already exists, e.g. on a second ./run.sh",
    )
    p.set_defaults(func=createstaff)


def createstaff(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    # The lines an operator reads are in the deployment's language; the labels scripts read
    # back ("username:", "password:", "key:", "recovery key:") stay as they are.
    from django.utils.translation import gettext as _

    from kintrace.accounts.roles import ALL_ROLES

    if args.role not in ALL_ROLES:
        print(
            "kintrace createstaff: "
            + _("unknown role %(role)s; use one of: %(roles)s")
            % {"role": repr(args.role), "roles": ", ".join(ALL_ROLES)},
            file=sys.stderr,
        )
        return 2
    recovery = args.recovery_key
    if recovery == "-":
        recovery = sys.stdin.readline().strip()

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kintrace.accounts.models import User
    from kintrace.accounts.services import StaffError, staff_create

    if args.if_missing and User.objects.filter(username__iexact=args.username).exists():
        print(
            "kintrace createstaff: "
            + _("%(name)s already exists; its password is the one chosen at its first login")
            % {"name": args.username},
            file=sys.stderr,
        )
        return 0

    try:
        created = staff_create(
            actor=None, username=args.username, role=args.role, recovery_key=recovery
        )
    except StaffError as e:
        print(f"kintrace createstaff: {e}", file=sys.stderr)
        return 2
    print(f"username: {created.user.username}")
    print(f"role: {created.user.role}")
    print(f"password: {created.password}")
    print(f"key: {created.key}")
    if created.key == "pending":
        print(
            _(
                "The organisation key is pending: an administrator or coordinator grants it "
                "on the staff page (/accounts/staff/)."
            ),
            file=sys.stderr,
        )
    if created.recovery_key:
        print()
        print("=" * 72)
        print(_("ORGANISATION RECOVERY KEY - shown once, never stored. Print it and keep it"))
        print(_("offline. Without it, reporter data is lost if every staff password is lost."))
        print(f"recovery key: {created.recovery_key}")
        print("=" * 72)
    return 0
