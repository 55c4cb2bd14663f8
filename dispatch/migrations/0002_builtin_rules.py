"""The built-in validation rules (dispatch.services.BUILTIN_RULES), as data the office may edit."""

from django.db import migrations

RULES = (
    ("年度累计不减少", "investment_year_to_date", ">=", "previous_year_to_date", "blocking",
     "年度累计完成投资不能小于上期（同一年度内只增不减）。", 10),
    ("开工累计不超过总投资 1.1 倍", "investment_since_start", "<=", "1.1 * total_investment", "blocking",
     "开工累计完成投资超过项目总投资的 1.1 倍，请核实或先调整总投资。", 20),
    ("本期等于年度累计之差", "investment_period", "==", "investment_year_to_date - previous_year_to_date",
     "blocking", "本期完成投资应等于本期与上期年度累计之差。", 30),
    ("本期等于开工累计之差", "investment_period", "==", "investment_since_start - previous_since_start",
     "blocking", "本期完成投资应等于本期与上期开工累计之差。", 40),
    ("形象进度必填", "len(physical_progress)", ">", "0", "blocking", "请填写形象进度。", 50),
    ("年度累计超过年度计划", "investment_year_to_date", "<=", "annual_plan", "warning",
     "年度累计完成投资已超过年度计划投资，请说明。", 60),
)


def add_rules(apps, schema_editor):
    ValidationRule = apps.get_model("dispatch", "ValidationRule")
    for name, left, operator, right, importance, message, order in RULES:
        ValidationRule.objects.get_or_create(
            name=name,
            defaults={
                "left_side": left,
                "operator": operator,
                "right_side": right,
                "importance": importance,
                "message": message,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
