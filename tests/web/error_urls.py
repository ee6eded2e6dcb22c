"""kintrace's URLs plus pages that fail, to show the error pages a real fault produces."""

from django.urls import include, path

from kintrace.urls import handler400, handler403, handler404, handler500  # noqa: F401


def boom(request):
    raise RuntimeError("a fault inside a view")


urlpatterns = [
    path("registry/boom/", boom),
    path("report/boom/", boom),
    path("", include("kintrace.urls")),
]
