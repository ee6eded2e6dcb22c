"""/api/v1/: one NinjaAPI, one router per part. Add a part with `api.add_router(...)` here."""

from django.urls import path, re_path

from .core import api, api_not_found, api_view
from .reports import router as reports_router

api.add_router("/reports", reports_router)

ninja_patterns, _app_name, _namespace = api.urls
for pattern in ninja_patterns:
    pattern.callback = api_view(pattern.callback)

urlpatterns = [
    path("", (ninja_patterns, _app_name, _namespace)),
    re_path(r"^(?P<rest>.*)$", api_not_found, name="api_not_found"),
]
