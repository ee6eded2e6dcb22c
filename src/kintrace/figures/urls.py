from django.urls import path

from . import views

app_name = "numbers"
urlpatterns = [
    path("", views.index, name="index"),
    path("charts/<slug:name>.svg", views.chart_svg, name="chart_svg"),
    path("charts/<slug:name>.csv", views.chart_csv, name="chart_csv"),
    path("regions/<slug:code>/", views.region, name="region"),
]
