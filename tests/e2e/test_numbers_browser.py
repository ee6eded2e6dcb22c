"""The numbers page in a real browser on a 360 px phone with JavaScript off: the analyst sees
the charts (the SVG images load under the page's CSP), the map's tiles lead to a region's
colonies, the CSV downloads; no name anywhere; a caseworker's menu is not needed to see it and
a stranger is sent to log in."""

import re

import pytest
from django.core.cache import cache

from kintrace.registry.demo import load_demo
from kintrace.registry.models import PersonName
from tests.e2e.test_staff_browser import log_in, staff

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_analyst_on_a_phone_without_script_sees_charts_map_and_downloads_but_no_name(
    live_server, browser_context
):
    cache.clear()
    load_demo(persons=60, facilities=8, seed=9)
    _user, device = staff("nina", "analyst")
    surnames = set(PersonName.objects.exclude(surname="").values_list("surname", flat=True))
    url = live_server.url

    stranger = browser_context(java_script_enabled=False).new_page()
    stranger.goto(url + "/numbers/")
    assert "/accounts/login/" in stranger.url

    context = browser_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="en-US"
    )
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    log_in(page, url, "nina", device=device)
    page.goto(url + "/numbers/")
    assert page.locator("h1").inner_text() == "Numbers"
    images = page.locator("section.chart img")
    assert images.count() == 5
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("(img) => img.complete", arg=img.element_handle())
        width = img.evaluate("(img) => img.naturalWidth")
        assert width > 0, img.get_attribute("src")  # the SVG loaded and was drawn
        assert img.bounding_box()["width"] <= 360
    # Nothing wider than the phone's screen but the tables, which scroll in their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    body = page.content()
    assert not [s for s in surnames if re.search(rf"\b{re.escape(s)}\b", body)]
    assert violations == []

    with page.expect_download() as download:
        page.locator("#chart-colonies a[download]").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("Colony,")

    tile = page.locator("#map svg a").first
    tile.click()
    page.wait_for_url(re.compile(r"/numbers/regions/[A-Z0-9-]+/$"))
    assert page.locator("h2", has_text="Colonies").count() == 1
