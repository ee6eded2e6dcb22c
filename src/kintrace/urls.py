from django.urls import include, path, register_converter

from kintrace.web.params import IdConverter

# Every id in a URL is `<id:pk>`: ASCII digits that fit the database's integer, else a 404.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("kintrace.web.urls")),
    path("accounts/", include("kintrace.accounts.urls")),
    path("registry/", include("kintrace.registry.urls")),
    path("cases/", include("kintrace.cases.urls")),
    path("report/", include("kintrace.intake.urls")),
    path("lists/", include("kintrace.lists.urls")),
    path("remains/", include("kintrace.remains.urls")),
    path("numbers/", include("kintrace.releases.urls")),
    path("numbers/", include("kintrace.figures.urls")),
    path("api/v1/", include("kintrace.api.urls")),
    path("", include("kintrace.ops.urls")),
    path("extraction/", include("kintrace.extraction.urls")),
]

# Translated, styled error pages with a way back (web/errors.py), on both sides of the site.
handler400 = "kintrace.web.errors.bad_request"
handler403 = "kintrace.web.errors.permission_denied"
handler404 = "kintrace.web.errors.page_not_found"
handler500 = "kintrace.web.errors.server_error"
