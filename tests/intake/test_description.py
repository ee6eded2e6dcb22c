"""The relative's "Приметы" (what he looked like, what he carried): optional on the report
form and in the inbox, checked by the one validation, kept only inside the report's
encrypted payload, shown to staff after unlock and copied into his description before death
by an audited service."""

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.intake.models import Report
from kintrace.intake.services import report_decrypt, staff_report_key
from kintrace.intake.validation import ReportInvalid, clean_report, height_range
from kintrace.registry.services import person_create
from kintrace.remains.family.services import antemortem_from_report, relative_tattoos
from kintrace.remains.models import AnteMortem
from kintrace.remains.services import antemortem_save

from .helpers import make_report
from .stored import stored_in_clear

pytestmark = pytest.mark.django_db

TATTOO = "левое плечо — «Зюзя 2013», роза"
BELONGING = "серебряный крестик Квакиных"
SCAR = "шрам-полумесяц на правом колене"


def submit(client, **fields):
    data = {"subject_name": "Петров Пётр Петрович", "message": "Пропал.", "lang": "ru", **fields}
    return client.post(reverse("intake:report"), data)


def private_of(report, org) -> dict:
    return report_decrypt(report, staff_report_key(report=report, org_private=org)).private


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("178", (178, 178)),
        ("175–180 см", (175, 180)),
        ("около 180", (177, 183)),
        ("", None),
        ("1,78 м", (178, 178)),  # in metres, as Russian documents write it
        ("примерно 1.80", (177, 183)),
        ("рост 180, вес 100", (180, 180)),  # the weight is no height
        ("180 см, 95 кг", (180, 180)),
        ("2019", None),  # a year holds no height
    ],
)
def test_a_height_is_read_as_a_relative_writes_it(text, expected):
    assert height_range(text) == expected


def test_a_report_without_the_section_is_valid_and_has_no_description(org_keys):
    clean = clean_report({"subject": {"name": "Петров"}})
    assert "description" not in clean.private


def test_the_validation_names_the_field_of_an_unreadable_height_and_a_long_text():
    with pytest.raises(ReportInvalid) as e:
        clean_report(
            {
                "subject": {"name": "Петров"},
                "description": {"height": "высокий", "eyes": "x" * 101},
            }
        )
    assert set(e.value.errors) == {"description.height", "description.eyes"}


def test_the_form_offers_the_section_in_russian_with_why_we_ask(client):
    html = client.get(reverse("intake:report")).content.decode()
    assert "Приметы" in html and "Зачем мы спрашиваем" in html
    assert 'name="description_tattoos"' in html and "<details" in html


def test_the_description_is_kept_encrypted_and_nowhere_in_clear(client, org_keys):
    response = submit(
        client,
        description_height="около 180",
        description_tattoos=TATTOO,
        description_scars=SCAR,
        description_belongings=BELONGING,
    )
    assert response.status_code == 303
    report = Report.objects.get()
    described = private_of(report, org_keys)["description"]
    assert described == {
        "height": "около 180",
        "tattoos": TATTOO,
        "scars": SCAR,
        "belongings": BELONGING,
    }
    assert stored_in_clear(["Зюзя 2013", BELONGING, "полумесяц"]) == []
    assert stored_in_clear(["Петров Пётр Петрович"])  # the search does read the rows


def test_a_wrong_height_shows_the_form_again_with_the_section_open_and_nothing_sent(
    client, org_keys
):
    response = submit(client, description_height="высокий", description_hair="русые")
    html = response.content.decode()
    assert response.status_code == 400 and Report.objects.count() == 0
    assert '<details class="description" id="description" open>' in html
    assert 'value="русые"' in html


def open_inbox(client, receipt):
    response = client.post(reverse("intake:inbox"), {"receipt": receipt})
    assert response.status_code == 303


def test_the_relative_adds_the_description_in_the_inbox_and_staff_see_it_unread(org_keys):
    report, receipt = make_report()
    client = Client()
    open_inbox(client, receipt)
    page = client.get(reverse("intake:inbox")).content.decode()
    assert 'name="description_belongings"' in page
    response = client.post(
        reverse("intake:inbox_add"), {"description_belongings": BELONGING, "lang": "ru"}
    )
    assert response.status_code == 303
    report.refresh_from_db()
    assert private_of(report, org_keys)["description"] == {"belongings": BELONGING}
    assert report.unread_count == 1
    assert stored_in_clear([BELONGING]) == []
    # The inbox shows it back, and sending the form unchanged is not an addition.
    page = client.get(reverse("intake:inbox")).content.decode()
    assert BELONGING in page
    again = client.post(
        reverse("intake:inbox_add"), {"description_belongings": BELONGING, "lang": "en"}
    )
    assert again.status_code == 400 and "Write something" in again.content.decode()


