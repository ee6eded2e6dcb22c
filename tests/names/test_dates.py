import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kintrace.names.dates import (
    DateError,
    PartialDate,
    Precision,
    parse_date,
    parse_date_or_none,
    parse_date_range,
    relative_date,
)

MAX = {"max_year": 2026}  # fixed, so two-digit years pivot the same whichever year tests run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1987", "1987"),
        ("1987 г.", "1987"),
        ("1987г.", "1987"),
        ("1987 г.р.", "1987"),
        ("1987 г. р.", "1987"),
        ("1987 года", "1987"),
        ("1987 р.", "1987"),
        ("род. 1987 г.", "1987"),
        ("  1987  ", "1987"),
        ("03.1987", "1987-03"),
        ("3/1987", "1987-03"),
        ("3.1987 г.", "1987-03"),
        ("1987-03", "1987-03"),
        ("14.03.1987", "1987-03-14"),
        ("14.03.1987 г.р.", "1987-03-14"),
        ("14.03.1987г.р.", "1987-03-14"),
        ("4.3.1987", "1987-03-04"),
        ("14 . 03 . 1987", "1987-03-14"),
        ("14/03/1987", "1987-03-14"),
        ("14-03-1987", "1987-03-14"),
        ("1987-03-14", "1987-03-14"),
        ("1987.03.14", "1987-03-14"),
        ("1987-03-14 00:00:00", "1987-03-14"),
        ("14.03.1987 0:00", "1987-03-14"),
        ("1987-03-14T00:00:00Z", "1987-03-14"),
        ("14.III.1987", "1987-03-14"),
        ("14 марта 1987", "1987-03-14"),
        ("14 марта 1987 года", "1987-03-14"),
        ("14 марта 1987 г.", "1987-03-14"),
        ("14-го марта 1987", "1987-03-14"),
        ("1 января 1990", "1990-01-01"),
        ("1 янв. 1990", "1990-01-01"),
        ("январь 1990", "1990-01"),
        ("январе 1990", "1990-01"),
        ("Январь 1990 г.", "1990-01"),
        ("март 1987", "1987-03"),
        ("мая 1987", "1987-05"),
        ("май 1987", "1987-05"),
        ("2 мая 1987", "1987-05-02"),
        ("сентября 2023", "2023-09"),
        ("сент. 2023", "2023-09"),
        ("3 нояб. 2022", "2022-11-03"),
        ("31 декабря 1999", "1999-12-31"),
        ("29 февраля 2000", "2000-02-29"),
        ("14 МАРТА 1987", "1987-03-14"),
        ("Марта 1987", "1987-03"),
        ("2 декабря 1987", "1987-12-02"),
        ("March 14, 1987", "1987-03-14"),
        ("March 14 1987", "1987-03-14"),
        ("14 March 1987", "1987-03-14"),
        ("14th March 1987", "1987-03-14"),
        ("1st of May 1990", "1990-05-01"),
        ("May 1st, 1990", "1990-05-01"),
        ("Mar 1987", "1987-03"),
        ("Sept. 2023", "2023-09"),
        ("September 2023", "2023-09"),
        ("born 1987", "1987"),
    ],
)
def test_parse_date_reads_the_formats_people_write(text, expected):
    assert parse_date(text, **MAX).iso() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14.03.87", "1987-03-14"), ("01.02.05", "2005-02-01"), ("14.03.26", "2026-03-14"),
     ("14.03.27", "1927-03-14"), ("14/03/99", "1999-03-14")],
)  # fmt: skip
def test_two_digit_years_pivot_on_max_year(text, expected):
    assert parse_date(text, **MAX).iso() == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31.02.1987", "day"),
        ("29.02.1987", "day"),
        ("31.04.2001", "day"),
        ("32.01.1987", "day"),
        ("13.1987", "month"),
        ("14.13.1987", "month"),
        ("1987-13-01", "month"),
        ("3000", "year_range"),
        ("1899", "year_range"),
        ("14.03.3000", "year_range"),
        ("00.00.0000", "year"),
        ("00.03.1987", "day"),
        ("14 мартабря 1987", "month_name"),
        ("14.XIII.1987", "month_name"),
        ("hello", "format"),
        ("Иванов", "format"),
        ("12345", "number"),
        ("31121987", "number"),
        ("", "empty"),
        ("   ", "empty"),
        ("н/д", "empty"),
        ("-", "empty"),
        ("неизвестно", "empty"),
    ],
)
def test_impossible_or_unreadable_dates_are_errors_with_a_code(text, code):
    with pytest.raises(DateError) as caught:
        parse_date(text, **MAX)
    assert caught.value.code == code
    assert str(caught.value)  # says what is wrong


