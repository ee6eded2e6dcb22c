"""An event is a fact only when the sentence states it: promises, offers, negations,
conditions, questions and futures are not events (news style: "offered pardons", "will be
pardoned", "не был помилован", "если погибнет"). And an event takes the date nearest its
verb, in its own clause, not the sentence's first."""

from datetime import date

import pytest

from kintrace.extract import extract

TODAY = date(2024, 3, 13)


def events(text):
    return [(f.value["type"], f.value["date"]) for f in extract(text, today=TODAY).of("events")]


def types(text):
    return [t for t, _ in events(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Вербовщики обещали помилование через полгода.",
        "Prigozhin offered pardons to inmates who survived six months at the front.",
        "They were promised pardons after six months.",
        "Заключённым предлагают помилование в обмен на участие в войне.",
        "Он будет помилован после окончания контракта.",
        "He will be pardoned when his contract ends.",
        "Осуждённые могут получить помилование.",
        "Он не был помилован.",
        "He was not pardoned, his lawyer said.",
        "Inmates who sign up are eligible for a pardon.",
    ],
)
def test_a_pardon_promised_offered_or_denied_is_no_pardon(text):
    assert "pardoned" not in types(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Если погибнет, семья получит пять миллионов рублей.", "killed"),
        ("If he is killed, the family will receive compensation.", "killed"),
        ("В случае гибели семье обещают выплату.", "killed"),
        ("Погиб ли он?", "killed"),
        ("Was he killed?", "killed"),
        ("Они могут погибнуть в первом же бою.", "killed"),
        ("Inmates could be killed within weeks of arriving.", "killed"),
        ("He may be wounded, we do not know.", "wounded"),
        ("Он не был ранен.", "wounded"),
        ("He was never wounded.", "wounded"),
        ("Он так и не вышел на связь.", "contacted"),
        ("Его не похоронили.", "buried"),
    ],
)
def test_a_condition_question_possibility_or_negation_states_no_event(text, kind):
    assert kind not in types(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Его помиловали указом президента в августе 2023 года.", "pardoned"),
        ("He was pardoned in August 2023.", "pardoned"),
        ("Он погиб, где его похоронили?", "killed"),
        ("He was killed in May, his mother said on Tuesday.", "killed"),
        ("Обещали 200 тысяч, а выплатили только 50 тысяч рублей.", "payment_received"),
    ],
)
def test_a_stated_event_is_still_found(text, kind):
    assert kind in types(text)


def test_a_promise_of_pay_or_of_a_pardon_is_a_promise_and_a_promise_of_nothing_no_event():
    assert types("Вербовщики обещали помилование через полгода.") == ["payment_promised"]
    assert types("Вагнер обещал 200 тысяч рублей в месяц.") == ["payment_promised"]
    assert types("Мать обещала позвонить.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В мае он подписал контракт, а 10 июля погиб.",
         [("recruited", "2023-05"), ("killed", "2023-07-10")]),
        ("He signed a contract in May and was killed on July 10.",
         [("recruited", "2023-05"), ("killed", "2023-07-10")]),
        ("12 января он позвонил, а в конце февраля погиб под Бахмутом.",
         [("contacted", "2024-01-12"), ("killed", "2024-02")]),
        ("On 3 March 2023 he was recruited; he died on 20 June 2023.",
         [("recruited", "2023-03-03"), ("killed", "2023-06-20")]),
    ],
)  # fmt: skip
def test_each_event_takes_the_date_of_its_own_clause(text, expected):
    assert events(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В мае его завербовали, а через месяц он погиб.",
         [("recruited", "2023-05"), ("killed", None)]),
        ("He was recruited in May; a month later he was killed.",
         [("recruited", "2023-05"), ("killed", None)]),
        ("Сын погиб (10 июля 2023 года) под Бахмутом.", [("killed", "2023-07-10")]),
    ],
)  # fmt: skip
def test_a_date_in_another_clause_is_not_the_events_date(text, expected):
    assert events(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English puts a verb's time after it; "and" joins the next verb's own phrase
        (
            "Sokolov was recruited by the Wagner Group in September 2022 and killed near "
            "Bakhmut in January 2023.",
            [("recruited", "2022-09"), ("killed", "2023-01")],
        ),
        (
            "He was recruited in October 2023, deployed in December 2023 and killed in "
            "February 2024.",
            [("recruited", "2023-10"), ("deployed", "2023-12"), ("killed", "2024-02")],
        ),
        # Russian puts it on either side; between two verbs it is the nearer one's
        (
            "В октябре 2023 года его завербовали, в декабре 2023 года отправили на фронт.",
            [("recruited", "2023-10"), ("deployed", "2023-12")],
        ),
    ],
)
def test_a_date_between_two_events_belongs_to_one_of_them_not_both(text, expected):
    assert events(text) == expected
