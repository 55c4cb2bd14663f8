"""问题协调 / 闭环督办: one engine for project issues, enterprise requests and 督查 items.

A `MatterKind` is data: the nodes its matters run through (交办 → 签收 → 办理 → 反馈 → 复核 → 销号,
some skipped), its clocks in working days (e.g. 响应 1 / 答复 3 / 办结 15 for enterprise requests),
whether a clock may stop while waiting on the requester, its escalation ladder (责任单位 → 挂点联系领导
→ 项目推进专班 → 区调度会, each reached after so many working days overdue), who approves extensions and
how many working days before the deadline the light turns yellow. A `Matter` is one issue of a kind
("五到位": lead unit, responsible leader, responsible person, solution, deadline); its timeline is the
`MatterEvent` rows, which also carry every change of deadline, node and level with the date it took
effect, so the state of any matter at a past date can be read back.

The models are split by concern: kinds.py (MatterKind and its defaults), matter.py (Matter, its
events, extension requests and pauses), records.py (evidence files, working-day adjustments).
"""

from .kinds import MatterKind, default_clocks, default_ladder, default_nodes
from .matter import ExtensionRequest, Matter, MatterEvent, MatterPause
from .records import MatterAttachment, WorkdayOverride, attachment_path

__all__ = [
    "ExtensionRequest",
    "Matter",
    "MatterAttachment",
    "MatterEvent",
    "MatterKind",
    "MatterPause",
    "WorkdayOverride",
    "attachment_path",
    "default_clocks",
    "default_ladder",
    "default_nodes",
]
