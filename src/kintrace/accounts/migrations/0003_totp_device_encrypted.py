"""Staff TOTP devices with the seed encrypted at rest (issue 9, finding 7).

django-otp's TOTPDevice rows (seed as hex, in clear) are copied into accounts.TOTPDevice with
the seed encrypted under KINTRACE_DATA_DIR/totp_key, then deleted: staff keep their
authenticator app and log in as before (a session verified by an old device must log in
again). On SQLite the deleted rows are overwritten (secure_delete); copies made before the
upgrade (backups, old WAL, PostgreSQL's dead tuples until VACUUM) still hold the old seeds:
docs/security.md says what to do.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def encrypt_existing_devices(apps, schema_editor):
    from binascii import unhexlify

    from kintrace.accounts.models import totp_seed_encrypt

    Old = apps.get_model("otp_totp", "TOTPDevice")
    New = apps.get_model("accounts", "TOTPDevice")
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            cur.execute("PRAGMA secure_delete = ON")
    for old in Old.objects.order_by("pk"):
        new = New.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            created_at=old.created_at,
            last_used_at=old.last_used_at,
            encrypted_key=totp_seed_encrypt(user_id=old.user_id, seed=unhexlify(old.key)),
            step=old.step,
            t0=old.t0,
            digits=old.digits,
            tolerance=old.tolerance,
            drift=old.drift,
            last_t=old.last_t,
        )
        New.objects.filter(pk=new.pk).update(created_at=old.created_at)  # not auto_now_add
    Old.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_must_change_password"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="TOTPDevice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                ("encrypted_key", models.BinaryField()),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="totp_devices",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app",
                "verbose_name_plural": "authenticator apps",
                "abstract": False,
            },
        ),
        migrations.RunPython(encrypt_existing_devices, migrations.RunPython.noop),
    ]
