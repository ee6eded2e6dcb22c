from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("estimate/", views.estimate, name="estimate"),
    path("releases/", views.release_list, name="list"),
    path("releases/build/", views.release_build, name="build"),
    path("releases/<id:pk>/", views.release_detail, name="detail"),
    path("releases/<id:pk>/approve/", views.release_approve, name="approve"),
    path("releases/<id:pk>/discard/", views.release_discard, name="discard"),
    path("releases/<id:pk>/<str:fmt>/", views.release_download, name="download"),
]
