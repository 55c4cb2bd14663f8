"""Excel import page: upload, preview with row/column errors, confirm (one transaction)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from core.forms import ImportUploadForm
from core.imports import SheetImporter
from core.spreadsheets import SpreadsheetError, read_spreadsheet
from core.views.base import RestrictedViewMixin, object_url

SESSION_KEY = "pending_imports"
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class ObjectImportView(RestrictedViewMixin, View):
    """Declare `queryset` and `form` (the model's edit form)."""

    form = None
    template_name = "core/object_import.html"

    def get(self, request):
        self.require_action("add")
        return self.render_page(ImportUploadForm())

    def post(self, request):
        self.require_action("add")
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
        path = self.pending_path(token, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        result = self.run(path, commit=False)
        if result is None:
            path.unlink(missing_ok=True)
            return self.render_page(upload_form, status=400)
        pending = request.session.get(SESSION_KEY, {})
        if result.ok:
            pending[token] = {"suffix": suffix, "name": upload.name, "model": self.model._meta.label_lower}
            request.session[SESSION_KEY] = pending
        else:
            path.unlink(missing_ok=True)
        return self.render_page(
            ImportUploadForm(), result=result, token=token if result.ok else "", filename=upload.name
        )

    def pending_path(self, token, suffix):
        return Path(settings.IMPORT_DIR) / f"{token}{suffix}"

    def run(self, path, *, commit, filename=""):
        try:
            sheets = read_spreadsheet(path)
        except SpreadsheetError as error:
            self.spreadsheet_error = str(error)
            return None
        if not sheets:
            self.spreadsheet_error = "文件中没有工作表。"
            return None
        importer = SheetImporter(self.form, user=self.request.user)
        return importer.run(
            sheets[0].rows, commit=commit, reason=f"Excel 导入：{filename}" if filename else ""
        )

    def confirm(self, token):
        pending = self.request.session.get(SESSION_KEY, {})
        entry = pending.pop(token, None)
        self.request.session[SESSION_KEY] = pending
        if entry is None or entry["model"] != self.model._meta.label_lower:
            messages.error(self.request, "导入已过期或已完成，请重新上传文件。")
            return redirect(object_url(self.model, "import"))
        path = self.pending_path(token, entry["suffix"])
        try:
            result = self.run(path, commit=True, filename=entry["name"])
        finally:
            path.unlink(missing_ok=True)
        if result is None or not result.committed:
            return self.render_page(ImportUploadForm(), result=result, filename=entry["name"], status=400)
        summary = result.summary()
        counts = f"新增 {summary['created']} 条，更新 {summary['updated']} 条，未变 {summary['unchanged']} 条"
        messages.success(self.request, f"导入完成：{counts}。")
        return redirect(object_url(self.model, "list"))

    def column_labels(self):
        """The column names the import recognises, shown on the page."""
        return [str(field.label) for field in self.form.base_fields.values()]

    def render_page(self, upload_form, *, result=None, token="", filename="", status=200):
        context = {
            **self.base_context(),
            "upload_form": upload_form,
            "result": result,
            "token": token,
            "filename": filename,
            "spreadsheet_error": getattr(self, "spreadsheet_error", ""),
            "columns": self.column_labels(),
        }
        if result is not None and not result.ok:
            status = 400
        return render(self.request, self.template_name, context, status=status)
