"""The family-safe review: a caseworker chooses text descriptions of remains (never a photo)
for the relative of a report; the relative is warned, chooses to open it, answers; the
selection and the answer are encrypted under the report's key and the answer is shown to
staff. Only caseworkers, coordinators and administrators prepare it."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.intake.models import Report
from kintrace.intake.services import ReporterAccess, staff_report_key
from kintrace.registry.services import source_create
from kintrace.remains.family.selectors import family_items, family_reviews_for
from kintrace.remains.family.services import family_review_answer, family_review_prepare
from kintrace.remains.models import FamilyReview
from kintrace.remains.services import remains_create
from tests.intake.helpers import make_report, open_inbox
from tests.intake.stored import stored_in_clear

pytestmark = pytest.mark.django_db

ANSWER_TEXT = "Это крестик, который ему подарила бабушка Агафья"
NOTE = "Посмотрите, пожалуйста, без спешки."


@pytest.fixture
def grave(db):
    source = source_create(kind="official_list", title="Список захоронений", actor=None)
    return remains_create(
        actor=None,
        kind="grave",
        source=source,
        belongings=["серебряный крестик", "часы «Восток»"],
        clothing="камуфляж без знаков",
        tattoos=[{"location": "левое плечо", "text": "Оля", "image": "роза"}],
    )


def test_only_text_items_are_offered_never_a_photo(grave):
    items = family_items(grave)
    assert [i["key"] for i in items] == ["belonging-0", "belonging-1", "clothing", "tattoo-0"]
    assert items[3]["text"] == "левое плечо, «Оля», роза"


@pytest.mark.audits(Action.REMAINS_FAMILY_PREPARE, Action.REMAINS_FAMILY_ANSWER)
def test_the_selection_and_the_answer_are_encrypted_and_audited_without_their_content(
    grave, make_staff, org_keys
):
    alice = make_staff("caseworker")
    report, _receipt = make_report()
    review = family_review_prepare(
        remains=grave,
        report=report,
        keys=["belonging-0", "tattoo-0"],
        note=NOTE,
        org_private=org_keys,
        actor=alice,
    )
    key = staff_report_key(report=report, org_private=org_keys)
    family_review_answer(
        access=ReporterAccess(report=report, key=key),
        review=review,
        answer="recognise",
        text=ANSWER_TEXT,
    )
    (shown,) = family_reviews_for(report=report, key=key)
    assert [i["text"] for i in shown.items] == ["серебряный крестик", "левое плечо, «Оля», роза"]
    assert (shown.note, shown.answer, shown.answer_text) == (NOTE, "recognise", ANSWER_TEXT)
    assert stored_in_clear([ANSWER_TEXT, NOTE, "recognise"]) == []
    prepared = AuditEntry.objects.get(action=Action.REMAINS_FAMILY_PREPARE)
    assert prepared.actor_id == alice.pk and prepared.after["report"] == report.pk
    answered = AuditEntry.objects.get(action=Action.REMAINS_FAMILY_ANSWER)
    assert answered.actor_id is None and answered.after == {"answered": True}
    report.refresh_from_db()
    assert report.unread_count == 1


def test_nothing_chosen_is_refused(grave, org_keys):
    report, _receipt = make_report()
    with pytest.raises(ValidationError):
        family_review_prepare(
            remains=grave, report=report, keys=[], note="", org_private=org_keys, actor=None
        )
    assert not FamilyReview.objects.exists()


def test_another_reports_relative_cannot_answer(grave, org_keys):
    report, _r = make_report()
    other, _r2 = make_report(subject_name="Сидоров")
    review = family_review_prepare(
        remains=grave, report=report, keys=["clothing"], note="", org_private=org_keys, actor=None
    )
    key = staff_report_key(report=other, org_private=org_keys)
    with pytest.raises(ValidationError):
        family_review_answer(
            access=ReporterAccess(report=other, key=key), review=review, answer="not", text=""
        )


def test_the_anonymous_and_the_analyst_are_refused_the_preparing_page(
    client, unlocked_staff, grave, org_keys
):
    report, _receipt = make_report()
    url = reverse("remains:family_prepare", args=[grave.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, {"report": report.pk, "items": ["clothing"]}).status_code == 302
    analyst, _user = unlocked_staff("analyst", c=Client())
    assert analyst.get(url).status_code == 403
    assert analyst.post(url, {"report": report.pk, "items": ["clothing"]}).status_code == 403
    assert not FamilyReview.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_a_caseworker_or_coordinator_prepares_it_and_the_relative_answers(
    role, unlocked_staff, grave, org_keys
):
    report, receipt = make_report()
    staff, _user = unlocked_staff(role)
    url = reverse("remains:family_prepare", args=[grave.pk])
    page = staff.get(url + f"?report={report.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "серебряный крестик" in page and "photos of the body are never shown" in page
    response = staff.post(url, {"report": report.pk, "items": ["belonging-0"], "note": NOTE})
    assert response.status_code == 302
    review = FamilyReview.objects.get()

    relative = Client()
    open_inbox(relative, receipt)
    inbox = relative.get(reverse("intake:inbox")).content.decode()
    assert "Решить, открывать ли" in inbox and "серебряный крестик" not in inbox
    warning = relative.get(reverse("intake:inbox_review", args=[review.pk])).content.decode()
    assert "Прежде чем открыть" in warning and "серебряный крестик" not in warning
    opened = relative.get(reverse("intake:inbox_review", args=[review.pk]) + "?open=1")
    assert "серебряный крестик" in opened.content.decode()
    refused = relative.post(reverse("intake:inbox_review", args=[review.pk]), {"answer": "x"})
    assert refused.status_code == 400
    answered = relative.post(
        reverse("intake:inbox_review", args=[review.pk]),
        {"answer": "recognise", "text": ANSWER_TEXT, "lang": "ru"},
    )
    assert answered.status_code == 303 and "answered=1" in answered["Location"]

    triage = staff.get(reverse("intake:detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = triage.content.decode()
    assert "I recognise it" in html and ANSWER_TEXT in html
    assert AuditEntry.objects.filter(after__purpose="family review").exists()
    detail = staff.get(reverse("remains:detail", args=[grave.pk]), HTTP_ACCEPT_LANGUAGE="en")
    listed = detail.content.decode().split('id="family"')[1]
    assert f"#{report.pk}</a>" in listed and "answered" in listed


def test_a_relative_of_another_report_sees_nothing_of_it(grave, org_keys):
    report, _receipt = make_report()
    _other, other_receipt = make_report(subject_name="Сидоров")
    review = family_review_prepare(
        remains=grave, report=report, keys=["clothing"], note="", org_private=org_keys, actor=None
    )
    stranger = Client()
    open_inbox(stranger, other_receipt)
    response = stranger.get(reverse("intake:inbox_review", args=[review.pk]) + "?open=1")
    assert response.status_code == 404 and "камуфляж" not in response.content.decode()
    nobody = Client().get(reverse("intake:inbox_review", args=[review.pk]) + "?open=1")
    assert nobody.status_code == 403 and "камуфляж" not in nobody.content.decode()
    assert Report.objects.get(pk=report.pk).unread_count == 0
