"""The Nankang weekly dispatch of January–March 2024 (一周一调度), as plain data. All of it is invented
(`is_synthetic=True`): the seed says Nankang dispatches its projects weekly, not what was reported."""

import datetime

D = datetime.date
SEED = 20240310
CADENCE = "每周调度"
FIRST_DAY, LAST_DAY = D(2024, 1, 1), D(2024, 3, 10)  # weeks 1–10 of 2024
CADENCE_VALUES = {
    "period_type": "weekly",
    "start_weekday": 0,  # Monday
    "open_offset_days": 0,
    "due_offset_days": -2,  # Friday
    "due_time": datetime.time(17, 0),
    "grace_days": 1,
    "expiry_days": 3,
    "is_active": True,
    "is_synthetic": True,
}
# Share of the year elapsed on 10 March 2024 (序时进度): 70 of 366 days.
ELAPSED_AT_END = 70 / 366
# How much of a normal week's work each week did: New Year's Day in week 1, the run-up to the Spring
# Festival in week 6 and the holiday (10–17 February) in week 7.
WEEK_WEIGHTS = (0.7, 1.0, 1.0, 1.0, 0.9, 0.5, 0.1, 0.8, 1.1, 1.2)
FESTIVAL_WEEK = 7

# Units that report badly: (unit code, share of weeks missed, share of weeks late).
CHRONICALLY_MISSING = {"360703208": 0.7, "360703002": 0.5}  # 麻双乡, 东山街道
CHRONICALLY_LATE = {"360703205": 0.6, "360703101": 0.3}  # 三江乡, 凤岗镇
MISSING_SHARE, LATE_SHARE, RETURNED_SHARE = 0.03, 0.10, 0.06
# The last round is reviewed on the Monday after it; this share is still awaiting review.
AWAITING_REVIEW_SHARE = 0.3
# A unit that missed a locked round and was allowed to report late: (week, unit code, reason).
LOCK_EXCEPTIONS = ((5, "360703208", "乡镇填报员参加集中培训，申请补报第5周进度"),)

RETURN_COMMENTS = (
    "本期完成投资与形象进度不匹配，请核实后重新报送。",
    "形象进度描述过于简单，请补充主要工程量及现场照片。",
    "在场施工人数与上周差异较大，请说明原因。",
    "存在问题未明确需协调的部门，请补充。",
)
RESUBMIT_NOTE = "（已按项目办意见补充完善）"

PROGRESS = {
    "signed": ("已签约，正在推进项目公司注册及项目选址。", "已签约，对接投资方完善项目方案，洽谈供地事宜。"),
    "preparing": (
        "项目公司已注册，正在开展用地预审与选址、可行性研究报告编制。",
        "已完成项目备案，正在办理规划选址及环评、能评前期手续。",
    ),
    "planned": (
        "施工图设计审查中，同步办理建设工程规划许可和施工许可。",
        "已完成施工招标，施工单位正在组织进场前准备。",
        "场地三通一平基本完成，等待施工许可证核发。",
    ),
    "stalled": ("项目停工，现场安排专人看护。", "项目仍处于停工状态，正在与投资方协商复工方案。"),
    "completed": ("项目完成竣工验收，正在办理竣工备案及固定资产投资入统。",),
}
# Under construction: texts by the share of the total invested so far.
CONSTRUCTION_PROGRESS = (
    (0.15, ("场地平整及临时设施搭建，土方开挖完成约{percent}%。", "桩基施工，已完成工程桩约{percent}%。")),
    (
        0.35,
        (
            "基础及地下室施工，{building}号厂房基础浇筑完成。",
            "主体结构施工，{building}号楼施工至第{floor}层。",
        ),
    ),
    (
        0.6,
        (
            "主体结构施工，{building}号厂房钢结构吊装完成约{percent}%。",
            "{building}号楼主体封顶，开展砌体及屋面施工。",
        ),
    ),
    (0.85, ("外墙及屋面施工，同步推进水电安装和室外配套。", "厂房主体完工，开展装饰装修及道路管网施工。")),
    (9.9, ("设备进场安装调试，配套工程扫尾。", "生产线设备调试，准备竣工验收。")),
)
FESTIVAL_PROGRESS = "春节假期停工，现场安排人员值守，节后复工准备中。"
GROUNDBREAKING_PROGRESS = "2月18日参加全区春节后项目集中开工活动，施工单位进场，开展场地平整。"
NEXT_STEPS = {
    "signed": "推进项目公司注册，配合做好项目选址和用地规划。",
    "preparing": "加快办理用地、规划、环评等前期手续，力争早日转入拟建。",
    "planned": "尽快取得施工许可，确保按计划开工。",
    "under_construction": "倒排工期、挂图作战，加快施工进度，确保完成月度投资计划。",
    "stalled": "继续与投资方对接，研究复工或引进新投资方的方案。",
    "completed": "办理竣工备案，推进设备投产。",
}
BLOCKERS = (
    "施工用电专线尚未接通，需供电公司协调。",
    "项目用地涉及少量林地，林地使用手续报批中。",
    "一线施工工人短缺，需人社部门协助招工。",
    "配套道路未建成，材料运输受限，需交通部门协调。",
    "环评批复尚未下达，影响设备进场。",
)
# The closed loop (demo.matters_loader): what the office and the lead departments write.
MATTER_SOLUTION = "明确责任人和完成时限，每周报告进展。"
MATTER_FEEDBACK = "已会同相关单位现场协调，问题已解决，项目施工恢复正常。"
MATTER_RETURN_COMMENT = "反馈未附现场核实情况，请补充后重新反馈。"
MATTER_EXTENSION_REASON = "涉及上级审批，需延长办理时限。"
BEHIND_NARRATIVE = "投资进度滞后于序时进度，主要受{cause}影响，已制定赶工计划。"
BEHIND_CAUSES = ("雨雪天气", "设备订货周期延长", "设计变更", "资金拨付滞后")
BLOCKER_NARRATIVE = "存在需协调解决的问题（见“存在问题”），如不能及时解决将影响节点工期。"
STALLED_NARRATIVE = "项目停工，复工时间不确定。"
