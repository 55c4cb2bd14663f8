"""The default warning rules (version 1): a starting point the office adapts to the rules it publishes."""

from django.db import migrations

DEFAULT_RULES = """\
# 预警亮灯规则（默认规则，第 1 版）
# 这是系统安装时提供的起点，项目办应按本地发布的考核办法修改后另存为新版本。
# 格式说明见《预警规则文件说明》（docs/lights.md）：键用英文，值可以写中文。

[settings]
# 序时进度：months 按月（已过完整月数 ÷ 12），days 按日，plan 按项目分月计划
time_elapsed_ratio = "months"

# 一、投资进度：年度投资完成率落后序时进度 10–30 个百分点亮黄灯，超过 30 个百分点亮红灯
[[rule]]
name = "投资进度滞后"
dimension = "progress"
measure = "gap_points"
at_least = 10
at_most = 30
level = "黄"
stages = ["在建"]
consequence = "{责任单位}书面说明滞后原因并提出赶超措施"

[[rule]]
name = "投资进度严重滞后"
dimension = "progress"
measure = "gap_points"
above = 30
level = "红"
stages = ["在建"]
consequence = "由{挂点领导}约谈{责任单位}主要负责人"

# 二、开工：超过计划开工日期仍未开工
[[rule]]
name = "逾期未开工"
dimension = "start"
measure = "months_late"
at_least = 1
below = 3
level = "黄"
consequence = "{责任单位}说明未开工原因，明确开工时间"

[[rule]]
name = "逾期 3 个月未开工"
dimension = "start"
measure = "months_late"
at_least = 3
level = "红"
consequence = "由{挂点领导}约谈{责任单位}主要负责人"

# 三、调度报送：最近 4 轮调度中漏报
[[rule]]
name = "调度漏报"
dimension = "reporting"
measure = "missed_of_last"
last = 4
at_least = 2
at_most = 2
level = "黄"
consequence = "通报{责任单位}，限期补报"

[[rule]]
name = "调度多次漏报"
dimension = "reporting"
measure = "missed_of_last"
last = 4
at_least = 3
level = "红"
consequence = "由项目办约谈{责任单位}分管负责人"

# 四、问题办理：逾期未办结的问题
[[rule]]
name = "问题逾期未办结"
dimension = "matters"
measure = "overdue_count"
at_least = 1
at_most = 2
level = "黄"
consequence = "督促牵头单位限期办结"

[[rule]]
name = "多个问题逾期未办结"
dimension = "matters"
measure = "overdue_count"
at_least = 3
level = "红"
consequence = "提交{挂点领导}协调，必要时提请区调度会研究"

# 五、入库纳统：开工后 3 个月仍未入库纳统（按“入库纳统”节点的实际日期；录入节点后再考虑加红灯规则）
[[rule]]
name = "开工未入库纳统"
dimension = "statistics"
measure = "months_since_start"
at_least = 3
level = "黄"
consequence = "{责任单位}会同统计部门限期完成入库纳统"

# 六、持续预警：投资进度连续 3 期滞后（黄灯）升为红灯
[[rule]]
name = "投资进度连续 3 期滞后"
dimension = "persistence"
of_rule = "投资进度滞后"
at_least = 3
level = "红"
consequence = "由{挂点领导}约谈{责任单位}主要负责人"
"""


def add_default_rules(apps, schema_editor):
    RuleSet = apps.get_model("lights", "RuleSet")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(
            version=1,
            text=DEFAULT_RULES,
            note="默认规则（安装时提供的起点，请按本地发布的规则修改）",
            is_active=True,
        )


class Migration(migrations.Migration):
    dependencies = [("lights", "0001_initial")]

    operations = [migrations.RunPython(add_default_rules, migrations.RunPython.noop)]
