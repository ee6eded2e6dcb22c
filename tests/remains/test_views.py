"""Remains pages: for caseworkers, coordinators and administrators only; every change answers
with a redirect; photos are blurred until asked for."""

import io

import pytest
from PIL import Image

from kintrace.names.dates import parse_date
from kintrace.registry.services import person_create, source_create
from kintrace.remains.models import AnteMortem, Remains
from kintrace.remains.services import remains_create, remains_photo_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def grave(make_staff):
    source = source_create(kind="official_list", title="Список захоронений", actor=None)
    return remains_create(actor=None, kind="grave", source=source, token_text="К-21-0345")


@pytest.mark.parametrize("name", ["remains:list", "remains:new"])
def test_pages_refuse_the_anonymous_and_the_analyst(client, login, make_staff, name):
    from django.urls import reverse

    url = reverse(name)
    assert client.get(url).status_code == 302
    login(make_staff("analyst"))
    assert client.get(url).status_code == 403


def test_the_record_and_the_photos_refuse_the_analyst(client, login, make_staff, grave):
    login(make_staff("analyst"))
    assert client.get(f"/remains/{grave.pk}/").status_code == 403
    assert client.post(f"/remains/{grave.pk}/match/").status_code == 403
    person = person_create(name="Смирнов Олег", actor=None)
    assert client.get(f"/remains/person/{person.pk}/").status_code == 403


def test_a_caseworker_records_remains_and_is_redirected_to_them(client, login, make_staff, grave):
    login(make_staff("caseworker"))
    source = grave.source
    response = client.post(
        "/remains/new/",
        {
            "kind": "grave",
            "found": "05.2023",
            "token_text": "К-21-0999",
            "sex": "m",
            "age_min": "30",
            "age_max": "40",
            "tattoos": "левое плечо | ВДВ | парашют\nкот",
            "belongings": "крестик\nчасы",
            "source": f"#{source.pk}",
        },
    )
    new = Remains.objects.exclude(pk=grave.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/remains/{new.pk}/"
    assert new.tattoos[0] == {"location": "левое плечо", "text": "ВДВ", "image": "парашют"}
    assert new.tattoos[1]["text"] == "кот" and new.belongings == ["крестик", "часы"]
    assert (new.found_year, new.found_month) == (2023, 5)
    page = client.get(f"/remains/{new.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "К-21-0999" in page.content.decode()


def test_an_impossible_range_is_one_clear_line_and_nothing_is_written(
    client, login, make_staff, grave
):
    login(make_staff("caseworker"))
    response = client.post(
        "/remains/new/",
        {"kind": "body", "age_min": "50", "age_max": "30", "source": f"#{grave.source_id}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        response.status_code == 200
        and "The range ends before it starts." in response.content.decode()
    )
    assert Remains.objects.count() == 1


def test_the_antemortem_form_saves_and_goes_back_to_his_page(client, login, make_staff):
    login(make_staff("caseworker"))
    person = person_create(name="Смирнов Олег", birth=parse_date("1985"), actor=None)
    response = client.post(
        f"/remains/person/{person.pk}/",
        {"height_min": "176", "height_max": "180", "tattoos": "грудь | Оля"},
    )
    assert response.status_code == 302 and response["Location"] == f"/registry/persons/{person.pk}/"
    assert AnteMortem.objects.get(person=person).tattoos[0]["text"] == "Оля"
    page = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "Оля" in page


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_photos_are_shown_blurred_until_a_person_chooses_to_see_them(
    unlocked_staff, grave, settings, tmp_path
):
    settings.FILES_DIR = tmp_path
    client, user = unlocked_staff("caseworker")
    photo = remains_photo_add(remains=grave, filename="p.jpg", data=_jpeg(), actor=user)
    page = client.get(f"/remains/{grave.pk}/").content.decode()
    assert f'/remains/photo/{photo.pk}/"' in page and "?clear=1" not in page
    shown = client.get(f"/remains/{grave.pk}/?photos=clear").content.decode()
    assert f"/remains/photo/{photo.pk}/?clear=1" in shown
    blurred = client.get(f"/remains/photo/{photo.pk}/")
    clear = client.get(f"/remains/photo/{photo.pk}/?clear=1")
    assert blurred.status_code == clear.status_code == 200
    assert blurred.content != clear.content
    assert "sandbox" in clear["Content-Security-Policy"]
