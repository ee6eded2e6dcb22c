"""Match runs compare a list entry with each registry person as a whole, at the list's
prevalence, and send ambiguous and conflicting pairs to review (issue 11)."""

import pytest
from django.urls import reverse
from django.utils import translation

from kintrace.lists.models import DuplicateCandidate, MatchCandidate
from kintrace.lists.selectors import LEVELS
from kintrace.lists.services import dedupe_run, match_run

CASUALTY_CSV = "ФИО;Дата рождения\nЗахаров Ильдар Юрьевич;1983\nКузнецов Олег Николаевич;1975\n"


@pytest.fixture
def logged_in(login, caseworker):
    return login(caseworker)


@pytest.fixture
def zakharov(person, caseworker):
    """A person with two name variants: "Захаров Илья Ильич" and the clerk's "ЗАХАРОВ И.И."."""
    from kintrace.registry.services import person_name_add

    p = person("Захаров Илья Ильич", "18.03.1983")
    person_name_add(person=p, text="ЗАХАРОВ И.И.", actor=caseworker)
    return p


def test_the_review_page_shows_the_conflicting_patronymic_initial_as_a_reason_against(
    client, logged_in, import_list, zakharov, caseworker
):
    pl = import_list(CASUALTY_CSV, kind="casualty", title="Некролог")
    run = match_run(person_list=pl, actor=caseworker, threshold=0.000001)
    c = MatchCandidate.objects.get(run=run, person=zakharov)
    assert c.probability < 0.1
    comparisons = {name: (level, weight) for name, level, weight in c.explanation}
    assert comparisons["patronymic"][0] == "initial conflicts"
    assert comparisons["patronymic"][1] < -5
    with translation.override("ru"):
        page = client.get(
            reverse("lists:review", kwargs={"pk": pl.pk}) + f"?c={c.pk}", HTTP_ACCEPT_LANGUAGE="ru"
        )
        assert page.status_code == 200
        html = page.content.decode()
        row = html[html.index("<td>Отчество</td>") :]
        row = row[: row.index("</tr>")]
        assert str(LEVELS["initial conflicts"]) in row
        assert "сильно против" in row


def test_the_review_page_says_which_prior_the_probability_was_read_at(
    client, logged_in, import_list, zakharov, caseworker
):
    pl = import_list(CASUALTY_CSV, kind="casualty", title="Некролог")
    run = match_run(person_list=pl, actor=caseworker, threshold=0.000001)
    run.refresh_from_db()
    # two rows say little: the casualty list's starting share (10 %) carries the estimate
    assert run.share_start == pytest.approx(0.1)
    assert 0.09 < run.expected_share < 0.13
    c = MatchCandidate.objects.filter(run=run).first()
    with translation.override("ru"):
        html = client.get(
            reverse("lists:review", kwargs={"pk": pl.pk}) + f"?c={c.pk}", HTTP_ACCEPT_LANGUAGE="ru"
        ).content.decode()
    assert "строк этого списка — люди из реестра" in html
    assert "10,0\u00a0%" in html  # the starting share, as a percentage
    assert "Вероятность: <strong>" in html and "\u00a0%</strong>" in html


def test_an_entry_two_persons_fit_equally_reaches_review_as_ambiguous(
    client, logged_in, import_list, person, caseworker
):
    first = person("Кузнецов Олег Николаевич", "1975")
    second = person("Кузнецов Олег Николаевич", "1975")
    pl = import_list(CASUALTY_CSV, kind="court", title="Решения суда")
    run = match_run(person_list=pl, actor=caseworker, threshold=0.5)
    both = MatchCandidate.objects.filter(run=run, person__in=[first, second])
    assert both.count() == 2
    assert {c.reason for c in both} == {"ambiguous"}
    c = both.first()
    with translation.override("ru"):
        html = client.get(
            reverse("lists:review", kwargs={"pk": pl.pk}) + f"?c={c.pk}", HTTP_ACCEPT_LANGUAGE="ru"
        ).content.decode()
    assert "примерно так же подходит другой человек" in html


def test_the_duplicate_search_compares_persons_as_a_whole_and_flags_conflicts(
    person, caseworker, client, login
):
    from kintrace.registry.services import person_name_add

    # one man has a Latin variant without patronymic; the other is another Тимофеев
    boris_yurievich = person("Тимофеев Борис Юрьевич", "1985")
    person_name_add(person=boris_yurievich, text="Timofeev Boris", actor=caseworker)
    boris_borisovich = person("Тимофеев Борис Борисович", "1985")
    # one man written twice with two birth years a year apart: a pair to decide
    a = person("Шапоров Артём Ильич", "12.05.1981")
    b = person("Шапоров Артём Ильич", "1982")
    dedupe_run(actor=caseworker, threshold=0.5)
    pairs = {(d.person_a_id, d.person_b_id): d for d in DuplicateCandidate.objects.all()}
    assert (boris_yurievich.pk, boris_borisovich.pk) not in pairs
    flagged = pairs[(a.pk, b.pk)]
    assert flagged.reason == "conflict"
    login(caseworker)
    with translation.override("ru"):
        html = client.get(reverse("lists:duplicates"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "автоматически они не объединяются" in html
