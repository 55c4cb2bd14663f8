"""Excel round-trip pages of a round: the unit's pre-filled sheet, upload → preview → commit.

A round the user cannot see is 404; a unit whose reports the user may not change in the round is 404
too. The upload is kept under IMPORT_DIR with a token (as `core.views.imports.ObjectImportView` does),
previewed with `import_progress(dry_run=True)` and imported on confirmation.
"""

import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views import View

from core.forms import ImportUploadForm
from core.views.imports import ALLOWED_SUFFIXES, SESSION_KEY
from org.models import Unit
from projects.views.project_import import PreviewResult

from ..importer import import_progress
from ..importer.columns import LABELS
from ..models import DispatchRound, ProgressReport
from ..sheets import round_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RoundMixin(LoginRequiredMixin):
    """The round of the URL, if the user may see it, and the units whose reports they may change in it."""

    def setup_round(self, pk):
        rounds = DispatchRound.objects.restrict(self.request.user, "view").select_related("cadence")
        self.round = get_object_or_404(rounds, pk=pk)
        unit_ids = (
            ProgressReport.objects.restrict(self.request.user, "change")
            .filter(round=self.round)
            .values_list("unit", flat=True)
            .distinct()
        )
        self.units = list(Unit.objects.filter(pk__in=unit_ids).order_by("code"))


class RoundSheetView(RoundMixin, View):
    """GET: the pre-filled sheet of `?unit=<id>` (or of the user's only unit); a choice of units else."""

    def get(self, request, pk):
        self.setup_round(pk)
        if not self.units:
            raise Http404("本轮调度中没有您可填报的项目。")
        wanted = request.GET.get("unit")
        if wanted is None and len(self.units) > 1:
            return render(request, "dispatch/sheet_choose.html", {"round": self.round, "units": self.units})
        unit = self.units[0] if wanted is None else next((u for u in self.units if str(u.pk) == wanted), None)
        if unit is None:
            raise Http404("本轮调度中没有该单位可由您填报的项目。")
        content = round_sheet(self.round, unit=unit, user=request.user)
        filename = f"{self.round.label}-{unit.name}-进度填报表.xlsx"
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response


class RoundImportView(RoundMixin, View):
    """Upload a progress sheet for the round, see the preview (counts, every error), confirm."""

    template_name = "dispatch/sheet_import.html"

    def get(self, request, pk):
        self.setup_round(pk)
        self.require_units()
        return self.render_page(ImportUploadForm())

    def post(self, request, pk):
        self.setup_round(pk)
        self.require_units()
        token = request.POST.get("confirm")
        if token:
            return self.confirm(token)
        upload_form = ImportUploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render_page(upload_form, status=400)
        upload = upload_form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            upload_form.add_error(
                "file", f"不支持的文件类型：{suffix or '无扩展名'}，请上传 .xlsx、.xls、.ods 或 .csv 文件。"
            )
            return self.render_page(upload_form, status=400)
        token = uuid.uuid4().hex
        pending_path = self.pending_path(token, suffix)
        pending_path.parent.mkdir(parents=True, exist_ok=True)
        with pending_path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        result = self.run(pending_path, dry_run=True, filename=upload.name)
        if result.ok:
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = {"suffix": suffix, "name": upload.name, "round": self.round.pk}
            request.session[SESSION_KEY] = pending
        else:
            pending_path.unlink(missing_ok=True)
        return self.render_page(
            ImportUploadForm(), result=result, token=token if result.ok else "", filename=upload.name
        )

    def require_units(self):
        if not self.units:
            raise Http404("本轮调度中没有您可填报的项目。")

    @staticmethod
    def pending_path(token, suffix):
        return Path(settings.IMPORT_DIR) / f"{token}{suffix}"

    def run(self, file_path, *, dry_run, filename):
        user = self.request.user
        summary = import_progress(
            str(file_path), round=self.round, actor=user, user=user, dry_run=dry_run, file_name=filename
        )
        return PreviewResult(summary)

    def confirm(self, token):
        pending = self.request.session.get(SESSION_KEY, {})
        entry = pending.pop(token, None)
        self.request.session[SESSION_KEY] = pending
        here = reverse("dispatch:round_import", kwargs={"pk": self.round.pk})
        if entry is None or entry.get("round") != self.round.pk:
            messages.error(self.request, "导入已过期或已完成，请重新上传文件。")
            return redirect(here)
        pending_path = self.pending_path(token, entry["suffix"])
        try:
            result = self.run(pending_path, dry_run=False, filename=entry["name"])
        finally:
            pending_path.unlink(missing_ok=True)
        if not result.committed:
            return self.render_page(ImportUploadForm(), result=result, filename=entry["name"], status=400)
        summary = result.summary()
        messages.success(
            self.request, f"导入完成：报送 {summary['updated']} 个项目，未变 {summary['unchanged']} 个。"
        )
        return redirect(here)

    def render_page(self, upload_form, *, result=None, token="", filename="", status=200):
        context = {
            "round": self.round,
            "units": self.units,
            "upload_form": upload_form,
            "result": result,
            "token": token,
            "filename": filename,
            "columns": list(LABELS.values()),
        }
        if result is not None and not result.ok:
            status = 400
        return render(self.request, self.template_name, context, status=status)


urlpatterns = [
    path("rounds/<int:pk>/sheet/", RoundSheetView.as_view(), name="round_sheet"),
    path("rounds/<int:pk>/import/", RoundImportView.as_view(), name="round_import"),
]
