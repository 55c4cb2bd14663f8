from django.apps import AppConfig


class LightsConfig(AppConfig):
    name = "lights"
    verbose_name = "预警亮灯"
