"""Every aria-describedby on a page names an element of that page: Django points a field
with help text at "<id>_helptext", so each template that shows help text must give it that
id (the relatives' form said "id_X_help" and screen readers read nothing)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC = ["intake:report", "intake:inbox"]
STAFF = [
    "lists:upload",
    "registry:person_create",
    "numbers:index",
    "accounts:password_change",
    "remains:new",
    "remains:import",
    "extraction:paste",
]


def dangling(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    refs = [r for group in re.findall(r'aria-describedby="([^"]+)"', html) for r in group.split()]
    return [r for r in refs if r not in ids]


@pytest.mark.parametrize("name", PUBLIC)
def test_the_public_forms_describe_each_field_by_an_element_that_exists(name):
    html = Client().get(reverse(name)).content.decode()
    assert 'aria-describedby="' in html or name != "intake:report"
    assert dangling(html) == []


@pytest.mark.parametrize("name", STAFF)
def test_the_staff_forms_describe_each_field_by_an_element_that_exists(
    name, make_staff, login, org_keys
):
    c = login(make_staff("admin"))
    response = c.get(reverse(name))
    assert response.status_code == 200, name
    assert dangling(response.content.decode()) == []
