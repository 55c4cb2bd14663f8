import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.data import DEMO_PASSWORD
from demo.dispatch_loader import DISPATCH_MODELS, dispatch_summary
from demo.lights_loader import LIGHTS_MODELS, lights_summary
from demo.loader import DEMO_MODELS, load_demo
from demo.matters_loader import MATTERS_MODELS, matters_summary
from demo.projects_loader import PROJECT_MODELS, library_summary


def _width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(rows):
    widths = [max(_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


class Command(BaseCommand):
    help = (
        "载入赣州市 / 南康区演示数据（单位、领导、招商队、专班、演示账号、项目库）；"
        "可重复运行，不会重复创建。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help=f"演示账号的密码（默认 {DEMO_PASSWORD}）"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="在生产环境（TIAODU_ENV=production）中也载入：会创建口令公开的超级管理员账号。",
        )

    def handle(self, *args, password, allow_production, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "生产环境拒绝载入演示数据（会创建口令公开的超级管理员 admin）；"
                "确需载入请加 --allow-production。"
            )
        started = time.monotonic()
        result = load_demo(password=password)
        elapsed = time.monotonic() - started

        rows = [("数据", "总数", "本次新建", "本次修改")]
        for model in (*DEMO_MODELS, *PROJECT_MODELS, *DISPATCH_MODELS, *MATTERS_MODELS, *LIGHTS_MODELS):
            rows.append(
                (
                    str(model._meta.verbose_name),
                    str(model._default_manager.count()),
                    str(result.created[model]),
                    str(result.updated[model]),
                )
            )
        self.stdout.write(f"演示数据已载入（{elapsed:.1f} 秒）。标记为“演示虚构数据”的记录不出自公开报道。")
        self.stdout.write("\n".join(_table(rows)))
        self.stdout.write("\n".join(library_summary()))
        self.stdout.write("\n".join(dispatch_summary()))
        self.stdout.write("\n".join(matters_summary()))
        self.stdout.write("\n".join(lights_summary()))
        self.stdout.write("\n演示账号：")
        logins = [("用户名", "密码", "角色", "范围", "")]
        logins += [
            (login.username, login.password, login.role, login.scope, login.note) for login in result.logins
        ]
        self.stdout.write("\n".join(_table(logins)))