def test_an_error_message_names_the_impossible_day():
    with pytest.raises(DateError, match="day 31 does not exist in 1987-02"):
        parse_date("31.02.1987")


def test_repeated_bad_input_raises_every_time_not_only_the_first():
    for _ in range(3):
        with pytest.raises(DateError):
            parse_date("31.02.1987")


def test_min_and_max_year_bound_the_accepted_years():
    assert parse_date("1890", min_year=1850).year == 1890
    with pytest.raises(DateError):
        parse_date("2020", max_year=2010)


def test_parse_date_or_none_is_none_only_for_empty_cells():
    assert parse_date_or_none(None) is None
    assert parse_date_or_none("") is None
    assert parse_date_or_none(" н/д ") is None
    assert parse_date_or_none("1987") == PartialDate(1987)
    with pytest.raises(DateError):
        parse_date_or_none("31.02.1987")
    with pytest.raises(DateError):
        parse_date_or_none("garbage")


def test_precision_follows_the_parts_given():
    assert parse_date("1987").precision is Precision.YEAR
    assert parse_date("03.1987").precision is Precision.MONTH
    assert parse_date("14.03.1987").precision is Precision.DAY
    assert str(parse_date("14.03.1987")) == "1987-03-14"


def test_a_partial_date_refuses_inconsistent_parts():
    with pytest.raises(DateError):
        PartialDate(1987, None, 14)
    with pytest.raises(DateError):
        PartialDate(1987, 3, None, Precision.DAY)
    with pytest.raises(DateError):
        PartialDate(1987, 2, 30)
    assert PartialDate(1987, 3, 14, "day").precision is Precision.DAY


def test_compatible_dates_agree_on_every_part_both_know():
    day = PartialDate(1987, 3, 14)
    assert day.compatible(PartialDate(1987))
    assert day.compatible(PartialDate(1987, 3))
    assert PartialDate(1987).compatible(day)
    assert not day.compatible(PartialDate(1987, 4))
    assert not day.compatible(PartialDate(1988))
    assert not day.compatible(PartialDate(1987, 3, 15))


def test_swapped_exchanges_day_and_month_only_when_that_is_another_valid_date():
    assert PartialDate(1987, 3, 4).swapped() == PartialDate(1987, 4, 3)
    assert PartialDate(1987, 3, 14).swapped() is None  # no month 14
    assert PartialDate(1987, 3, 3).swapped() is None  # the same date
    assert PartialDate(1987, 3).swapped() is None


def test_first_and_last_day_span_the_precision():
    assert PartialDate(2024, 2).first_day() == dt.date(2024, 2, 1)
    assert PartialDate(2024, 2).last_day() == dt.date(2024, 2, 29)
    assert PartialDate(2023).last_day() == dt.date(2023, 12, 31)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023–2024", "2023", "2024"),
        ("2023-2024", "2023", "2024"),
        ("2022 — 2023 гг.", "2022", "2023"),
        ("с 2022 по 2023 год", "2022", "2023"),
        ("с марта по май 2023", "2023-03", "2023-05"),
        ("с марта 2023 по май 2024", "2023-03", "2024-05"),
        ("март–май 2023", "2023-03", "2023-05"),
        ("between March and May 2023", "2023-03", "2023-05"),
        ("from March 2023 to May 2024", "2023-03", "2024-05"),
        ("March–May 2023", "2023-03", "2023-05"),
        ("14–20.03.2023", "2023-03-14", "2023-03-20"),
        ("с 14 по 20 марта 2023", "2023-03-14", "2023-03-20"),
        ("с 01.02.2023 по 05.03.2024", "2023-02-01", "2024-03-05"),
        ("01.02–05.03.2023", "2023-02-01", "2023-03-05"),
        ("14.03.2023", "2023-03-14", "2023-03-14"),
    ],
)
def test_parse_date_range_reads_simple_ranges(text, start, end):
    got = parse_date_range(text, **MAX)
    assert (got[0].iso(), got[1].iso()) == (start, end)


