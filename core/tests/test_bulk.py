"""`core.bulk.HistoryWriter` writes the rows and history records that saving each instance would."""

from decimal import Decimal

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from core.bulk import HistoryWriter
from core.history import history_context
from projects.models import AnnualPlan
from projects.services import phase_by_month
from tests.project_cases import make_project

IGNORED = {"id", "history_id", "history_date", "created_at", "updated_at", "project"}


def plan_values(plan):
    return {key: value for key, value in model_to_dict(plan).items() if key not in IGNORED}


def record_values(record):
    values = {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}
    return {key: value for key, value in values.items() if key not in IGNORED | {"project_id"}}


def test_bulk_rows_and_history_match_saving_each_instance(world):
    amounts = [Decimal("1200"), Decimal("1200.00"), Decimal("33.5"), Decimal("0")]
    saved_projects = [make_project(world, "a") for _ in amounts]
    bulk_projects = [make_project(world, "a") for _ in amounts]
    with history_context(actor=world.office, reason="核对", request_id="req-saved"):
        saved = [
            AnnualPlan.objects.create(
                project=project,
                year=2025,
                amount=amount,
                month_amounts=[str(month) for month in phase_by_month(amount)],
            )
            for project, amount in zip(saved_projects, amounts, strict=True)
        ]
        for plan in saved:
            plan.amount += Decimal("0.25")
            plan.save()
    now = timezone.now()
    writer = HistoryWriter(actor=world.office, reason="核对", request_id="req-bulk", now=now)
    rows = [
        {
            "created_at": now,
            "updated_at": now,
            "is_synthetic": False,
            "project_id": project.pk,
            "year": 2025,
            "amount": amount,
            "month_amounts": [str(month) for month in phase_by_month(amount)],
        }
        for project, amount in zip(bulk_projects, amounts, strict=True)
    ]
    with transaction.atomic():
        writer.create(AnnualPlan, rows)
        writer.update(
            AnnualPlan,
            [{"id": row["id"], "amount": row["amount"] + Decimal("0.25")} for row in rows],
            ["amount"],
        )

    written = list(AnnualPlan.objects.filter(pk__in=[row["id"] for row in rows]).order_by("pk"))
    assert [plan.project_id for plan in written] == [project.pk for project in bulk_projects]
    assert [plan_values(plan) for plan in written] == [plan_values(plan) for plan in saved]
    for plan, reference in zip(written, saved, strict=True):
        records = list(plan.history.order_by("history_id"))
        expected = list(reference.history.order_by("history_id"))
        assert [record.history_type for record in records] == ["+", "~"]
        assert [record_values(record) | {"request_id": "req-saved"} for record in records] == [
            record_values(record) for record in expected
        ]
        assert {record.history_date for record in records} == {now}
        assert {record.updated_at for record in records} == {now}
        assert [record.history_user for record in records] == [world.office, world.office]
        assert records[-1].instance.amount == plan.amount


def test_created_rows_take_new_ids_after_every_id_used(world):
    project = make_project(world, "a")
    with history_context(actor=world.office):
        first = AnnualPlan.objects.create(project=project, year=2024, amount=Decimal("1")).pk
        # A deleted row's id is not used again (AUTOINCREMENT, a sequence): nor by HistoryWriter.
        AnnualPlan.objects.filter(pk=first).delete()
    now = timezone.now()
    rows = [
        {
            "created_at": now,
            "updated_at": now,
            "is_synthetic": False,
            "project_id": project.pk,
            "year": year,
            "amount": Decimal("1"),
            "month_amounts": [],
        }
        for year in (2025, 2026)
    ]
    with transaction.atomic():
        HistoryWriter(actor=None, reason="", request_id="r", now=now).create(AnnualPlan, rows)
    assert rows[0]["id"] > first and rows[1]["id"] == rows[0]["id"] + 1
    later = AnnualPlan.objects.create(project=project, year=2027, amount=Decimal("1"))
    assert later.pk > rows[1]["id"]
    assert AnnualPlan.history.filter(id__in=[row["id"] for row in rows], history_type="+").count() == 2
