from django.urls import include, path

urlpatterns = [
    path("", include("kintrace.web.urls")),
    path("accounts/", include("kintrace.accounts.urls")),
    path("registry/", include("kintrace.registry.urls")),
    path("cases/", include("kintrace.cases.urls")),
    path("report/", include("kintrace.intake.urls")),
    path("lists/", include("kintrace.lists.urls")),
    path("api/v1/", include("kintrace.api.urls")),
]
