"""kintrace.extract on the kinds of sentences relatives and the press write: each fact type
in its cases, orders, typos and scripts, with spans that point at the text as written."""

from datetime import date

import pytest

from kintrace.extract import KINDS, extract

TODAY = date(2024, 3, 1)


def facts(text, kind, lang="auto"):
    found = extract(text, lang=lang, today=TODAY).of(kind)
    for f in found:
        assert text[f.start : f.end] == f.text  # spans are str indices of the text given
        assert 0 <= f.confidence <= 1
    return found


def one(text, kind, lang="auto"):
    found = facts(text, kind, lang)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "written", "parts"),
    [
        ("Мой сын Кузнецов Дмитрий Олегович сидел в колонии.", "Кузнецов Дмитрий Олегович",
         ("Кузнецов", "Дмитрий", "Олегович")),
        ("Ищу Петрова Сергея Ивановича, пропал в мае.", "Петрова Сергея Ивановича",
         ("Петров", "Сергей", "Иванович")),
        ("Николай Петрович Семенов, 1979 года рождения, не звонит.", "Николай Петрович Семенов",
         ("Семёнов", "Николай", "Петрович")),
        ("My brother Sergei Ivanov called from a new number.", "Sergei Ivanov",
         ("Иванов", "Сергей", None)),
    ],
)  # fmt: skip
def test_a_person_in_any_case_and_order_comes_back_in_the_nominative(text, written, parts):
    person = one(text, "persons")
    assert person.text == written
    assert (person.value["surname"], person.value["given"], person.value["patronymic"]) == parts
    assert person.value["surname_key"]


def test_a_persons_role_comes_from_the_words_before_the_name():
    text = "Мой муж Голубев Павел пропал. Вербовщик Артём Соколов обещал деньги."
    roles = {f.text: f.value["role"] for f in facts(text, "persons")}
    assert roles == {"Голубев Павел": "missing", "Артём Соколов": "recruiter"}


def test_an_english_surname_alone_inside_a_sentence_is_a_person():
    person = one("The family's lawyer, said Romanova, was not let in.", "persons")
    assert (person.text, person.value["surname"]) == ("Romanova", "Романова")


def test_english_capitalised_words_that_are_no_name_are_not_persons():
    assert facts("The Ministry of Defence and Red Cross met in Moscow.", "persons") == []


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("позвонил 10 июля 2023 года", (2023, 7, 10)),
        ("позвонил 10 июля", (2023, 7, 10)),  # the latest 10 July not after the text's date
        ("последний звонок 14.11.2023", (2023, 11, 14)),
        ("в начале июля ушли", (2023, 7, None)),
        ("called on July 10, 2023", (2023, 7, 10)),
        ("in late October they left", (2023, 10, None)),
        ("six months ago he left", (2023, 9, None)),
        ("звонил вчера", (2024, 2, 29)),
        ("в 2022 году", (2022, None, None)),
    ],
)
def test_dates_absolute_partial_and_relative_to_the_texts_date(text, iso):
    d = one(text, "dates")
    assert (d.value["year"], d.value["month"], d.value["day"]) == iso


def test_a_stretch_of_time_is_not_a_date():
    assert facts("контракт на шесть месяцев, two weeks of training", "dates") == []


@pytest.mark.parametrize(
    ("text", "written", "kind", "number", "region"),
    [
        ("сидел в ИК-17 в Мордовии", "ИК-17", "ИК", 17, "RU-MO"),
        ("IK17 prison in Mordovia", "IK17", "ИК", 17, "RU-MO"),
        ("Мой муж из 5-й колонии в Челябинской области", "5-й колонии", "ИК", 5, "RU-CHE"),
        ("в ик 10 брянской обл", "ик 10", "ИК", 10, "RU-BRY"),
        ("Inmates of SIZO-1 in Yekaterinburg", "SIZO-1", "СИЗО", 1, "RU-SVE"),
        ("Penal Colony No. 5 (Chelyabinsk)", "Penal Colony No. 5", "ИК", 5, "RU-CHE"),
        ("в ИK-6 Омской области", "ИK-6", "ИК", 6, "RU-OMS"),  # a Latin K among Cyrillic
    ],
)
def test_facilities_with_their_number_and_the_sentences_region(text, written, kind, number, region):
    f = one(text, "facilities")
    assert (f.text, f.value["type"], f.value["number"], f.value["region"]) == (
        written, kind, number, region)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("отправили в Ростовскую область", "RU-ROS"),
        ("в Ростовской области", "RU-ROS"),
        ("in the Sverdlovsk region", "RU-SVE"),
        ("из Республики Марий Эл", "RU-ME"),
    ],
)
def test_regions_in_any_grammatical_case_get_their_iso_code(text, code):
    assert one(text, "regions").value["code"] == code


def test_a_regions_city_is_a_place_not_the_region():
    text = "лежит в госпитале в Донецке, потом в Москве"
    assert [f.text for f in facts(text, "places")] == ["Донецке", "Москве"]
    assert facts(text, "regions") == []


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("обещали 100.000 рублей", 100000, "RUB"),
        ("выплатят 5 млн рублей", 5000000, "RUB"),
        ("promised about 1.600 euros", 1600, "EUR"),
        ("обещали двести тысяч", 200000, "RUB"),
        ("he would get $2,000 a month", 2000, "USD"),
        ("платят 240 тыс. руб. в месяц", 240000, "RUB"),
        ("paid 100,000 rubles", 100000, "RUB"),
    ],
)
def test_money_amount_and_iso_currency(text, amount, currency):
    m = one(text, "money")
    assert (m.value["amount"], m.value["currency"]) == (amount, currency)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("about 50 inmates signed", 50),
        ("400 had applied", 400),
        ("ушли пятьдесят заключённых", 50),
        ("58 unidentified soldiers were found", 58),
        ("подали 400 заявлений", 400),
        ("забрали тридцать больных заключённых", 30),
        ("estimated that 48,000 inmates", 48000),
    ],
)
def test_counts_of_people_in_digits_and_words(text, value):
    assert one(text, "counts").value["value"] == value


