"""Loading the national classifications shipped in reference/data (idempotent)."""

import csv
from pathlib import Path

from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_csv(name):
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        handle.readline()  # the source line; kept in the file, see docs
        return list(csv.DictReader(handle))


def _load(model, rows, fields):
    existing = {row.code: row for row in model.objects.all()}
    by_code = {}
    with transaction.atomic():
        for row in rows:
            item = existing.get(row["code"]) or model(code=row["code"])
            for field, value in fields(row).items():
                setattr(item, field, value)
            item.parent = by_code.get(row["parent_code"])
            item.save()
            by_code[item.code] = item
    return len(by_code)


def load_industries(industry_model=None):
    """GB/T 4754-2017: 20 门类, 97 大类, 473 中类, 1,381 小类."""
    if industry_model is None:
        from .models import Industry as industry_model
    return _load(
        industry_model,
        _read_csv("gbt4754_2017_industry.csv"),
        lambda row: {
            "name": row["name"],
            "level": row["level"],
            "section": row["section"],
            "description": row["description"],
        },
    )


def load_emerging_industries(emerging_model=None):
    """战略性新兴产业分类(2018): 9 大类, 40 中类."""
    if emerging_model is None:
        from .models import EmergingIndustry as emerging_model
    return _load(
        emerging_model,
        _read_csv("sei_2018_categories.csv"),
        lambda row: {"name": row["name"], "level": int(row["level"])},
    )
