"""The failed-import card names the header's real line (a title row above it makes it line 2),
and "entries without a match" says the registry held nobody only after a match run finished."""

from pathlib import Path

import pytest
from django.urls import reverse

from kintrace.lists.models import JobStatus, PersonList
from kintrace.lists.services import list_import_start, list_upload, match_run

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(login, caseworker):
    return login(caseworker)


def test_the_failed_import_names_the_header_under_a_title_row(client, logged_in, caseworker):
    # the newcomer's list: a title on line 1, the header on line 2, a 31 February on line 16
    pl, _table = list_upload(
        data=(DATA / "casualties_cp1251.csv").read_bytes(),
        kind="casualty",
        title="Память",
        filename="casualties.csv",
        actor=caseworker,
    )
    pl = list_import_start(person_list=pl, mapping=pl.mapping, actor=caseworker, background=False)
    assert pl.status == JobStatus.FAILED
    assert [line for line, _reason in pl.row_errors] == [16]
    page = client.get(reverse("lists:detail", kwargs={"pk": pl.pk})).content.decode()
    assert "заголовок — строка 2." in page
    assert "заголовок — строка 1." not in page


def test_entries_are_not_called_unmatched_before_a_match_run(
    client, logged_in, import_list, caseworker
):
    pl = import_list()
    url = reverse("lists:unmatched", kwargs={"pk": pl.pk})
    page = client.get(url).content.decode()
    assert "никого не нашлось" not in page
    assert "ещё не сопоставлялся" in page
    detail = client.get(reverse("lists:detail", kwargs={"pk": pl.pk})).content.decode()
    assert "без кандидата" not in detail and "ещё не сопоставлялся" in detail
    match_run(person_list=pl, actor=caseworker)
    page = client.get(url).content.decode()
    assert "никого не нашлось" in page
    assert "Сидоров Василий Иванович" in page
    detail = client.get(reverse("lists:detail", kwargs={"pk": pl.pk})).content.decode()
    assert "без кандидата" in detail


def test_an_outsider_sees_neither_page(client, login, make_staff, import_list):
    pl = import_list()
    login(make_staff("analyst", username="outsider"))
    for name in ("lists:detail", "lists:unmatched"):
        r = client.get(reverse(name, kwargs={"pk": pl.pk}))
        assert r.status_code in (302, 403, 404)
    assert PersonList.objects.count() == 1
