import statistics
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from kintrace.intake.models import ReceiptThrottle
from kintrace.intake.services import ReceiptThrottled, report_open

from .helpers import make_report

pytestmark = pytest.mark.django_db

WRONG = "1111 2222 3333 4444 5555 6666 7777 8888 9999 0000"


def test_wrong_receipts_fill_the_bucket_until_even_the_right_one_waits(org_keys, settings):
    settings.KINTRACE_RECEIPT_FAILURE_BURST = 3
    _report, receipt = make_report()
    for _ in range(3):
        assert report_open(receipt=WRONG) is None
    with pytest.raises(ReceiptThrottled):
        report_open(receipt=receipt)
    with pytest.raises(ReceiptThrottled):
        report_open(receipt=WRONG)


def test_the_bucket_drains_with_time(org_keys, settings):
    settings.KINTRACE_RECEIPT_FAILURE_BURST = 3
    settings.KINTRACE_RECEIPT_FAILURES_PER_MINUTE = 6
    _report, receipt = make_report()
    for _ in range(3):
        report_open(receipt=WRONG)
    # Thirty seconds later three units (6 a minute) have drained away.
    ReceiptThrottle.objects.update(
        updated_at=ReceiptThrottle.objects.get().updated_at - timedelta(seconds=30)
    )
    assert report_open(receipt=receipt) is not None


def test_right_receipts_do_not_fill_the_bucket(org_keys, settings):
    settings.KINTRACE_RECEIPT_FAILURE_BURST = 2
    _report, receipt = make_report()
    for _ in range(5):
        assert report_open(receipt=receipt) is not None


def test_the_throttle_keeps_nothing_about_the_client(org_keys):
    fields = {f.name for f in ReceiptThrottle._meta.get_fields()}
    assert fields == {"id", "level", "updated_at"}


def test_a_throttled_inbox_says_so_on_the_page_and_in_the_api(client, org_keys, settings):
    settings.KINTRACE_RECEIPT_FAILURE_BURST = 1
    _report, receipt = make_report()
    client.post(reverse("intake:inbox"), {"receipt": WRONG})
    page = client.post(reverse("intake:inbox"), {"receipt": receipt})
    assert page.status_code == 429 and 'name="receipt"' in page.content.decode()
    api = client.get("/api/v1/reports/inbox", HTTP_X_RECEIPT=receipt)
    assert api.status_code == 429


def test_a_wrong_receipt_takes_as_long_as_a_right_one(org_keys, settings):
    settings.KINTRACE_RECEIPT_FAILURE_BURST = 1000
    _report, receipt = make_report()

    def timed(r):
        t = time.perf_counter()
        report_open(receipt=r)
        return time.perf_counter() - t

    right, wrong = [], []
    for _ in range(15):
        right.append(timed(receipt))
        wrong.append(timed(WRONG))
    r, w = statistics.median(right), statistics.median(wrong)
    # Two Argon2id derivations dominate both; what differs (a row found or not) is noise.
    assert abs(r - w) / max(r, w) < 0.25, (r, w)
