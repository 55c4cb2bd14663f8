"""Excel import: every data row of a sheet becomes a form, all rows are saved in one transaction.

Headers are matched to form fields by their Chinese label (as in our exports) or field name; related
rows are named by code or name instead of database ids; errors read "第 N 行 第 X 列（列名）：原因".
A row whose key (`Model.import_keys`) matches an existing row updates it; an unchanged row is left
alone, so importing the same file twice changes nothing.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db import models, transaction
from django.forms.models import model_to_dict

from core.history import history_context

HEADER_SCAN_ROWS = 20
EMPTY_MARKERS = {"", "—", "——", "-", "--", "/", "无"}
TRUE_WORDS = {"是", "√", "✓", "y", "yes", "true", "1", "有"}
FALSE_WORDS = {"否", "×", "x", "n", "no", "false", "0", "无", ""}


class RowsOutOfScope(Exception):
    """A saved row fell outside the importing user's grants; rolls the whole import back."""


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA (Excel's column names)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def normalise_header(text):
    """Header text compared loosely: full-width to half-width, no spaces, no * or ※ markers."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*※:：]", "", text).lower()


def cell_text(value):
    """A cell as the text a form field expects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return "" if text in EMPTY_MARKERS else text


def related_lookups(model):
    """Fields a spreadsheet may use to name a row of `model` (code, then name …); the first one is
    how exports write it."""
    declared = getattr(model, "natural_lookups", None)
    if declared:
        return declared
    names = {f.name for f in model._meta.get_fields()}
    return tuple(name for name in ("code", "username", "name", "short_name") if name in names)


def natural_value(model, pk):
    """How a spreadsheet names the row `pk` of `model` (its code, else its name …)."""
    lookups = related_lookups(model)
    if not lookups:
        return str(pk)
    value = model._default_manager.filter(pk=pk).values_list(lookups[0], flat=True).first()
    return "" if value is None else str(value)


class NaturalKeyChoiceField(forms.ModelChoiceField):
    """Chooses a related row by code or name (as people write them in Excel), not by id."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        label = self.queryset.model._meta.verbose_name
        for lookup in related_lookups(self.queryset.model):
            matches = list(self.queryset.filter(**{lookup: text})[:2])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise forms.ValidationError(f"“{text}”对应多个{label}，请改填编码。")
        raise forms.ValidationError(f"找不到{label}“{text}”（或不在您的授权范围内）。")


class NaturalKeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        texts = [part for part in re.split(r"[、,，;；\n]+", " ".join(value or [])) if part.strip()]
        if not texts:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"])
            return self.queryset.none()
        single = NaturalKeyChoiceField(self.queryset)
        return [single.to_python(text) for text in texts]


def import_form_class(form_class):
    """The edit form of a model adapted for spreadsheet rows (related rows named, not numbered)."""
    replacements = {}
    for name, form_field in form_class.base_fields.items():
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            replacements[name] = NaturalKeyMultipleChoiceField(
                form_field.queryset, required=form_field.required, label=form_field.label
            )
        elif isinstance(form_field, forms.ModelChoiceField):
            replacements[name] = NaturalKeyChoiceField(
                form_field.queryset, required=form_field.required, label=form_field.label
            )
    return type(f"Import{form_class.__name__}", (form_class,), replacements)


def _comparable(value):
    """Related rows by id, in any order (a set); any other list in its order (a JSON list of month
    amounts or of dicts: reordering it is a change)."""
    if isinstance(value, models.Model):
        return value.pk
    related = isinstance(value, list | tuple) and all(isinstance(item, models.Model) for item in value)
    if isinstance(value, set | frozenset | models.QuerySet) or related:
        return sorted(_comparable(item) for item in value)
    if isinstance(value, list | tuple):
        return [_comparable(item) for item in value]
    return value


def differs(form):
    """Whether a valid form would change its existing row — compared on cleaned values (cells name
    related rows by code or name, not by id) against the row as it was before validation."""
    current = form.original_values
    for name, value in form.cleaned_data.items():
        if name in current and _comparable(value) != _comparable(current[name]):
            return True
    return False


@dataclass
class RowResult:
    number: int
    action: str = ""  # 新增 / 更新 / 不变
    label: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    committed: bool = False

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        return {
            "created": self.count("新增"),
            "updated": self.count("更新"),
            "unchanged": self.count("不变"),
            "errors": self.errors,
            "committed": self.committed,
        }


class SheetImporter:
    """Imports the rows of one sheet through `form_class` (a RestrictedModelForm) as `user`."""

    def __init__(self, form_class, *, user):
        self.form_class = import_form_class(form_class)
        self.model = form_class._meta.model
        self.user = user

    def header_map(self, rows):
        """(header row index, {column index: field name}) — the header is the best-matching early row."""
        wanted = {}
        for name, form_field in self.form_class.base_fields.items():
            wanted[normalise_header(name)] = name
            wanted[normalise_header(form_field.label or name)] = name
        best = (None, {})
        for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            mapping = {}
            for column, value in enumerate(row):
                key = normalise_header(value)
                if key in wanted and wanted[key] not in mapping.values():
                    mapping[column] = wanted[key]
            if len(mapping) > len(best[1]):
                best = (index, mapping)
        return best

    def find_existing(self, values, row):
        keys = getattr(self.model, "import_keys", ())
        if not keys or not any(values.get(key) for key in keys):
            return None
        lookup = {}
        for key in keys:
            if not values.get(key):
                lookup[key] = None  # e.g. a grant on a region has no unit
                continue
            form_field = self.form_class.base_fields[key]
            try:
                lookup[key] = form_field.clean(self.choice_value(form_field, values[key]))
            except forms.ValidationError:
                return None
        existing = self.model._default_manager.filter(**lookup).first()
        if existing is None:
            return None
        if not self.model._default_manager.filter(pk=existing.pk).restrict(self.user, "change").exists():
            row.errors.append(f"第 {row.number} 行：该记录已存在，但不在您的授权范围内，不能修改。")
            return None
        return existing

    @staticmethod
    def choice_value(form_field, text):
        """A choice cell may hold the Chinese label (as exported) or the stored value."""
        if isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField):
            labels = {str(label): key for key, label in form_field.choices}
            return labels.get(text, text)
        return text

    def build_form(self, values, row):
        existing = self.find_existing(values, row)
        if row.errors:
            return None
        # Columns the sheet leaves out keep the row's current value, or the field's default for a new row.
        base = existing if existing is not None else self.model()
        data = {
            name: self._instance_value(name, value)
            for name, value in model_to_dict(base, fields=list(self.form_class.base_fields)).items()
        }
        for name, value in values.items():
            form_field = self.form_class.base_fields[name]
            if isinstance(form_field, forms.BooleanField):
                value = "on" if value.lower() in TRUE_WORDS else ""
            elif isinstance(form_field, forms.ModelMultipleChoiceField):
                value = [value]
            elif isinstance(form_field, forms.ModelChoiceField):
                pass  # named by code or name; NaturalKeyChoiceField resolves it
            elif isinstance(form_field, forms.ChoiceField):
                value = self.choice_value(form_field, value)
            elif isinstance(form_field, forms.DecimalField | forms.IntegerField | forms.FloatField):
                value = value.replace(",", "")
            data[name] = value
        form = self.form_class(data, instance=existing or self.model(), user=self.user)
        form.original_values = model_to_dict(form.instance, fields=list(self.form_class.base_fields))
        row.action = "新增" if existing is None else "更新"
        return form

    def _instance_value(self, name, value):
        """An existing row's field value written the way a spreadsheet would write it."""
        form_field = self.form_class.base_fields[name]
        model = getattr(getattr(form_field, "queryset", None), "model", None)
        if model is None:
            return "on" if value is True else ("" if value is False or value is None else value)
        items = value if isinstance(value, list | tuple) else ([value] if value is not None else [])
        names = [natural_value(model, getattr(item, "pk", item)) for item in items]
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            return ["、".join(names)]
        return names[0] if names else ""

    def run(self, rows, *, commit, reason=""):
        """Validate every row; with commit=True and no errors, save them all in one transaction."""
        result = ImportResult()
        header_index, mapping = self.header_map(rows)
        if header_index is None:
            labels = "、".join(str(f.label) for f in self.form_class.base_fields.values())
            result.errors.append(
                f"没有找到列名行：前 {HEADER_SCAN_ROWS} 行中没有可识别的列名（可用列名：{labels}）。"
            )
            return result
        missing = [
            str(f.label)
            for name, f in self.form_class.base_fields.items()
            if f.required and name not in mapping.values()
        ]
        if missing and not getattr(self.model, "import_keys", ()):
            result.errors.append(f"缺少必填列：{'、'.join(missing)}。")
            return result
        columns = {name: column for column, name in mapping.items()}
        forms_to_save = []
        for offset, raw in enumerate(rows[header_index + 1 :], start=header_index + 2):
            values = {
                name: cell_text(raw[column]) if column < len(raw) else "" for column, name in mapping.items()
            }
            if not any(values.values()):
                continue
            row = RowResult(number=offset)
            form = self.build_form(values, row)
            if form is not None and form.is_valid():
                if row.action == "更新" and not differs(form):
                    row.action = "不变"
                else:
                    forms_to_save.append((row, form))
                row.label = str(form.instance) if form.instance.pk else values.get("name", "")
            elif form is not None:
                for name, messages in form.errors.items():
                    for message in messages:
                        if name in columns:
                            column = columns[name]
                            header = self.form_class.base_fields[name].label
                            row.errors.append(
                                f"第 {offset} 行 第 {column_letter(column)} 列（{header}）：{message}"
                            )
                        elif name in self.form_class.base_fields:
                            label = self.form_class.base_fields[name].label
                            row.errors.append(f"第 {offset} 行：缺少“{label}”列或该列为空：{message}")
                        else:
                            row.errors.append(f"第 {offset} 行：{message}")
            result.rows.append(row)
            result.errors.extend(row.errors)
        if not result.rows and not result.errors:
            result.errors.append("列名行下面没有数据行。")
        if commit and result.ok:
            try:
                with transaction.atomic(), history_context(actor=self.user, reason=reason or "Excel 导入"):
                    for row, form in forms_to_save:
                        saved = form.save()
                        action = "add" if row.action == "新增" else "change"
                        if (
                            not self.model._default_manager.filter(pk=saved.pk)
                            .restrict(self.user, action)
                            .exists()
                        ):
                            row.errors.append(f"第 {row.number} 行：保存后的记录不在您的授权范围内。")
                            raise RowsOutOfScope
            except RowsOutOfScope:
                result.errors.extend(error for row in result.rows for error in row.errors)
                return result
            result.committed = True
        return result
