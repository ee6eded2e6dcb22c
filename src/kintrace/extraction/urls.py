from django.urls import path

from . import views

app_name = "extraction"
urlpatterns = [
    path("", views.paste, name="paste"),
    path("accept/name/", views.accept_name, name="accept_name"),
    path("accept/event/", views.accept_event, name="accept_event"),
    path("accept/phone/", views.accept_phone, name="accept_phone"),
    path("accept/facility/", views.accept_facility, name="accept_facility"),
    path("articles/new/", views.article_create, name="article_create"),
    path("sources/<id:pk>/", views.source_text, name="source_text"),
    path("reports/<id:pk>/", views.report_text, name="report_text"),
]
