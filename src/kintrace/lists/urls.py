from django.urls import path

from . import views

app_name = "lists"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/import/", views.start_import, name="start_import"),
    path("<int:pk>/match/", views.match, name="match"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("runs/<int:pk>/cancel/", views.cancel_run, name="cancel_run"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/unmatched/", views.unmatched, name="unmatched"),
    path("candidates/<int:pk>/decide/", views.decide, name="decide"),
    path("entries/<int:pk>/new-person/", views.new_person, name="new_person"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/run/", views.dedupe, name="dedupe"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decision, name="duplicate_decide"),
    path("merges/", views.merges, name="merges"),
    path("merges/<int:pk>/undo/", views.undo, name="undo"),
]
