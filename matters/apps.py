from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = "问题协调"

    def ready(self):
        # Connects the signals that clear the cached working calendar when an override changes.
        from . import selectors  # noqa: F401
