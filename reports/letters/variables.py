"""The variables a document template may use, per kind: the contract between the contexts (selectors),
the templates the office edits and the check that refuses an upload naming a variable it does not know.

A variable is a value (`{{ number }}`), a group of values (`{{ project.name }}`) or a list to loop
over (`{%p for reason in reasons %}` … `{{ reason.text }}` … `{%p endfor %}`). The template page lists
them with their Chinese labels, and docs/letters.md explains them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """One documented variable: its name in the template, what it means (Chinese), an example value,
    and for a group or a list its fields (`many`: a list, each item having `fields`, or plain values
    when it has none)."""

    name: str
    label: str
    example: object = ""
    fields: tuple = ()
    many: bool = False

    def specimen(self):
        """An example value of the shape the real context has (for trying a template out)."""
        if self.fields:
            item = {field.name: field.specimen() for field in self.fields}
            return [item] if self.many else item
        if self.many:
            return [self.example]
        return self.example


def V(name, label, example="", *fields, many=False):
    return Variable(name, label, example, tuple(fields), many)


# What every letter has: its number, title, issuer, date, addressee and reply deadline.
LETTER_VARIABLES = (
    V("kind_label", "文种", "提醒函"),
    V("number", "文号", "南康项办提〔2024〕3号"),
    V("title", "标题", "关于××的函"),
    V("issuer_name", "发文机关", "南康区项目办"),
    V("red_header", "是否套红头（是为真）", True),
    V("date", "成文日期", "2024年3月18日"),
    V(
        "addressee",
        "主送",
        "",
        V("unit", "主送单位", "唐江镇人民政府"),
        V("leader", "责任领导姓名", "张××"),
        V("leader_position", "责任领导职务", "镇长"),
        V("leader_text", "责任领导（姓名及职务）", "张××（镇长）"),
        V("person", "责任人", "李××"),
    ),
    V("reply_working_days", "回复时限（工作日）", 5),
    V("reply_deadline", "回复期限", "2024年3月25日"),
    V("copy_to", "抄送", "张××（镇长）"),
)

PROJECT_FIELDS = (
    V("code", "项目编码", "NK-2024-0001"),
    V("name", "项目名称", "××智能制造项目"),
    V("stage", "项目阶段", "在建"),
    V("region", "所属区划", "唐江镇"),
    V("responsible_unit", "责任单位", "唐江镇人民政府"),
    V("liaison_leader", "挂点领导", "张××（镇长）"),
    V("task_force", "项目推进专班", "家具产业推进专班"),
    V("total_investment", "总投资（万元）", "50000"),
    V("total_investment_yi", "总投资（亿元）", "5.00"),
)

REMINDER_LETTER_VARIABLES = (
    *LETTER_VARIABLES,
    V("project", "项目", "", *PROJECT_FIELDS),
    V(
        "light",
        "亮灯",
        "",
        V("level", "亮灯级别（代码）", "red"),
        V("level_label", "亮灯级别", "红灯"),
        V("as_of", "评价日期", "2024年3月10日"),
        V("period", "评价期次", "每周调度 · 2024年第10周"),
        V("ruleset_version", "预警规则版本", 1),
    ),
    V(
        "reasons",
        "亮灯原因（逐条）",
        "",
        V("number", "序号", 1),
        V("rule", "规则名称", "逾期 3 个月未开工"),
        V("level_label", "本条级别", "红灯"),
        V("value", "实测值", "5"),
        V("unit", "单位", "个月"),
        V("threshold_text", "阈值", "计划开工日后仍未开工的整月数 ≥ 3 个月"),
        V("text", "原因全文（数据与阈值）", "计划开工日期 2024-01-10，至 2024-06-30 仍未开工……"),
        V("consequence", "处理措施", "由张××约谈唐江镇人民政府主要负责人"),
        many=True,
    ),
    V("consequences", "处理措施（去重，逐条）", "由张××约谈唐江镇人民政府主要负责人", many=True),
    V("consequence_text", "处理措施（合并为一句）", "由张××约谈唐江镇人民政府主要负责人"),
)

SUPERVISION_LETTER_VARIABLES = (
    *LETTER_VARIABLES,
    V(
        "matter",
        "事项",
        "",
        V("code", "事项编号", "WT-2024-0001"),
        V("title", "事项名称", "项目用地未交地"),
        V("kind", "事项类型", "项目问题"),
        V("category", "问题类别", "用地"),
        V("description", "问题描述", "项目用地尚未完成交地，无法开工。"),
        V("project", "所属项目", "××智能制造项目"),
        V("project_code", "项目编码", "NK-2024-0001"),
        V("lead_unit", "牵头单位", "南康区自然资源局"),
        V("cooperating_units", "配合单位", "唐江镇人民政府"),
        V("responsible_leader", "责任领导", "张××（镇长）"),
        V("responsible_person", "责任人", "李××"),
        V("solution", "解决措施", "加快土地报批和交地。"),
        V("opened_on", "交办日期", "2024年3月1日"),
        V("deadline", "办结期限", "2024年3月15日"),
        V("original_deadline", "原定期限", "2024年3月15日"),
        V("working_days_overdue", "逾期工作日数", 3),
        V("escalation_level", "升级层级", "挂点联系领导"),
        V("node", "当前节点", "办理"),
    ),
)


def names(variables):
    """{name: Variable} of a tuple of variables."""
    return {variable.name: variable for variable in variables}


def specimen_context(variables):
    """A context of example values with exactly the documented shape."""
    return {variable.name: variable.specimen() for variable in variables}


def shape_of(value):
    """The shape of a plain context value, for comparing a context with its documented variables:
    a dict's keys (recursively), a list's first item's shape in a list, None for a plain value."""
    if isinstance(value, dict):
        return {key: shape_of(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape_of(value[0]) if value else None]
    return None


def documented_shape(variables):
    """The shape (see `shape_of`) the documented variables promise."""
    shape = {}
    for variable in variables:
        inner = documented_shape(variable.fields) if variable.fields else None
        shape[variable.name] = [inner] if variable.many else inner
    return shape
