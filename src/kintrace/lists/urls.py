from django.urls import path

from . import views

app_name = "lists"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/import/", views.start_import, name="start_import"),
    path("<id:pk>/header/", views.header_row, name="header_row"),
    path("<id:pk>/match/", views.match, name="match"),
    path("<id:pk>/retry/", views.retry, name="retry"),
    path("<id:pk>/cancel/", views.cancel, name="cancel"),
    path("<id:pk>/delete/", views.delete, name="delete"),
    path("runs/<id:pk>/cancel/", views.cancel_run, name="cancel_run"),
    path("<id:pk>/review/", views.review, name="review"),
    path("<id:pk>/unmatched/", views.unmatched, name="unmatched"),
    path("candidates/<id:pk>/decide/", views.decide, name="decide"),
    path("entries/<id:pk>/new-person/", views.new_person, name="new_person"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/run/", views.dedupe, name="dedupe"),
    path("duplicates/<id:pk>/decide/", views.duplicate_decision, name="duplicate_decide"),
    path("merges/", views.merges, name="merges"),
    path("merges/<id:pk>/undo/", views.undo, name="undo"),
]
