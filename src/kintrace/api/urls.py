"""/api/v1/: one NinjaAPI, one router per part. Add a part with `api.add_router(...)` here."""

from django.urls import path

from .core import api
from .reports import router as reports_router

api.add_router("/reports", reports_router)

urlpatterns = [path("", api.urls)]
