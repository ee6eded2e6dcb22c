"""The keyed audit chain (issue 9, finding 6).

Entries already in the database keep their unkeyed scheme-1 hashes and are still verified by
the old rule; every entry written from now on is scheme 2 (HMAC-SHA256 under the audit key
file). The head row is sealed with the boundary between the two (legacy_seq): after this
migration, rewriting old entries and recomputing their unkeyed chain no longer fits the
sealed head or the first keyed entry, which links to the last old hash. Nothing is re-hashed,
so a chain that was already broken before the upgrade still reports where.
"""

from django.db import migrations, models


def seal_legacy_boundary(apps, schema_editor):
    from kintrace.audit import chain

    AuditHead = apps.get_model("audit", "AuditHead")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return
    head.legacy_seq = head.seq
    head.mac = chain.head_mac(
        chain.audit_key(), seq=head.seq, hash=head.hash, legacy_seq=head.legacy_seq
    )
    head.save(update_fields=["legacy_seq", "mac"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        # Existing rows are scheme 1; new rows default to 2.
        migrations.AddField(
            model_name="auditentry",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddField(
            model_name="audithead",
            name="legacy_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="audithead",
            name="mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(seal_legacy_boundary, migrations.RunPython.noop),
    ]
