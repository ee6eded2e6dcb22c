from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_index, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/status/", views.set_status, name="set_status"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
]
