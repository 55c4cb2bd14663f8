from core.urls import object_paths

from . import views

app_name = "reference"

urlpatterns = [
    *object_paths(
        "industries",
        "industry",
        list_view=views.IndustryListView,
        detail_view=views.IndustryDetailView,
        edit_view=views.IndustryEditView,
        delete_view=views.IndustryDeleteView,
        changelog_view=views.IndustryChangelogView,
        import_view=views.IndustryImportView,
    ),
    *object_paths(
        "emerging-industries",
        "emergingindustry",
        list_view=views.EmergingIndustryListView,
        detail_view=views.EmergingIndustryDetailView,
        edit_view=views.EmergingIndustryEditView,
        delete_view=views.EmergingIndustryDeleteView,
        changelog_view=views.EmergingIndustryChangelogView,
        import_view=views.EmergingIndustryImportView,
    ),
]
