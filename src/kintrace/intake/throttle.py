"""Throttling receipt guesses without knowing who guesses.

One leaky bucket for the whole server, in the database so every worker process shares it:
each failed lookup pours one unit in, the bucket drains at a fixed rate, and while it is
full every lookup is refused. Nothing about the client (address, cookie) is kept. A flood of
wrong receipts therefore also delays honest reporters for a few minutes; with 132-bit
receipts that is the price of making guessing not just hopeless but slow (docs/intake.md).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ReceiptThrottle


def burst() -> float:
    return float(settings.KINTRACE_RECEIPT_FAILURE_BURST)


def leak_per_second() -> float:
    return float(settings.KINTRACE_RECEIPT_FAILURES_PER_MINUTE) / 60.0


def bucket_pass(lookup):
    """Run `lookup()` unless the bucket is full; pour one unit in when it finds nothing.

    Returns (allowed, result). Right and wrong receipts take the same path, including the
    write of the bucket row, so the database work does not tell them apart.
    """
    with transaction.atomic():
        # Lock the single row: two concurrent failures must not both read the old level and
        # each write level+1, losing one unit.
        now = timezone.now()
        bucket, _created = ReceiptThrottle.objects.select_for_update().get_or_create(
            pk=1, defaults={"updated_at": now}
        )
        elapsed = max(0.0, (now - bucket.updated_at).total_seconds())
        level = max(0.0, bucket.level - elapsed * leak_per_second())
        if level + 1 > burst():
            allowed, result = False, None
        else:
            allowed, result = True, lookup()
            if result is None:
                level += 1
        bucket.level, bucket.updated_at = level, now
        bucket.save(update_fields=["level", "updated_at"])
    return allowed, result
