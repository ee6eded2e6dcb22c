from django.urls import path

from . import views
from .family import views as family_views

app_name = "remains"
urlpatterns = [
    path("", views.remains_index, name="list"),
    path("new/", views.remains_form, name="new"),
    path("import/", views.remains_import, name="import"),
    path("<id:pk>/", views.remains_detail, name="detail"),
    path("<id:pk>/edit/", views.remains_form, name="edit"),
    path("<id:pk>/photos/", views.photo_add, name="photo_add"),
    path("<id:pk>/match/", views.match, name="match"),
    path("<id:pk>/close/", views.close, name="close"),
    path("photo/<id:pk>/", views.photo, name="photo"),
    path("candidate/<id:pk>/decide/", views.decide, name="decide"),
    path("candidate/<id:pk>/confirm/", views.confirm, name="confirm"),
    path("person/<id:pk>/", views.antemortem, name="antemortem"),
    path("<id:pk>/family/", family_views.family_prepare, name="family_prepare"),
    path(
        "report/<id:pk>/copy-description/",
        family_views.antemortem_copy,
        name="antemortem_copy",
    ),
]