def test_a_range_that_ends_before_it_starts_is_an_error():
    with pytest.raises(DateError) as caught:
        parse_date_range("2024–2023", **MAX)
    assert caught.value.code == "range_order"


def test_an_unreadable_range_is_an_error():
    with pytest.raises(DateError):
        parse_date_range("весной или летом", **MAX)


_RU_GENITIVE = ("января февраля марта апреля мая июня июля августа сентября октября ноября "
                "декабря").split()  # fmt: skip
_EN = ("January February March April May June July August September October November "
       "December").split()  # fmt: skip
_FORMATS = (
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: f"{d.day}.{d.month}.{d.year} г.р.",
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{d.isoformat()} 00:00:00",
    lambda d: f"{d.day} {_RU_GENITIVE[d.month - 1]} {d.year} года",
    lambda d: f"{d.day} {_RU_GENITIVE[d.month - 1][:3]}. {d.year}",
    lambda d: f"{_EN[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{d.day} {_EN[d.month - 1]} {d.year}",
)
_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 12, 31))


@given(_dates, st.sampled_from(_FORMATS))
def test_any_valid_date_in_any_supported_format_parses_back_to_itself(date, fmt):
    assert parse_date(fmt(date), **MAX) == PartialDate(date.year, date.month, date.day)


@given(_dates)
def test_month_precision_round_trips(date):
    assert parse_date(f"{date.month:02d}.{date.year}", **MAX) == PartialDate(date.year, date.month)
    assert parse_date(f"{_RU_GENITIVE[date.month - 1]} {date.year}", **MAX).month == date.month


@given(st.text(max_size=30))
def test_arbitrary_text_either_parses_or_raises_a_date_error(text):
    try:
        result = parse_date(text, **MAX)
    except DateError as error:
        assert error.code
    else:
        assert 1900 <= result.year <= 2026


# --- dates as spreadsheets and clerks write them -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cell marked as text: leading apostrophe, an ="…" formula, quotes
        ("'14.03.1987", "1987-03-14"),
        ('="14.03.1987"', "1987-03-14"),
        ('= "14.03.1987"', "1987-03-14"),
        ("'1987", "1987"),
        ('"14.03.1987"', "1987-03-14"),
        ("«14.03.1987»", "1987-03-14"),
        # month abbreviations between separators, as Excel's "DD-MMM-YY" formats write them
        ("14.мар.87", "1987-03-14"),
        ("14-мар-1987", "1987-03-14"),
        ("14.Мар.1987", "1987-03-14"),
        ("02-May-1990", "1990-05-02"),
        ("02-MAY-90", "1990-05-02"),
        ("15-Jan-2023", "2023-01-15"),
        ("1/фев/1979", "1979-02-01"),
        ("3.сент.2022", "2022-09-03"),
        ("21-Dec-1999", "1999-12-21"),
        # a trailing dot ends the sentence it was copied from
        ("14.03.1987.", "1987-03-14"),
        ("1987.", "1987"),
        ("03.1987.", "1987-03"),
        # Excel serial date-times; a Russian-locale export writes a decimal comma
        ("45061,6041666667", "2023-05-15"),
        ("45061.6041666667", "2023-05-15"),
        ("31850,5", "1987-03-14"),
        # Roman months, space-separated digits
        ("14.III.1987", "1987-03-14"),
        ("14 III 1987", "1987-03-14"),
        ("1.XII.1990", "1990-12-01"),
        ("14 03 1987", "1987-03-14"),
        ("4 3 1987", "1987-03-04"),
        ("1987 03 14", "1987-03-14"),
        # "in …" and "году"
        ("в 1985 году", "1985"),
        ("в январе 2025", "2025-01"),
        ("in 1985", "1985"),
        ("в мае 1990 г.", "1990-05"),
    ],
)
def test_dates_as_spreadsheets_and_clerks_write_them_are_read(text, expected):
    assert parse_date(text, **MAX).iso() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("около 1985", "1985"),
        ("ок. 1985 г.", "1985"),
        ("примерно 1985", "1985"),
        ("приблизительно 1985 года", "1985"),
        ("1985?", "1985"),
        ("1985 г.?", "1985"),
        ("1985 (?)", "1985"),
        ("около 03.1985", "1985-03"),
        ("circa 1985", "1985"),
        ("ca. 1985", "1985"),
        ("c. 1985", "1985"),
        ("about 1985", "1985"),
        ("~1985", "1985"),
        ("в начале июля 2024", "2024-07"),
        ("в конце 1985 года", "1985"),
        ("late 1985", "1985"),
        ("mid-1985", "1985"),
        ("во второй половине 2023 года", "2023"),
    ],
)
def test_an_approximate_date_is_read_as_approximate_when_the_caller_can_keep_the_mark(
    text, expected
):
    date = parse_date(text, approximate=True, **MAX)
    assert (date.iso(), date.approximate) == (expected, True)


