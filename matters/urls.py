from django.urls import path

from core.urls import object_paths, read_only_paths

from .views import boards, matter_page
from .views import objects as views

app_name = "matters"

urlpatterns = [
    path("board/", boards.BoardView.as_view(), name="board"),
    path("my/", boards.MyMattersView.as_view(), name="my_matters"),
    path("overdue/", boards.OverdueView.as_view(), name="overdue"),
    *object_paths(
        "matters",
        "matter",
        list_view=views.MatterListView,
        detail_view=matter_page.MatterDetailView,
        edit_view=views.MatterEditView,
        delete_view=views.MatterDeleteView,
        changelog_view=views.MatterChangelogView,
    ),
    *object_paths(
        "kinds",
        "matterkind",
        list_view=views.MatterKindListView,
        detail_view=views.MatterKindDetailView,
        edit_view=views.MatterKindEditView,
        delete_view=views.MatterKindDeleteView,
        changelog_view=views.MatterKindChangelogView,
    ),
    *read_only_paths(
        "events",
        "matterevent",
        list_view=views.MatterEventListView,
        detail_view=views.MatterEventDetailView,
        changelog_view=views.MatterEventChangelogView,
    ),
    *read_only_paths(
        "extensions",
        "extensionrequest",
        list_view=views.ExtensionRequestListView,
        detail_view=views.ExtensionRequestDetailView,
        changelog_view=views.ExtensionRequestChangelogView,
    ),
    *read_only_paths(
        "pauses",
        "matterpause",
        list_view=views.MatterPauseListView,
        detail_view=views.MatterPauseDetailView,
        changelog_view=views.MatterPauseChangelogView,
    ),
    *read_only_paths(
        "attachments",
        "matterattachment",
        list_view=views.MatterAttachmentListView,
        detail_view=views.MatterAttachmentDetailView,
        changelog_view=views.MatterAttachmentChangelogView,
    ),
    *object_paths(
        "workdays",
        "workdayoverride",
        list_view=views.WorkdayOverrideListView,
        detail_view=views.WorkdayOverrideDetailView,
        edit_view=views.WorkdayOverrideEditView,
        delete_view=views.WorkdayOverrideDeleteView,
        changelog_view=views.WorkdayOverrideChangelogView,
        import_view=views.WorkdayOverrideImportView,
    ),
]
# The actions on a matter and the evidence download (matters/views/matter_page.py).
urlpatterns += matter_page.urlpatterns
