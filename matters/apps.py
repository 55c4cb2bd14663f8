from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = "问题协调"