@pytest.mark.parametrize("text", ["около 1985", "1985?", "ca. 1985", "в начале июля 2024"])
def test_an_approximate_date_is_refused_where_the_mark_cannot_be_kept(text):
    # A caller that would store a plain year must not turn "about 1985" into 1985.
    with pytest.raises(DateError) as error:
        parse_date(text, **MAX)
    assert error.value.code == "approximate"
    assert parse_date(text, approximate=True, **MAX).approximate


@pytest.mark.parametrize(
    ("text", "start", "end", "approximate"),
    [
        ("1980-е", "1980", "1989", False),
        ("1980-х годов", "1980", "1989", False),
        ("1980-е гг.", "1980", "1989", False),
        ("80-е", "1980", "1989", False),
        ("1980s", "1980", "1989", False),
        ("the 1980s", "1980", "1989", False),
        ("'80s", "1980", "1989", False),
        ("в начале 1980-х", "1980", "1983", True),
        ("в конце 90-х", "1996", "1999", True),
        ("mid-1990s", "1993", "1996", True),
        ("весна 1985", "1985-03", "1985-05", False),
        ("весной 1985 года", "1985-03", "1985-05", False),
        ("летом 2023", "2023-06", "2023-08", False),
        ("осенью 2024", "2024-09", "2024-11", False),
        ("осень 2024 г.", "2024-09", "2024-11", False),
        ("spring 1985", "1985-03", "1985-05", False),
        ("in the summer of 2022", "2022-06", "2022-08", False),
        ("autumn 2024", "2024-09", "2024-11", False),
        ("fall 2024", "2024-09", "2024-11", False),
        ("зимой 2023", "2023-01", "2023-12", False),
        ("в начале 1985", "1985-01", "1985-04", True),
        ("первая половина 1985", "1985-01", "1985-06", True),
        ("около 1985", "1985", "1985", True),
    ],
)
def test_vague_periods_are_ranges_not_a_guessed_point(text, start, end, approximate):
    first, last = parse_date_range(text, approximate=True, **MAX)
    assert (first.iso(), last.iso()) == (start, end)
    assert first.approximate == last.approximate == approximate


@pytest.mark.parametrize(
    ("text", "expected"),
    [("весна 1985", "1985"), ("осенью 2024", "2024"), ("летом 2023 года", "2023")],
)
def test_a_season_is_its_year_when_one_date_is_asked_for(text, expected):
    date = parse_date(text, **MAX)
    assert (date.iso(), date.approximate) == (expected, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1980-е", "range"),
        ("1983-е", "format"),  # not the start of a decade
        ("около", "empty"),
        ("?", "empty"),
        ("12345", "number"),  # a bare number is no serial outside a list's date column
        ("ранней весной", "format"),
        ("весна 3000", "year_range"),
    ],
)
def test_vague_text_that_says_no_date_is_an_error_with_a_code(text, code):
    with pytest.raises(DateError) as error:
        parse_date(text, **MAX)
    assert error.value.code == code


# Two-digit years as Russian documents and letters write them ("85 г.р." in court and
# hospital papers, "85-го", "в 85-м году") and English writes them ("'85"): a mark that says
# "year" makes two digits a year; a bare number stays a number.
@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("'85", 1985),
        ("’85", 1985),
        ("85 г.р.", 1985),
        ("85г.р.", 1985),
        ("85 г.", 1985),
        ("85 года", 1985),
        ("85 года рождения", 1985),
        ("85-го", 1985),
        ("85-го года", 1985),
        ("в 85-м году", 1985),
        ("род. 79 г.", 1979),
        ("02 г.р.", 2002),
    ],
)
def test_a_two_digit_year_with_a_year_mark_is_that_year(text, year):
    date = parse_date(text)
    assert (date.year, date.month, date.day) == (year, None, None)


