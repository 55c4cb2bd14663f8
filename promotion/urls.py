from core.urls import object_paths

from . import views

app_name = "promotion"

urlpatterns = [
    *object_paths(
        "teams",
        "promotionteam",
        list_view=views.PromotionTeamListView,
        detail_view=views.PromotionTeamDetailView,
        edit_view=views.PromotionTeamEditView,
        delete_view=views.PromotionTeamDeleteView,
        changelog_view=views.PromotionTeamChangelogView,
        import_view=views.PromotionTeamImportView,
    ),
    *object_paths(
        "team-members",
        "promotionteammember",
        list_view=views.PromotionTeamMemberListView,
        detail_view=views.PromotionTeamMemberDetailView,
        edit_view=views.PromotionTeamMemberEditView,
        delete_view=views.PromotionTeamMemberDeleteView,
        changelog_view=views.PromotionTeamMemberChangelogView,
        import_view=views.PromotionTeamMemberImportView,
    ),
]
