import pytest
from django.db import IntegrityError, transaction

from kintrace.registry.models import Facility, Region, Source, date_display, sort_key

pytestmark = pytest.mark.django_db


def _region():
    return Region.objects.create(code="RU-PER", name_ru="Пермский край", name_en="Perm Krai")


def test_the_database_refuses_a_second_facility_with_the_same_type_number_and_region():
    region = _region()
    Facility.objects.create(type="ИК", number="2", region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        Facility.objects.create(type="ИК", number="2", region=region)


def test_the_database_refuses_two_facilities_without_region_with_the_same_type_and_number():
    Facility.objects.create(type="ИК", number="2", region=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Facility.objects.create(type="ИК", number="2", region=None)


def test_the_same_number_is_allowed_in_another_region_or_of_another_type():
    region = _region()
    Facility.objects.create(type="ИК", number="2", region=region)
    Facility.objects.create(type="ИК", number="2", region=None)
    Facility.objects.create(type="ЛИУ", number="2", region=region)
    assert Facility.objects.count() == 3


def test_a_facility_reads_as_type_number_and_region():
    facility = Facility.objects.create(type="ИК", number="12", region=_region())
    assert str(facility) == "ИК-12 (Пермский край)"


def test_partial_dates_display_only_the_parts_that_are_known():
    assert date_display(1987, None, None) == "1987"
    assert date_display(1987, 3, None) == "03.1987"
    assert date_display(1987, 3, 14) == "14.03.1987"
    assert date_display(None, None, None) == ""


def test_sort_key_orders_a_partial_date_at_the_start_of_its_span():
    assert sort_key(2023, None, None) < sort_key(2023, 1, 1) < sort_key(2023, 5, None)
    assert sort_key(2023, 5, None) < sort_key(2023, 5, 2) < sort_key(2024, None, None)
    assert sort_key(None, None, None) == 0


def test_a_source_graded_a_to_c_and_1_to_3_is_well_sourced_and_weaker_is_not():
    assert Source(reliability="C", credibility=3).well_sourced
    assert Source(reliability="A", credibility=1).grade == "A1"
    assert not Source(reliability="D", credibility=1).well_sourced
    assert not Source(reliability="A", credibility=4).well_sourced
