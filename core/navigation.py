"""The navigation menu: groups of links, each shown only to users who may view its rows."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from core.permissions import has_action


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    model: str  # "app_label.ModelName"; the user needs view permission on it somewhere


MENU = (
    (
        "驾驶舱",
        (
            MenuItem("驾驶舱", "dashboard:dashboard", "projects.Project"),
            MenuItem("地图边界", "dashboard:mapboundary_list", "dashboard.MapBoundary"),
        ),
    ),
    (
        "项目库",
        (
            MenuItem("项目", "projects:project_list", "projects.Project"),
            MenuItem("节点", "projects:milestone_list", "projects.Milestone"),
            MenuItem("年度计划", "projects:annualplan_list", "projects.AnnualPlan"),
            MenuItem("资金来源", "projects:projectfunding_list", "projects.ProjectFunding"),
            MenuItem("要素需求", "projects:factorneed_list", "projects.FactorNeed"),
            MenuItem("阶段变更", "projects:stagetransition_list", "projects.StageTransition"),
            MenuItem("计划调整", "projects:planadjustment_list", "projects.PlanAdjustment"),
            MenuItem("集中活动", "projects:event_list", "projects.Event"),
            MenuItem("产业链", "projects:industrychain_list", "projects.IndustryChain"),
        ),
    ),
    (
        "调度",
        (
            MenuItem("我的填报", "dispatch:my_reports", "dispatch.ProgressReport"),
            MenuItem("调度轮次", "dispatch:dispatchround_list", "dispatch.DispatchRound"),
            MenuItem("完成情况", "dispatch:board", "dispatch.ProgressReport"),
            MenuItem("进度报告", "dispatch:progressreport_list", "dispatch.ProgressReport"),
            MenuItem("调度频次", "dispatch:cadence_list", "dispatch.Cadence"),
            MenuItem("校验规则", "dispatch:validationrule_list", "dispatch.ValidationRule"),
            MenuItem("补报许可", "dispatch:lockexception_list", "dispatch.LockException"),
            MenuItem("催报提醒", "dispatch:reminder_list", "dispatch.Reminder"),
        ),
    ),
    (
        "问题协调",
        (
            MenuItem("我的事项", "matters:my_matters", "matters.Matter"),
            MenuItem("看板", "matters:board", "matters.Matter"),
            MenuItem("事项", "matters:matter_list", "matters.Matter"),
            MenuItem("逾期清单", "matters:overdue", "matters.Matter"),
            MenuItem("延期申请", "matters:extensionrequest_list", "matters.ExtensionRequest"),
            MenuItem("办理记录", "matters:matterevent_list", "matters.MatterEvent"),
            MenuItem("佐证材料", "matters:matterattachment_list", "matters.MatterAttachment"),
            MenuItem("事项类型", "matters:matterkind_list", "matters.MatterKind"),
            MenuItem("节假日调整", "matters:workdayoverride_list", "matters.WorkdayOverride"),
        ),
    ),
    (
        "报告与函件",
        (
            MenuItem("半月一专报", "reports:specialreport_list", "reports.SpecialReport"),
            MenuItem("发函记录", "reports:letterissue_list", "reports.LetterIssue"),
            MenuItem("文书模板", "reports:documenttemplate_list", "reports.DocumentTemplate"),
        ),
    ),
    (
        "预警",
        (
            MenuItem("项目亮灯", "lights:projectlight_list", "lights.ProjectLight"),
            MenuItem("按轮次亮灯", "lights:round_list", "dispatch.DispatchRound"),
            MenuItem("预警规则", "lights:ruleset_list", "lights.RuleSet"),
        ),
    ),
    (
        "组织机构",
        (
            MenuItem("单位", "org:unit_list", "org.Unit"),
            MenuItem("人员", "org:person_list", "org.Person"),
            MenuItem("领导", "org:leader_list", "org.Leader"),
            MenuItem("项目推进专班", "org:taskforce_list", "org.TaskForce"),
            MenuItem("专班成员", "org:taskforcemember_list", "org.TaskForceMember"),
            MenuItem("考核分类", "org:peergroup_list", "org.PeerGroup"),
        ),
    ),
    (
        "招商引资",
        (
            MenuItem("招商队", "promotion:promotionteam_list", "promotion.PromotionTeam"),
            MenuItem("招商队队员", "promotion:promotionteammember_list", "promotion.PromotionTeamMember"),
        ),
    ),
    (
        "系统管理",
        (
            MenuItem("用户", "org:user_list", "org.User"),
            MenuItem("授权", "org:grant_list", "org.Grant"),
            MenuItem("角色", "org:role_list", "org.Role"),
        ),
    ),
    (
        "标准分类",
        (
            MenuItem("行政区划", "org:region_list", "org.Region"),
            MenuItem("国民经济行业分类", "reference:industry_list", "reference.Industry"),
            MenuItem("战略性新兴产业分类", "reference:emergingindustry_list", "reference.EmergingIndustry"),
        ),
    ),
)


def menu_for(user):
    """[(group label, [(item label, url)])] with only the items the user may view."""
    if user is None or not user.is_authenticated:
        return []
    result = []
    for group, items in MENU:
        links = [
            (item.label, reverse(item.url_name))
            for item in items
            if has_action(user, apps.get_model(item.model), "view")
        ]
        if links:
            result.append((group, links))
    return result
