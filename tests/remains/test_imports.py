"""A burial or body-return list becomes remains records: read by the list import's reader
(cp1251 and ';', XLSX), every row or none, the broken row named by its line."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.registry.services import source_create
from kintrace.remains.imports import guess_columns
from kintrace.remains.models import Remains

pytestmark = pytest.mark.django_db

HEADER = "№ п/п;Кладбище;Номер могилы;Жетон;Дата захоронения;Пол;Возраст;ФИО;Татуировки;Вещи"
ROWS = [
    "1;Богородское;уч. 12, мог. 4;К-213456;14.05.2023;м;30-40;;«ВДВ» на левом плече;крестик, часы",
    "2;Богородское;уч. 12, мог. 5;Ж-100233;15.05.2023;ж;около 25;;;",
    "3;Богородское;уч. 12, мог. 6;;05.2023;;;Петров Иван;;",
]


@pytest.fixture
def source(db):
    return source_create(kind="official_list", title="Список захоронений", actor=None)


def _csv(rows, encoding="cp1251") -> SimpleUploadedFile:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return SimpleUploadedFile("захоронения.csv", text.encode(encoding), "text/csv")


def _post(client, upload, source, kind="grave"):
    return client.post(
        "/remains/import/",
        {"file": upload, "kind": kind, "source": f"#{source.pk}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_columns_of_a_burial_list_are_read_by_their_titles():
    columns = guess_columns(HEADER.split(";"))
    assert columns == {
        "cemetery": 1,
        "plot": 2,
        "token_text": 3,
        "found": 4,
        "sex": 5,
        "age": 6,
        "name_on_grave": 7,
        "tattoos": 8,
        "belongings": 9,
    }  # the row number "№ п/п" is nobody's grave number


@pytest.mark.audits(Action.REMAINS_IMPORT, Action.REMAINS_CREATE)
def test_a_caseworker_imports_a_cp1251_list_with_semicolons(client, login, make_staff, source):
    user = make_staff("caseworker")
    login(user)
    response = _post(client, _csv(ROWS), source)
    assert response.status_code == 302 and response["Location"] == "/remains/"
    first, second, third = Remains.objects.order_by("pk")
    assert (first.kind, first.cemetery, first.plot, first.token_text) == (
        "grave",
        "Богородское",
        "уч. 12, мог. 4",
        "К-213456",
    )
    assert (first.found_year, first.found_month, first.found_day) == (2023, 5, 14)
    assert (first.sex, first.age_min, first.age_max) == ("m", 30, 40)
    assert first.tattoos == [
        {"text": "ВДВ", "image": "на левом плече", "location": "на левом плече"}
    ]
    assert first.belongings == ["крестик", "часы"]
    assert (second.sex, second.age_min, second.age_max) == ("f", 20, 30)  # "около 25": ± 5
    assert (third.name_on_grave, third.found_month, third.sex) == ("Петров Иван", 5, "")
    assert {r.source_id for r in (first, second, third)} == {source.pk}
    entry = AuditEntry.objects.get(action=Action.REMAINS_IMPORT.value)
    assert entry.actor_id == user.pk and entry.after["rows"] == 3
    assert entry.after["remains"] == [first.pk, second.pk, third.pk]
    assert AuditEntry.objects.filter(action=Action.REMAINS_CREATE.value).count() == 3


def test_a_coordinator_imports_an_xlsx_list_of_bodies(client, login, make_staff, source):
    book = Workbook()
    sheet = book.active
    sheet.append(["Морг", "Жетон", "Дата поступления", "Пол", "Приметы"])
    sheet.append(["Ростов, 522 ЦПОП", "К-44-0012", "02.03.2024", "муж", "шрам на лбу"])
    sheet.append([None, None, None, None, None])  # an empty row is skipped, not refused
    sheet.append(["Ростов, 522 ЦПОП", "", "", "", "без особых примет, рост около 180"])
    data = io.BytesIO()
    book.save(data)
    login(make_staff("coordinator"))
    upload = SimpleUploadedFile("bodies.xlsx", data.getvalue())
    response = _post(client, upload, source, kind="body")
    assert response.status_code == 302
    bodies = list(Remains.objects.order_by("pk"))
    assert [(b.kind, b.cemetery, b.token_text) for b in bodies] == [
        ("body", "Ростов, 522 ЦПОП", "К-44-0012"),
        ("body", "Ростов, 522 ЦПОП", ""),
    ]
    assert bodies[0].notes == "шрам на лбу" and bodies[0].found_year == 2024


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("4;Богородское;уч. 12, мог. 7;К-1;31.02.2023;м;;;;", "31.02.2023"),
        ("4;Богородское;уч. 12, мог. 7;К-1;;х;;;;", "«х»"),
        ("4;Богородское;уч. 12, мог. 7;К-1;;м;старый;;;", "«старый»"),
        ("4;Богородское;;;01.06.2023;м;30;;;", "no grave number, token, name or notes"),
    ],
)
def test_one_broken_row_refuses_the_whole_list_naming_its_line(
    client, login, make_staff, source, broken, reason
):
    login(make_staff("caseworker"))
    response = _post(client, _csv([*ROWS, broken]), source)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Line 5" in text and reason in text and "Nothing was imported" in text
    assert not Remains.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.REMAINS_IMPORT.value).exists()


def test_a_list_without_a_grave_number_token_name_or_notes_column_is_refused(
    client, login, make_staff, source
):
    login(make_staff("caseworker"))
    upload = SimpleUploadedFile("x.csv", "Дата;Пол\n01.05.2023;м\n".encode())
    response = _post(client, upload, source)
    assert response.status_code == 200 and "Дата, Пол" in response.content.decode()
    assert not Remains.objects.exists()


def test_the_import_refuses_the_anonymous_and_the_analyst(client, login, make_staff, source):
    assert client.get("/remains/import/").status_code == 302  # to the login page
    login(make_staff("analyst"))
    assert client.get("/remains/import/").status_code == 403
    assert _post(client, _csv(ROWS), source).status_code == 403
    assert not Remains.objects.exists()
