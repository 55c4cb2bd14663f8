"""URL patterns of one model's generic pages, named `<model>_<action>` inside the app's namespace."""

from django.urls import path


def object_paths(
    prefix, model_name, *, list_view, detail_view, edit_view, delete_view, changelog_view, import_view=None
):
    """The list / add / import / detail / edit / delete / changelog URLs of one model."""
    patterns = [
        path(f"{prefix}/", list_view.as_view(), name=f"{model_name}_list"),
        path(f"{prefix}/add/", edit_view.as_view(), name=f"{model_name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{model_name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{model_name}_edit"),
        path(f"{prefix}/<int:pk>/delete/", delete_view.as_view(), name=f"{model_name}_delete"),
        path(f"{prefix}/<int:pk>/changelog/", changelog_view.as_view(), name=f"{model_name}_changelog"),
    ]
    if import_view is not None:
        patterns.append(path(f"{prefix}/import/", import_view.as_view(), name=f"{model_name}_import"))
    return patterns


def read_only_paths(prefix, model_name, *, list_view, detail_view, changelog_view):
    """List, detail and change log of a model whose rows only services write (e.g. stage transitions)."""
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{model_name}_list"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{model_name}_detail"),
        path(f"{prefix}/<int:pk>/changelog/", changelog_view.as_view(), name=f"{model_name}_changelog"),
    ]