def test_a_wrong_height_in_the_inbox_is_named_and_nothing_is_added(org_keys):
    report, receipt = make_report()
    client = Client()
    open_inbox(client, receipt)
    response = client.post(
        reverse("intake:inbox_add"),
        {"description_height": "два метра", "message": "ещё", "lang": "en"},
    )
    assert response.status_code == 400
    assert "Write his height in centimetres" in response.content.decode()
    report.refresh_from_db()
    assert report.unread_count == 0 and report.messages.count() == 0


def test_staff_see_the_description_in_triage_after_unlock(unlocked_staff, org_keys):
    report, _receipt = make_report(description={"tattoos": TATTOO, "eyes": "серые"})
    client, _user = unlocked_staff("caseworker")
    html = client.get(
        reverse("intake:detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Зюзя 2013" in html and "серые" in html
    assert "Link the report to a person to copy" in html


def test_the_analyst_and_the_anonymous_never_see_it(client, unlocked_staff, org_keys):
    report, _receipt = make_report(description={"tattoos": TATTOO})
    anonymous = client.get(reverse("intake:detail", args=[report.pk]))
    assert anonymous.status_code == 302 and "Зюзя" not in anonymous.content.decode()
    analyst, _user = unlocked_staff("analyst", c=Client())
    assert analyst.get(reverse("intake:detail", args=[report.pk])).status_code == 403
    copy = analyst.post(reverse("remains:antemortem_copy", args=[report.pk]))
    assert copy.status_code == 403


def test_relative_tattoo_lines_become_location_words_and_picture():
    assert relative_tattoos(TATTOO + "\nВДВ") == [
        {"location": "левое плечо", "text": "Зюзя 2013", "image": "роза"},
        {"location": "", "text": "ВДВ", "image": ""},
    ]


@pytest.mark.audits(Action.ANTEMORTEM_FROM_REPORT)
def test_copying_adds_what_is_new_keeps_what_was_there_and_is_audited(make_staff, org_keys):
    alice = make_staff("caseworker")
    person = person_create(name="Петров Пётр", actor=None)
    antemortem_save(person=person, actor=None, height_min=170, height_max=172, belongings=["часы"])
    report, _receipt = make_report(
        description={"height": "180", "belongings": "Часы\n" + BELONGING, "tattoos": TATTOO}
    )
    Report.objects.filter(pk=report.pk).update(person=person)
    report.refresh_from_db()
    changed = antemortem_from_report(report=report, org_private=org_keys, actor=alice)
    assert changed == ["belongings", "tattoos"]
    ante = AnteMortem.objects.get(person=person)
    assert (ante.height_min, ante.height_max) == (170, 172)  # what was recorded stays
    assert ante.belongings == ["часы", BELONGING]
    assert ante.tattoos == [{"location": "левое плечо", "text": "Зюзя 2013", "image": "роза"}]
    entry = AuditEntry.objects.filter(action=Action.ANTEMORTEM_FROM_REPORT).get()
    assert entry.actor_id == alice.pk and entry.after["report"] == report.pk
    assert AuditEntry.objects.filter(
        action=Action.REPORTER_DATA_READ, after__purpose="ante-mortem copy"
    ).exists()


def test_the_caseworker_copies_from_a_linked_report_and_lands_on_his_page(unlocked_staff, org_keys):
    person = person_create(name="Петров Пётр", actor=None)
    report, _receipt = make_report(description={"scars": SCAR})
    Report.objects.filter(pk=report.pk).update(person=person)
    client, _user = unlocked_staff("caseworker")
    html = client.get(
        reverse("intake:detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Copy into his description before death" in html
    response = client.post(reverse("remains:antemortem_copy", args=[report.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person", args=[person.pk])
    assert AnteMortem.objects.get(person=person).scars == SCAR


def test_an_unlinked_report_is_not_copied(unlocked_staff, org_keys):
    report, _receipt = make_report(description={"scars": SCAR})
    client, _user = unlocked_staff("coordinator")
    response = client.post(reverse("remains:antemortem_copy", args=[report.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[report.pk])
    assert not AnteMortem.objects.exists()