def test_a_sum_of_thousands_followed_by_people_is_a_count_not_money():
    text = "из колоний ушли 20 тысяч заключённых, им обещали деньги"
    assert facts(text, "money") == []
    assert one(text, "counts").value["value"] == 20000


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("звонил с номера +7 912 345-67-89", "+79123456789"),
        ("телефон 89161234567", "+79161234567"),
        ("call 8 911 222 33 44", "+79112223344"),
        ("a Ukrainian number, +380 50 765 43 21", "+380507654321"),
    ],
)
def test_phone_numbers_in_e164_russian_first_then_ukrainian(text, e164):
    assert one(text, "phones").value["e164"] == e164


def test_call_signs_tokens_and_handles():
    text = 'Позывной «Хмурый», жетон К-204-117, пишите @sasha_kzn. His call sign was "Grumpy".'
    assert [f.value["value"] for f in facts(text, "call_signs")] == ["Хмурый", "Grumpy"]
    assert [f.value["value"] for f in facts(text, "tokens")] == ["K-204-117"]
    assert [f.value["value"] for f in facts(text, "handles")] == ["sasha_kzn"]


@pytest.mark.parametrize(
    "written",
    ["ЧВК «Вагнер»", "Шторм Z", "the orchestra", "Ministry of Defence", "в/ч 12345", "ФСИН России"],
)
def test_organisations_and_units(written):
    text = f"Он ушёл туда: {written}, говорят."
    assert written in [f.text for f in facts(text, "organisations")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Брат звонил вчера.", "contacted"),
        ("Просил прислать копию паспорта.", "documents_requested"),
        ("Сын подписал контракт.", "recruited"),
        ("Выплат так и нет.", "payment_missing"),
        ("Семье обещали 5 млн рублей, но выплата так и не пришла.", "payment_missing"),
        ("They went to a camp and then to the front.", "deployed"),
        ("Пропал без вести под Бахмутом.", "missing"),
        ("Указом президента помилован.", "pardoned"),
        ("He was wounded near Bakhmut.", "wounded"),
        ("He was buried in Tambov.", "buried"),
        ("They were sent to the front.", "deployed"),
        ("The recruits trained for two weeks.", "training"),
        ("Recruiters came to the colony.", "offered"),
    ],
)
def test_events_of_the_registry_vocabulary(text, kind):
    assert kind in [f.value["type"] for f in facts(text, "events")]


def test_an_event_carries_the_persons_date_and_place_of_its_sentence():
    text = "Мой сын Иванов Алексей позвонил 10 июля из ИК-17. Потом тишина."
    event = one(text, "events")
    assert event.value == {"type": "contacted", "persons": ["Иванов Алексей"],
                           "date": "2023-07-10", "place": "ИК-17"}  # fmt: skip


def test_a_promised_pardon_is_not_a_pardon():
    assert "pardoned" not in [
        f.value["type"] for f in facts("Им обещали помилование через полгода.", "events")
    ]


def test_language_is_found_per_paragraph():
    text = "Сын Иванов Алексей пропал.\n\nHis mother Olga Smirnova called."
    result = extract(text, today=TODAY)
    assert [lang for _, _, lang in result.paragraphs] == ["ru", "en"]
    assert [f.text for f in result.of("persons")] == ["Иванов Алексей", "Olga Smirnova"]


def test_a_forced_language_and_an_unknown_one():
    assert extract("Ivan Petrov", lang="en", today=TODAY).paragraphs[0][2] == "en"
    with pytest.raises(ValueError, match="lang"):
        extract("текст", lang="de")


def test_facts_never_overlap_and_come_in_order():
    text = ("В ИК-17 Мордовии 10 июля 2023 года пятьдесят заключённых подписали контракт, "
            "обещали 200 тысяч рублей, звонить +7 912 345-67-89.")  # fmt: skip
    result = extract(text, today=TODAY)
    plain = [f for f in result.facts if f.kind != "events"]
    for a, b in zip(plain, plain[1:], strict=False):
        assert a.end <= b.start
    assert {f.kind for f in result.facts} >= {"facilities", "regions", "dates", "counts",
                                             "money", "phones", "events"}  # fmt: skip


def test_the_json_object_has_every_contract_key_and_only_those():
    result = extract("Сын Иванов Алексей из ИК-17 звонил +7 912 345-67-89.", today=TODAY)
    data = result.as_json()
    assert list(data) == list(KINDS[:10])
    assert list(data["persons"][0]) == ["text", "start", "end", "surname", "given", "patronymic"]
    assert list(data["facilities"][0]) == ["text", "start", "end", "type", "number", "region"]
    assert list(data["phones"][0]) == ["text", "start", "end", "e164"]
    assert list(data["events"][0]) == ["type", "text", "start", "end", "persons", "date", "place"]
    assert "confidence" in result.as_json(KINDS, full=True)["persons"][0]
