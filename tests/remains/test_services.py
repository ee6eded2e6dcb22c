"""Remains services: each writes its audit entry; the identification needs a basis and a
second person, and reaches the man's status through a cited registry event."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.intake import storage
from kintrace.names.dates import parse_date
from kintrace.registry.models import EventType, PersonStatus
from kintrace.registry.services import event_create, person_create, source_create
from kintrace.remains.models import AnteMortem, CandidateState, RemainsCandidate, RemainsStatus
from kintrace.remains.services import (
    antemortem_save,
    candidate_confirm,
    candidate_decide,
    remains_close,
    remains_create,
    remains_match,
    remains_photo_add,
    remains_photo_read,
    remains_update,
)

pytestmark = pytest.mark.django_db

TATTOO = [{"location": "левое предплечье", "text": "Не забуду мать родную", "image": "роза"}]


def last_entry(action):
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


@pytest.fixture
def staff(make_staff):
    return make_staff("caseworker"), make_staff("coordinator")


@pytest.fixture
def morgue(staff):
    return source_create(
        kind="official_list", title="Морг Ростов", actor=staff[0], reliability="C", credibility=3
    )


@pytest.fixture
def missing(staff):
    """A missing man with his token and an ante-mortem description, and another man."""
    alice = staff[0]
    source = source_create(
        kind="relative_report", title="мать", actor=alice, reliability="B", credibility=2
    )
    him = person_create(
        name="Смирнов Олег Павлович",
        birth=parse_date("1985"),
        token_number="К-21-0345",
        actor=alice,
    )
    event_create(
        type=EventType.MISSING,
        start=parse_date("03.2023"),
        persons=[him],
        citations=[source],
        actor=alice,
    )
    antemortem_save(person=him, actor=alice, height_min=176, height_max=180, tattoos=TATTOO)
    other = person_create(
        name="Орлов Пётр", birth=parse_date("1990"), token_number="К-44-1111", actor=alice
    )
    event_create(
        type=EventType.MISSING,
        start=parse_date("03.2023"),
        persons=[other],
        citations=[source],
        actor=alice,
    )
    return him, other


@pytest.fixture
def grave(staff, morgue):
    return remains_create(
        actor=staff[0],
        kind="grave",
        source=morgue,
        found=parse_date("05.2023"),
        cemetery="Богучар, участок 4",
        token_text="К 21 0345",
        sex="m",
        age_min=30,
        age_max=45,
        tattoos=[
            {"location": "предплечье левое", "text": "не забуду мать родную", "image": "цветок"}
        ],
    )


@pytest.mark.audits(Action.REMAINS_CREATE, Action.REMAINS_UPDATE)
def test_remains_create_and_update_write_their_entries(staff, grave):
    entry = last_entry("remains.create")
    assert (entry.actor_id, entry.target_id) == (staff[0].pk, str(grave.pk))
    remains_update(remains=grave, actor=staff[1], plot="ряд 3, №17")
    entry = last_entry("remains.update")
    assert entry.actor_id == staff[1].pk and entry.after["plot"] == "ряд 3, №17"


def test_an_age_range_that_ends_before_it_starts_is_refused(staff, morgue):
    with pytest.raises(ValidationError):
        remains_create(actor=staff[0], kind="body", source=morgue, age_min=50, age_max=30)


@pytest.mark.audits(Action.ANTEMORTEM_SAVE)
def test_antemortem_save_writes_its_entry_on_the_person(staff, missing):
    him = missing[0]
    antemortem_save(person=him, actor=staff[1], hair="русые", tattoos=TATTOO)
    entry = last_entry("antemortem.save")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        staff[1].pk,
        "registry.person",
        str(him.pk),
    )
    assert AnteMortem.objects.get(person=him).hair == "русые"


@pytest.mark.audits(Action.REMAINS_MATCH)
def test_matching_proposes_the_man_with_the_token_and_keeps_reasons(staff, missing, grave):
    him, other = missing
    remains_match(remains=grave, actor=staff[0])
    best = RemainsCandidate.objects.filter(remains=grave, state=CandidateState.PROPOSED).first()
    assert best.person == him
    assert {r["code"] for r in best.reasons} >= {"token", "tattoo"}
    entry = last_entry("remains.match")
    assert entry.actor_id == staff[0].pk and entry.after["proposed"][0] == him.pk
    grave.refresh_from_db()
    assert grave.status == RemainsStatus.CANDIDATE


def test_a_man_alive_after_the_burial_is_excluded_with_the_reason(staff, missing, grave):
    him = missing[0]
    # A weak report of a call: his status stays "missing", but he was not buried before it.
    call = source_create(kind="phone_call", title="звонок", actor=staff[0])
    event_create(
        type=EventType.CONTACT,
        start=parse_date("08.2023"),
        persons=[him],
        citations=[call],
        actor=staff[0],
    )
    remains_match(remains=grave, actor=staff[0])
    row = RemainsCandidate.objects.get(remains=grave, person=him)
    assert row.state == CandidateState.EXCLUDED and row.reasons[0]["code"] == "date"


@pytest.mark.audits(Action.REMAINS_CANDIDATE_DECIDE, Action.REMAINS_CANDIDATE_CONFIRM)
def test_an_identification_confirmed_by_a_second_person_makes_him_dead_with_the_basis(
    staff, missing, grave
):
    alice, bob = staff
    him = missing[0]
    remains_match(remains=grave, actor=alice)
    candidate = RemainsCandidate.objects.get(remains=grave, person=him)
    with pytest.raises(ValidationError):  # descriptors alone are no basis
        candidate_decide(candidate=candidate, actor=alice, decision="identified")
    candidate_decide(
        candidate=candidate,
        actor=alice,
        decision="identified",
        basis="family",
        note="мать узнала крестик",
    )
    assert last_entry("remains.candidate_decide").actor_id == alice.pk
    with pytest.raises(ValidationError) as e:
        candidate_confirm(candidate=candidate, actor=alice)
    assert e.value.code == "same_person"
    him.refresh_from_db()
    assert him.status == PersonStatus.MISSING

    candidate_confirm(candidate=candidate, actor=bob)
    entry = last_entry("remains.candidate_confirm")
    assert (entry.actor_id, entry.target_id) == (bob.pk, str(candidate.pk))
    him.refresh_from_db()
    grave.refresh_from_db()
    assert him.status == PersonStatus.DEAD
    assert him.status_event.type == EventType.BURIED
    quotes = [c.quote for c in him.status_event.citations.all()]
    assert any("family recognition" in q for q in quotes)
    assert grave.status == RemainsStatus.IDENTIFIED and grave.identified_person == him


def test_a_rejection_needs_its_reason_and_is_kept(staff, missing, grave):
    remains_match(remains=grave, actor=staff[0])
    candidate = RemainsCandidate.objects.get(remains=grave, person=missing[0])
    with pytest.raises(ValidationError):
        candidate_decide(candidate=candidate, actor=staff[0], decision="rejected")
    candidate_decide(
        candidate=candidate, actor=staff[0], decision="rejected", note="ДНК не совпала"
    )
    remains_match(remains=grave, actor=staff[0])  # a new run keeps the decision
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.REJECTED and candidate.note == "ДНК не совпала"


@pytest.mark.audits(Action.REMAINS_CLOSE)
def test_closing_needs_a_reason_and_writes_its_entry(staff, grave):
    with pytest.raises(ValidationError):
        remains_close(remains=grave, actor=staff[0], note=" ")
    remains_close(remains=grave, actor=staff[0], note="дубль R-1")
    entry = last_entry("remains.close")
    assert entry.after == {"status": "closed", "note": "дубль R-1"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.audits(Action.REMAINS_PHOTO_ADD, Action.REMAINS_PHOTO_VIEW)
def test_a_photo_is_kept_encrypted_and_read_blurred_unless_asked(
    staff, grave, org_keys, settings, tmp_path
):
    settings.FILES_DIR = tmp_path
    original = _jpeg()
    photo = remains_photo_add(remains=grave, filename="p.jpg", data=original, actor=staff[0])
    assert last_entry("remains.photo_add").target_id == str(photo.pk)
    for name in (photo.original_file, photo.clean_file, photo.blurred_file):
        assert original not in storage._path(name).read_bytes()
    blurred, kind = remains_photo_read(photo=photo, org_private=org_keys, actor=staff[1])
    assert kind == "image/jpeg" and last_entry("remains.photo_view").after == {"clear": False}
    clear, _ = remains_photo_read(photo=photo, org_private=org_keys, actor=staff[1], clear=True)
    assert last_entry("remains.photo_view").after == {"clear": True}
    assert blurred != clear


def test_a_file_that_is_not_a_photo_is_refused_with_our_words(staff, grave, org_keys):
    with pytest.raises(ValidationError) as e:
        remains_photo_add(remains=grave, filename="x.txt", data=b"hello", actor=staff[0])
    assert "accept" in " ".join(e.value.messages)
