from django.urls import path

from core.urls import object_paths, read_only_paths

from .views import objects as views
from .views import reporting, rounds, sheets

app_name = "dispatch"

urlpatterns = [
    path("board/", rounds.BoardView.as_view(), name="board"),
    *object_paths(
        "cadences",
        "cadence",
        list_view=views.CadenceListView,
        detail_view=rounds.CadenceDetailView,
        edit_view=views.CadenceEditView,
        delete_view=views.CadenceDeleteView,
        changelog_view=views.CadenceChangelogView,
        import_view=views.CadenceImportView,
    ),
    path(
        "cadences/<int:pk>/open-round/",
        rounds.CadenceOpenRoundView.as_view(),
        name="cadence_open_round",
    ),
    *read_only_paths(
        "rounds",
        "dispatchround",
        list_view=views.DispatchRoundListView,
        detail_view=rounds.DispatchRoundDetailView,
        changelog_view=views.DispatchRoundChangelogView,
    ),
    path(
        "rounds/<int:pk>/send-reminders/",
        rounds.RoundSendRemindersView.as_view(),
        name="round_send_reminders",
    ),
    path(
        "rounds/<int:pk>/grant-exception/",
        rounds.RoundGrantExceptionView.as_view(),
        name="round_grant_exception",
    ),
    *read_only_paths(
        "reports",
        "progressreport",
        list_view=views.ProgressReportListView,
        detail_view=reporting.ProgressReportDetailView,
        changelog_view=views.ProgressReportChangelogView,
    ),
    *read_only_paths(
        "photos",
        "reportphoto",
        list_view=views.ReportPhotoListView,
        detail_view=views.ReportPhotoDetailView,
        changelog_view=views.ReportPhotoChangelogView,
    ),
    *read_only_paths(
        "reviews",
        "reportreview",
        list_view=views.ReportReviewListView,
        detail_view=views.ReportReviewDetailView,
        changelog_view=views.ReportReviewChangelogView,
    ),
    *object_paths(
        "rules",
        "validationrule",
        list_view=views.ValidationRuleListView,
        detail_view=views.ValidationRuleDetailView,
        edit_view=views.ValidationRuleEditView,
        delete_view=views.ValidationRuleDeleteView,
        changelog_view=views.ValidationRuleChangelogView,
        import_view=views.ValidationRuleImportView,
    ),
    *object_paths(
        "lock-exceptions",
        "lockexception",
        list_view=views.LockExceptionListView,
        detail_view=views.LockExceptionDetailView,
        edit_view=views.LockExceptionEditView,
        delete_view=views.LockExceptionDeleteView,
        changelog_view=views.LockExceptionChangelogView,
    ),
    *read_only_paths(
        "reminders",
        "reminder",
        list_view=views.ReminderListView,
        detail_view=views.ReminderDetailView,
        changelog_view=views.ReminderChangelogView,
    ),
]
# Reporting pages: my reports, the fill form, review actions (dispatch/views/reporting.py).
urlpatterns += reporting.urlpatterns
# The Excel round-trip pages (dispatch/views/sheets.py).
urlpatterns += sheets.urlpatterns
