from django.apps import AppConfig


class RemainsConfig(AppConfig):
    name = "kintrace.remains"
