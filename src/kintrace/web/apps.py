from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kintrace.web"
    verbose_name = "kintrace web"
