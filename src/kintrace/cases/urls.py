from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_index, name="list"),
    path("<id:pk>/", views.case_detail, name="detail"),
    path("<id:pk>/status/", views.set_status, name="set_status"),
    path("<id:pk>/assign/", views.assign, name="assign"),
    path("<id:pk>/notes/", views.note_add, name="note_add"),
]
