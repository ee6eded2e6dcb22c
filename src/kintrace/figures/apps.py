from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "kintrace.figures"
