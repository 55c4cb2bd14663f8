from django.urls import path

from core.urls import read_only_paths

from .views import project_lights, rulesets

app_name = "lights"

urlpatterns = [
    # Versions are published from the editor (services.save_ruleset), never edited or deleted.
    path("rulesets/editor/", rulesets.RulesEditorView.as_view(), name="rules_editor"),
    *read_only_paths(
        "rulesets",
        "ruleset",
        list_view=rulesets.RuleSetListView,
        detail_view=rulesets.RuleSetDetailView,
        changelog_view=rulesets.RuleSetChangelogView,
    ),
    path("rulesets/<int:pk>/activate/", rulesets.RuleSetActivateView.as_view(), name="ruleset_activate"),
    # Lights are written only by services.record_round_lights (the round page below).
    *read_only_paths(
        "project-lights",
        "projectlight",
        list_view=project_lights.ProjectLightListView,
        detail_view=project_lights.ProjectLightDetailView,
        changelog_view=project_lights.ProjectLightChangelogView,
    ),
    path("rounds/", project_lights.RoundListView.as_view(), name="round_list"),
    path("rounds/<int:pk>/", project_lights.RoundLightsView.as_view(), name="round_lights"),
]
