"""The numbers page on the demo data: an analyst sees every chart, the map, the tables and the
CSV files, never a name; anonymous visitors are sent to log in and a logged-in user of no staff
role is refused; the charts are SVG without script; the page and its charts take a bounded
number of queries whatever the data."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from kintrace.figures.charts import SVG_CSP
from kintrace.figures.tables import CHARTS
from kintrace.registry.demo import load_demo
from kintrace.registry.models import Person, PersonName

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    cache.clear()
    load_demo(persons=80, facilities=10, seed=5)
    yield
    cache.clear()


@pytest.fixture
def analyst(make_staff, login):
    return login(make_staff("analyst"))


def names_in(body: str) -> list[str]:
    """Every stored surname (as a whole word) found in `body`."""
    surnames = set(PersonName.objects.exclude(surname="").values_list("surname", flat=True))
    return [s for s in surnames if re.search(rf"\b{re.escape(s)}\b", body)]


def test_the_analyst_sees_every_chart_the_map_and_the_downloads_but_no_name(demo, analyst):
    response = analyst.get(reverse("numbers:index"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in CHARTS:
        assert reverse("numbers:chart_csv", args=[name]) in body
        if name != "map":
            assert f'<img src="{reverse("numbers:chart_svg", args=[name])}' in body
    # The map is inline, its 89 tiles links to the regions' pages.
    tile_map = body.split('<div class="tile-map">', 1)[1].split("</svg>", 1)[0]
    assert tile_map.count('<a href="/numbers/regions/') == 89
    assert 'href="/numbers/estimate/"' in body and 'id="remains"' in body
    assert names_in(body) == []
    assert "<script" not in body.split("<main", 1)[1]


def test_each_chart_is_svg_without_script_under_its_own_policy_and_without_names(demo, analyst):
    for name in CHARTS:
        response = analyst.get(reverse("numbers:chart_svg", args=[name]))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "image/svg+xml"
        assert response["Content-Security-Policy"] == SVG_CSP
        svg = response.content.decode()
        assert "<svg" in svg and "<script" not in svg and "javascript:" not in svg, name
        assert "http://" not in svg.replace("http://www.w3.org/", ""), name
        assert names_in(svg) == [], name


def test_the_csv_has_the_table_s_numbers_and_a_total_per_colony(demo, analyst):
    response = analyst.get(reverse("numbers:chart_csv", args=["colonies"]))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, data = rows[0], rows[1:]
    assert header[-1] == "Итого" or header[-1] == "Total"
    assert sum(int(r[-1]) for r in data) == Person.objects.count() == 80
    for r in data:
        assert sum(int(x) for x in r[1:-1]) == int(r[-1])


def test_the_monthly_csv_counts_the_deployments_the_registry_holds(demo, analyst):
    from kintrace.registry.models import EventPerson

    rows = list(
        csv.reader(
            io.StringIO(
                analyst.get(reverse("numbers:chart_csv", args=["monthly"])).content.decode()
            )
        )
    )
    deployed = sum(int(r[2]) for r in rows[1:])
    expected = EventPerson.objects.filter(
        role="subject", event__type="deployed", event__start_month__isnull=False
    ).count()
    assert deployed == expected > 0


def test_a_region_filter_counts_only_that_region_s_men(demo, analyst):
    person = Person.objects.select_related("last_facility").first()
    code = person.last_facility.region_id
    body = analyst.get(reverse("numbers:index"), {"region": code}).content.decode()
    men = Person.objects.filter(last_facility__region_id=code).count()
    assert f'<dd id="total-men">{men}</dd>' in body
    region_page = analyst.get(reverse("numbers:region", args=[code])).content.decode()
    assert str(person.last_facility) in region_page
    assert names_in(region_page) == []


def test_a_wave_filter_and_a_date_range_are_read_and_a_bad_range_is_one_clear_line(demo, analyst):
    from kintrace.figures import selectors

    wave = selectors.wave_choices()[0]
    ok = analyst.get(reverse("numbers:index"), {"wave": wave, "start": "2022-01-01"})
    assert ok.status_code == 200
    bad = analyst.get(reverse("numbers:index"), {"start": "2024-01-01", "end": "2023-01-01"})
    assert bad.status_code == 200
    assert 'role="alert"' in bad.content.decode()
    unknown = analyst.get(reverse("numbers:index"), {"region": "XX-NOPE"})
    assert unknown.status_code == 200
    assert "ни один не применён: числа ниже — по всем людям" in unknown.content.decode()
    assert "ни один не применён" not in ok.content.decode()


@pytest.mark.parametrize("query", [{"region": "XX"}, {"wave": "zzz"}, {"start": "вчера"}])
def test_a_download_with_filters_it_cannot_read_is_refused_not_everyone_s_numbers(
    demo, analyst, query
):
    for view in ("numbers:chart_csv", "numbers:chart_svg"):
        response = analyst.get(reverse(view, args=["colonies"]), query)
        assert response.status_code == 400
        assert response.content.decode() == (
            "Эти фильтры не удалось прочитать; исправьте их на странице чисел."
        )


def test_an_unknown_chart_or_region_is_not_found(analyst):
    assert analyst.get(reverse("numbers:chart_svg", args=["names"])).status_code == 404
    assert analyst.get(reverse("numbers:region", args=["RU-XX"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_and_the_old_address_follows(client):
    urls = [
        reverse("numbers:index"),
        reverse("numbers:chart_svg", args=["monthly"]),
        reverse("numbers:chart_csv", args=["colonies"]),
        reverse("numbers:region", args=["RU-MOW"]),
        reverse("registry:numbers"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_a_user_without_a_staff_role_is_refused(login):
    from kintrace.accounts.models import User

    outsider = User.objects.create_user("outsider", password="x" * 20, role="")
    c = login(outsider)
    for url in (reverse("numbers:index"), reverse("numbers:chart_csv", args=["regions"])):
        assert c.get(url).status_code == 403


def test_the_old_address_sends_staff_to_the_new_page(analyst):
    response = analyst.get(reverse("registry:numbers"))
    assert response.status_code == 302 and response["Location"] == reverse("numbers:index")


def test_the_page_and_a_chart_take_a_bounded_number_of_queries(
    demo, analyst, django_assert_max_num_queries
):
    cache.clear()
    with django_assert_max_num_queries(40):
        analyst.get(reverse("numbers:index"), {"wave": "2023-Q1"})
    with django_assert_max_num_queries(15):  # warm: the cache answers
        analyst.get(reverse("numbers:chart_svg", args=["colonies"]), {"wave": "2023-Q1"})
