"""The `projects` kind of `tiaodu import`: a project list into the library (see `import_projects`)."""

from django.core.management.base import CommandError

from org.models import Region

from .importer import import_projects


class ProjectsKind:
    label = "projects（项目清单）"
    rows_read = "项目"
    total_read = "所读项目总投资"

    @staticmethod
    def add_arguments(parser):
        parser.add_argument(
            "--region", metavar="CODE", help="projects：默认所在区划（区划代码或名称），表中未填时使用"
        )
        parser.add_argument(
            "--year", type=int, metavar="YYYY", help="projects：列名未写年份的“年度计划投资”列的年度"
        )

    @staticmethod
    def run(path, *, actor, dry_run, options):
        return import_projects(
            path, actor=actor, region=_region(options["region"]), year=options["year"], commit=not dry_run
        )


def _region(text):
    if not text:
        return None
    found = list(Region.objects.filter(code=text)) or list(Region.objects.filter(name=text)[:2])
    if len(found) != 1:
        raise CommandError(f"找不到区划：{text}" if not found else f"区划名称“{text}”不唯一，请填区划代码")
    return found[0]
