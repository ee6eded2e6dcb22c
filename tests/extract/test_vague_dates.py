"""Vague dates as journalists write them (AP and Reuters style: "early July", "mid-2024",
"last spring", "this week"; Russian news: "в конце 2023 года", "в середине августа",
"прошлой весной"): each becomes a partial date with its precision and, where it is a stretch
of the calendar, the range it covers. The text's date is Wednesday 13 March 2024."""

from datetime import date

import pytest

from kintrace.extract import extract

TODAY = date(2024, 3, 13)


def the_date(text):
    found = extract(text, today=TODAY).of("dates")
    assert len(found) == 1, found
    f = found[0]
    assert text[f.start : f.end] == f.text
    return f


@pytest.mark.parametrize(
    ("text", "written", "year", "month", "precision"),
    [
        ("He was recruited in May.", "May", 2023, 5, "month"),
        ("Recruiters came to the colony in May and left.", "May", 2023, 5, "month"),
        ("В мае его завербовали.", "мае", 2023, 5, "month"),
        ("The calls stopped last May.", "last May", 2023, 5, "month"),
        ("In early July he called his mother.", "early July", 2023, 7, "month"),
        ("В середине августа он позвонил.", "В середине августа", 2023, 8, "month"),
        ("He was wounded in mid-August, a source said.", "mid-August", 2023, 8, "month"),
    ],
)
def test_a_month_without_a_year_is_the_latest_such_month(text, written, year, month, precision):
    f = the_date(text)
    assert (f.text, f.value["year"], f.value["month"]) == (written, year, month)
    assert f.value["day"] is None
    assert f.value["precision"] == precision


@pytest.mark.parametrize("text", ["She may call again.", "May God keep him.", "They may be paid."])
def test_may_the_verb_is_no_date(text):
    assert extract(text, today=TODAY).of("dates") == []


# text | as written | year | precision | first day | last day
RANGES = """
В конце 2023 года он погиб. | В конце 2023 года | 2023 | year | 2023-09-01 | 2023-12-31
By mid-2024 most had returned. | By mid-2024 | 2024 | year | 2024-05-01 | 2024-08-31
in late 2023 the group was sent | in late 2023 | 2023 | year | 2023-09-01 | 2023-12-31
at the end of last year | at the end of last year | 2023 | year | 2023-09-01 | 2023-12-31
в конце прошлого года его отправили | в конце прошлого года | 2023 | year | 2023-09-01 | 2023-12-31
в начале 2024-го он вернулся | в начале 2024-го | 2024 | year | 2024-01-01 | 2024-04-30
в первой половине 2023 года | в первой половине 2023 года | 2023 | half | 2023-01-01 | 2023-06-30
in the second half of 2022 | in the second half of 2022 | 2022 | half | 2022-07-01 | 2022-12-31
Last spring he signed a contract. | Last spring | 2023 | season | 2023-03-01 | 2023-05-31
Прошлой весной его отправили на фронт. | Прошлой весной | 2023 | season | 2023-03-01 | 2023-05-31
Летом 2023 года его ранили. | Летом 2023 года | 2023 | season | 2023-06-01 | 2023-08-31
in the summer of 2023 | in the summer of 2023 | 2023 | season | 2023-06-01 | 2023-08-31
осенью 2022 года | осенью 2022 года | 2022 | season | 2022-09-01 | 2022-11-30
зимой он перестал писать | зимой | 2023 | season | 2023-12-01 | 2024-02-29
This week his mother wrote to us. | This week | 2024 | week | 2024-03-11 | 2024-03-17
на этой неделе пришла похоронка | на этой неделе | 2024 | week | 2024-03-11 | 2024-03-17
last week | last week | 2024 | week | 2024-03-04 | 2024-03-10
earlier this month | earlier this month | 2024 | month | 2024-03-01 | 2024-03-31
в прошлом месяце | в прошлом месяце | 2024 | month | 2024-02-01 | 2024-02-29
с мая по июль 2023 года | с мая по июль 2023 года | 2023 | month | 2023-05-01 | 2023-07-31
from May to July 2023 | from May to July 2023 | 2023 | month | 2023-05-01 | 2023-07-31
в 2022–2023 годах | в 2022–2023 годах | 2022 | year | 2022-01-01 | 2023-12-31
"""


@pytest.mark.parametrize(
    ("text", "written", "year", "precision", "earliest", "latest"),
    [line.split(" | ") for line in RANGES.strip().splitlines()],
)
def test_a_vague_date_is_a_range_with_its_precision(text, written, year, precision, earliest,
                                                    latest):  # fmt: skip
    f = the_date(text)
    assert f.text == written
    assert (f.value["year"], f.value["precision"]) == (int(year), precision)
    if precision != "week":  # a week keeps the day a week before, of or after the text's date
        assert f.value["day"] is None
    assert (f.value["earliest"], f.value["latest"]) == (earliest, latest)


@pytest.mark.parametrize(
    "text",
    ["всю зиму он провёл в окопах", "лето было жарким", "In the fall of the city", "spring water"],
)
def test_a_season_as_a_plain_noun_is_no_date(text):
    assert extract(text, today=TODAY).of("dates") == []


def test_the_command_line_object_keeps_the_contract_fields_for_a_range():
    found = extract("В конце 2023 года он погиб.", today=TODAY).as_json()["dates"]
    assert found == [{"text": "В конце 2023 года", "start": 0, "end": 17, "year": 2023,
                      "month": None, "day": None}]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "written"),
    [("Ответ пришёл 10.01.2024.", "10.01.2024"), ("He called on 2024-01-10.", "2024-01-10"),
     ("Он позвонил 10 января 2024 года.", "10 января 2024 года"), ("since January.", "January")],
)  # fmt: skip
def test_the_sentences_full_stop_does_not_hide_a_date(text, written):
    assert the_date(text).text == written


@pytest.mark.parametrize(
    "text",
    ["Майор Иванов сказал, что всё в порядке.", "Мартыненко подписал контракт.",
     "Марта Ивановна узнала о смерти сына.", "Маятников отказался от комментариев.",
     "Июньский призыв закончился.", "Mayor Sobyanin said nothing."],
)  # fmt: skip
def test_words_that_begin_like_a_month_are_no_dates(text):
    assert extract(text, today=TODAY).of("dates") == []


def test_an_abbreviated_month_and_year_keep_their_dots():
    assert the_date("10 янв. 2024 г. он позвонил").text == "10 янв. 2024 г."
