import datetime
import json
import unicodedata
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lights.choices import Level
from lights.rules import RulesError, read_rules_file
from lights.selectors import active_ruleset, evaluate_lights

REFUSED = 2  # exit code of a rules file refused


def width(text):
    """Columns `text` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text, columns):
    return text + " " * max(columns - width(text), 0)


class Command(BaseCommand):
    help = (
        "按预警规则评价项目亮灯：tiaodu lights --as-of 日期 [--rules 规则文件] [--region 区划代码] [--json]。"
        "不写入任何数据。默认使用已发布的现行规则；--rules 给出规则文件（与页面编辑的格式相同）时按文件评价，"
        "文件有误时逐行列出错误并以退出码 2 结束。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, dest="as_of", help="评价日期，例如 2024-06-30")
        parser.add_argument("--rules", help="规则文件（TOML，UTF-8）；不给出时使用现行规则")
        parser.add_argument("--region", help="只评价该区划（含下级）的项目，区划代码，例如 360703")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, as_of, rules, region, as_json, **options):
        day = self._date(as_of)
        ruleset, version = self._rules(rules)
        projects = None
        if region:
            from org.models import Region
            from projects.models import Project

            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"找不到区划代码：{region}")
            projects = Project.objects.filter(region__path__startswith=place.path)
        results = evaluate_lights(day, ruleset=ruleset, projects=projects)
        if as_json:
            self._json(day, version, results)
        else:
            self._table(day, version, results)

    @staticmethod
    def _date(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"评价日期“{text}”格式不对，应为 年-月-日，例如 2024-06-30。") from None

    def _rules(self, path):
        if not path:
            ruleset = active_ruleset()
            if ruleset is None:
                raise CommandError("尚未发布预警规则；请先在页面上发布，或用 --rules 给出规则文件。")
            return ruleset, ruleset.version
        if not Path(path).is_file():
            raise CommandError(f"找不到规则文件：{path}")
        try:
            return read_rules_file(path), "file"
        except RulesError as error:
            for _, message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                f"规则文件 {path} 有 {len(error.errors)} 处错误，未评价。", returncode=REFUSED
            ) from None

    def _json(self, day, version, results):
        counts = Counter(result.level for result in results)
        payload = {
            "as_of": day.isoformat(),
            "rules_version": version,
            "counts": {level.value: counts.get(level.value, 0) for level in Level},
            "projects": [
                {
                    "code": result.code,
                    "name": result.name,
                    "light": result.level,
                    "rules_version": version,
                    "reasons": result.reasons,
                }
                for result in results
            ],
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _table(self, day, version, results):
        counts = Counter(result.level for result in results)
        source = "规则文件" if version == "file" else f"预警规则第 {version} 版"
        self.stdout.write(
            f"{day} 项目亮灯（{source}）：共 {len(results)} 个项目，"
            + "，".join(f"{level.label} {counts.get(level.value, 0)} 个" for level in reversed(Level))
        )
        if not results:
            return
        code_width = max(width("项目编码"), *(width(result.code) for result in results))
        name_width = min(max(width("项目名称"), *(width(result.name) for result in results)), 40)
        self.stdout.write(f"{pad('项目编码', code_width)}  {pad('项目名称', name_width)}  亮灯  原因")
        for result in results:
            reasons = "；".join(
                f"{reason['rule']}：{reason['text']}"
                + (f"。后果：{reason['consequence']}" if reason["consequence"] else "")
                for reason in result.reasons
            )
            self.stdout.write(
                f"{pad(result.code, code_width)}  {pad(result.name, name_width)}  "
                f"{result.level_label}  {reasons or '—'}"
            )
