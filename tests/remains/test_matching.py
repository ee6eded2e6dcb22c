"""The pure matching: exclusions with their reasons, descriptor scores, the blocking index."""

from kintrace.remains import matching
from kintrace.remains.matching import (
    Descriptors,
    PersonIndex,
    Rarity,
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
    result = compare(BODY, man(birth_year_min=2004, birth_year_max=2004))  # 18–19 in 2023
    assert result.excluded and result.reasons[0].code == "age"
    assert not compare(BODY, man(birth_year_min=2000, birth_year_max=2000)).excluded  # 22–23


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
    other = man(key=2, belongings=("крестик",))  # no token known, a cross like the body's
    colony = man(key=4, token="K-21-0999")  # same colony, another number: not proposed
    woman = man(key=3, sex="f", token="K210345")
    ranked, excluded = match(BODY, [other, colony, woman, true])
    assert [r.key for r in ranked] == [1, 2]
    assert [r.key for r in excluded] == [3]
    index_ranked, _ = match(BODY, PersonIndex([other, colony, woman, true]))
    assert [r.key for r in index_ranked] == [1, 2]


def test_age_and_height_alone_propose_nobody():
    body = Descriptors(key=1, sex="m", age_min=30, age_max=40, height_min=170, height_max=180)
    assert match(body, [man()])[0] == []
    assert known_descriptors(body) == 0 and known_descriptors(BODY) == 3


# --- weights by rarity (Fellegi–Sunter u-probabilities from the men's side) ----------------


def crowd(n: int = 300, **kw) -> list[Descriptors]:
    """n men who all have a "ВДВ" tattoo with a parachute on the shoulder and a cross."""
    common = Tattoo(text="ВДВ", image="парашют", location="правое плечо")
    return [
        man(key=100 + i, tattoos=(common,), belongings=("нательный крестик",), **kw)
        for i in range(n)
    ]


def points(result, code: str) -> float:
    return sum(r.points for r in result.reasons if r.code == code)


def test_a_rare_tattoo_text_weighs_more_than_one_every_man_has():
    rare = man(key=1, tattoos=(Tattoo(text="Оля 2013", image="роза", location="левое плечо"),))
    rarity = Rarity([*crowd(), rare])
    body_rare = Descriptors(key=9, tattoos=(Tattoo(text="Оля 2013", location="левое плечо"),))
    body_common = Descriptors(key=9, tattoos=(Tattoo(text="ВДВ", location="правое плечо"),))
    strong = points(compare(body_rare, rare, rarity), "tattoo")
    weak = points(compare(body_common, crowd(1)[0], rarity), "tattoo")
    assert strong > 6 and weak < 1  # every man has "ВДВ": agreeing on it tells nothing
    # "Оля 2014" is the one the fuzzy comparison takes for his: it is as rare as his own.
    assert Rarity([rare]).counts["tt:оля 201*"] == 1


def test_with_too_few_men_to_count_the_fixed_points_stay():
    two = [man(key=1, token="K210345"), man(key=2)]
    assert points(compare(BODY, two[0], Rarity(two)), "token") == 8.0
    assert Rarity(two).bits("t:210345", "token") is None


def test_a_token_number_outweighs_any_common_descriptor_and_grows_with_the_registry():
    him = man(key=1, token="K210345")
    small, large = Rarity([*crowd(300), him]), Rarity([*crowd(3000), him])
    assert points(compare(BODY, him, large), "token") > points(compare(BODY, him, small), "token")
    assert points(compare(BODY, him, small), "token") >= 8  # never less than the fixed points


def test_another_number_from_the_same_colony_counts_against_him():
    assert points(compare(BODY, man(token="К-21-9999")), "token") < 0
    assert points(compare(BODY, man(token="К-44-9999")), "token") < points(
        compare(BODY, man(token="К-21-9999")), "token"
    )


def test_belongings_in_other_words_agree_by_a_shared_word_and_a_rare_one_counts_more():
    ring = man(key=1, belongings=("кольцо обручальное",))
    rarity = Rarity([*crowd(), ring])
    body = Descriptors(key=9, belongings=("кольцо жёлтого металла",))
    cross = Descriptors(key=9, belongings=("крестик на шнурке",))
    assert compare(body, ring, rarity).reasons[0].outcome == "same"
    assert points(compare(body, ring, rarity), "belongings") > points(
        compare(cross, crowd(1)[0], rarity), "belongings"
    )


def test_an_age_only_within_the_margin_counts_against_him_inside_the_estimate_for_him():
    inside = man(birth_year_min=1988, birth_year_max=1988)  # 34–35 in 2023: within 30–40
    margin = man(birth_year_min=1980, birth_year_max=1980)  # 42–43: only within the margin
    assert points(compare(BODY, inside), "age") > 0 > points(compare(BODY, margin), "age")
    assert not compare(BODY, margin).excluded


def test_the_index_weighs_by_the_rarity_of_its_own_men():
    rare = man(key=1, tattoos=(Tattoo(text="Оля 2013", image="роза", location="левое плечо"),))
    men = [*crowd(), rare]
    body = Descriptors(key=9, tattoos=(Tattoo(text="Оля 2013", location="левое плечо"),))
    ranked, _ = match(body, PersonIndex(men))
    assert ranked[0].key == 1 and ranked[0].score == compare(body, rare, Rarity(men)).score


def test_a_body_whose_every_clue_is_common_still_meets_its_man_through_a_pair(monkeypatch):
    monkeypatch.setattr(matching, "COMMON_KEY", 50)
    him = man(key=1, belongings=("часы Casio", "нательный крестик"))
    watches = [man(key=200 + i, belongings=("часы Casio",)) for i in range(60)]
    men = [*crowd(60), *watches, him]
    body = Descriptors(key=9, belongings=("часы электронные", "крест серебряный"))
    pool = PersonIndex(men).candidates(body)
    assert [m.key for m in pool] == [1]  # neither the watch nor the cross gathers alone
