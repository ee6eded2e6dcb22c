"""The pure matching: exclusions with their reasons, descriptor scores, the blocking index."""

from kintrace.remains.matching import (
    Descriptors,
    PersonIndex,
    Tattoo,
    body_location,
    compare,
    date_key,
    date_key_end,
    known_descriptors,
    match,
)

BODY = Descriptors(
    key=1,
    sex="m",
    age_min=30,
    age_max=40,
    height_min=175,
    height_max=180,
    date_min=date_key(2023, 5),
    date_max=date_key_end(2023, 5),
    tattoos=(Tattoo(text="ВДВ 1998", image="парашют и самолёты", location="левое плечо"),),
    token="К-21 0345",
    belongings=("крестик на шнурке",),
)


def man(**kw) -> Descriptors:
    base = dict(
        key=7,
        sex="m",
        birth_year_min=1988,
        birth_year_max=1988,
        height_min=176,
        height_max=178,
        last_alive=date_key(2023, 3, 1),
    )
    base.update(kw)
    return Descriptors(**base)


def test_a_different_sex_excludes_with_its_reason():
    result = compare(BODY, man(sex="f"))
    assert result.excluded and [r.code for r in result.reasons] == ["sex"]


def test_an_age_that_cannot_overlap_even_with_the_margin_excludes():
    result = compare(BODY, man(birth_year_min=2001, birth_year_max=2001))  # 21–22 in 2023
    assert result.excluded and result.reasons[0].code == "age"
    assert not compare(BODY, man(birth_year_min=1996, birth_year_max=1996)).excluded  # 26–27


def test_a_height_outside_the_range_and_margin_excludes():
    assert compare(BODY, man(height_min=160, height_max=165)).reasons[0].code == "height"
    assert not compare(BODY, man(height_min=168, height_max=171)).excluded


def test_a_body_found_before_his_last_sign_of_life_excludes():
    result = compare(BODY, man(last_alive=date_key(2023, 8, 2)))
    assert result.excluded and result.reasons[0].code == "date"
    # A sign of life in the same month does not: the body's month ends after it.
    assert not compare(BODY, man(last_alive=date_key(2023, 5, 20))).excluded


def test_every_exclusion_is_kept_not_only_the_first():
    result = compare(BODY, man(sex="f", height_min=150, height_max=155))
    assert {r.code for r in result.reasons} == {"sex", "height"}


def test_the_token_counts_exactly_with_one_digit_wrong_and_by_colony():
    assert compare(BODY, man(token="K210345")).reasons[0].outcome == "same"
    assert compare(BODY, man(token="К-21-0354")).reasons[0].outcome == "close"  # swapped
    assert compare(BODY, man(token="К-21-9999")).reasons[0].outcome == "partial"
    assert compare(BODY, man(token="К-44-9999")).reasons[0].outcome == "differs"


def test_a_tattoo_described_in_other_words_still_agrees_on_text_and_place():
    his = man(tattoos=(Tattoo(text="ВДВ-1998", image="парашют", location="плечо слева"),))
    reason = next(r for r in compare(BODY, his).reasons if r.code == "tattoo")
    assert reason.outcome == "same" and "shoulder" in reason.detail


def test_body_locations_read_side_and_part_in_both_languages():
    assert body_location("левое предплечье") == ("left", "forearm")
    assert body_location("right shoulder") == ("right", "shoulder")
    assert body_location("на груди") == ("", "chest")


def test_a_name_on_the_grave_is_compared_by_its_keys_in_any_script():
    body = Descriptors(key=1, names=("Ivanov Aleksandr",))
    result = compare(body, man(names=("Иванов Александр Сергеевич",)))
    assert result.reasons[0].code == "name" and result.reasons[0].outcome == "same"


def test_match_ranks_the_true_man_first_and_returns_the_excluded_apart():
    true = man(key=1, token="K210345", tattoos=(Tattoo(text="ВДВ 1998", location="левое плечо"),))
    other = man(key=2, token="K-21-0999")  # same colony only
    woman = man(key=3, sex="f", token="K210345")
    ranked, excluded = match(BODY, [other, woman, true])
    assert [r.key for r in ranked] == [1, 2]
    assert [r.key for r in excluded] == [3]
    index_ranked, _ = match(BODY, PersonIndex([other, woman, true]))
    assert [r.key for r in index_ranked] == [1, 2]


def test_age_and_height_alone_propose_nobody():
    body = Descriptors(key=1, sex="m", age_min=30, age_max=40, height_min=170, height_max=180)
    assert match(body, [man()])[0] == []
    assert known_descriptors(body) == 0 and known_descriptors(BODY) == 3
