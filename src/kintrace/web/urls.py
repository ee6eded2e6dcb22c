from django.urls import path, re_path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^static/(?P<path>.*)$", views.static, name="static"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("-/refused/<id:code>/", views.refused, name="refused"),
]