@pytest.mark.parametrize(
    ("text", "months"),
    [("весной 85-го", (3, 5)), ("летом 85 года", (6, 8)), ("summer '85", (6, 8))],
)
def test_a_season_of_a_two_digit_year_is_that_season(text, months):
    start, end = parse_date_range(text)
    assert (start.year, start.month, end.month) == (1985, *months)


def test_an_approximate_two_digit_year_stays_approximate():
    assert parse_date("около 85 г.р.", approximate=True) == PartialDate(1985, approximate=True)


@pytest.mark.parametrize("text", ["85", "около 85", "около 40", "15-го", "85 лет"])
def test_two_digits_without_a_year_mark_are_no_year(text):
    with pytest.raises(DateError):
        parse_date(text, approximate=True)


# Dates written relative to the day of writing, as relatives write them in a form (the
# expressions of Russian and English letters, not a generator's): read from a fixed "today".
WRITTEN = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "absolute"),
    [
        ("вчера", "28.11.2026"),
        ("Позавчера", "27.11.2026"),
        ("yesterday", "28.11.2026"),
        ("2 недели назад", "около 15.11.2026"),
        ("пару недель назад", "около 15.11.2026"),
        ("неделю назад", "около 22.11.2026"),
        ("на прошлой неделе", "около 22.11.2026"),
        ("3 days ago", "около 26.11.2026"),
        ("месяц назад", "около 10.2026"),
        ("три месяца назад", "около 08.2026"),
        ("полгода назад", "около 05.2026"),
        ("a month ago", "около 10.2026"),
        ("в прошлом месяце", "10.2026"),
        ("в прошлом году", "2025"),
        ("два года назад", "около 2024"),
        ("летом прошлого года", "лето 2025"),
        ("прошлым летом", "лето 2026"),
        ("прошлой весной", "весна 2026"),
        ("last summer", "лето 2026"),
    ],
)
def test_a_date_written_relative_to_its_day_is_the_date_it_names(text, absolute):
    assert relative_date(text, WRITTEN) == absolute
    parse_date_range(absolute, approximate=True)  # and the registry reads what it gives


@pytest.mark.parametrize(
    ("text", "year"), [("около 40 лет", 1986), ("40 лет", 1986), ("about 35", 1991), ("40", 1986)]
)
def test_an_age_is_a_birth_year_only_where_a_birth_date_is_asked(text, year):
    assert relative_date(text, WRITTEN, age=True) == f"около {year}"
    assert relative_date(text, WRITTEN) is None


@pytest.mark.parametrize("text", ["1985", "весна", "15 января", "лет", "5 лет", "когда-то"])
def test_what_is_not_relative_is_left_to_the_other_readers(text):
    assert relative_date(text, WRITTEN, age=True) is None


@pytest.mark.parametrize(
    ("text", "today", "absolute"),
    [
        ("прошлым летом", dt.date(2026, 7, 15), "лето 2025"),  # this summer has not ended
        ("last summer", dt.date(2026, 6, 1), "лето 2025"),
        ("прошлым летом", dt.date(2026, 9, 2), "лето 2026"),
        ("прошлой весной", dt.date(2026, 5, 20), "весна 2025"),
    ],
)
def test_last_season_is_the_last_one_that_has_ended(text, today, absolute):
    assert relative_date(text, today) == absolute


@pytest.mark.parametrize("text", ["лет назад", "дней назад", "years ago", "0 дней назад"])
def test_a_count_that_is_missing_or_zero_is_no_date(text):
    assert relative_date(text, WRITTEN) is None


@pytest.mark.parametrize(
    ("text", "year"), [("в 25-м году", 2025), ("25-го года", 2025), ("31-го года", 1931)]
)
def test_an_ordinal_year_of_31_or_less_is_a_year_beside_the_word_year(text, year):
    assert parse_date(text, **MAX).year == year
