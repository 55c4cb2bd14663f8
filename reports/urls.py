from django.urls import path

from core.urls import read_only_paths

from . import views

app_name = "reports"

urlpatterns = [
    # 文书模板: added by uploading a .docx (the add page), its settings edited, put in force or not.
    path("templates/", views.DocumentTemplateListView.as_view(), name="documenttemplate_list"),
    path("templates/add/", views.DocumentTemplateUploadView.as_view(), name="documenttemplate_add"),
    path("templates/<int:pk>/", views.DocumentTemplateDetailView.as_view(), name="documenttemplate_detail"),
    path("templates/<int:pk>/edit/", views.DocumentTemplateEditView.as_view(), name="documenttemplate_edit"),
    path(
        "templates/<int:pk>/delete/",
        views.DocumentTemplateDeleteView.as_view(),
        name="documenttemplate_delete",
    ),
    path(
        "templates/<int:pk>/changelog/",
        views.DocumentTemplateChangelogView.as_view(),
        name="documenttemplate_changelog",
    ),
    path(
        "templates/<int:pk>/activate/",
        views.DocumentTemplateSwitchView.as_view(activate=True),
        name="documenttemplate_activate",
    ),
    path(
        "templates/<int:pk>/deactivate/",
        views.DocumentTemplateSwitchView.as_view(activate=False),
        name="documenttemplate_deactivate",
    ),
    path("templates/<int:pk>/file/", views.template_file, name="documenttemplate_file"),
    path("templates/builtin/<str:kind>/", views.builtin_template_file, name="builtin_template"),
    # 发函记录: written only by services.issue_letter.
    *read_only_paths(
        "letters",
        "letterissue",
        list_view=views.LetterIssueListView,
        detail_view=views.LetterIssueDetailView,
        changelog_view=views.LetterIssueChangelogView,
    ),
    path("letters/<int:pk>/file/", views.letter_file, name="letterissue_file"),
    path("letters/issue/<str:kind>/<int:pk>/", views.issue_letter, name="letter_issue"),
]
