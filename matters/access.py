"""Who may act on a matter: the predicates the services enforce and the pages use to show buttons.

All of them go through the one permission mechanism (`Matter.objects.restrict(user, action)` and the
user's grants); none of them looks at anything a user could type. `actor=None` is the system (the
periodic job, a command run by the operator) and may do everything.

- office (项目办): the "review" permission on the matter (`matters.review_matter`) within scope —
  复核, 销号, reopening, editing the assignment, escalating by hand, deciding extensions;
- lead unit (牵头单位): the change permission on the matter within scope *and* a grant carrying it on
  the lead unit or a unit above it — 签收, 办理, 反馈, asking for an extension, pausing. A cooperating
  unit sees the matter (scope) but is not the lead unit, so it cannot sign for it;
- responsible leader (责任领导): the user whose person is the matter's responsible leader — deciding
  extensions where the kind gives them to the leader.
"""

from core.permissions import permission_name, user_grants

from .choices import ExtensionApprover


def _signed_in(user):
    return user is not None and user.is_authenticated and user.is_active


def _restricted(user, matter, action):
    from .models import Matter

    return Matter.objects.restrict(user, action).filter(pk=matter.pk).exists()


def may_view(user, matter):
    """The matter is within the user's view scope."""
    return user is None or _restricted(user, matter, "view")


def is_office(user, matter):
    """The user may review the matter (the office's 复核 / 销号 / 督办 permission) within scope."""
    return user is None or _restricted(user, matter, "review")


def is_lead_unit_user(user, matter):
    """The user acts for the matter's lead unit: may change the matter within scope through a grant on
    the lead unit or a unit above it (a region-wide grant is the office's, not the unit's)."""
    if user is None:
        return True
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    from .models import Matter

    places = user_grants(user).get(permission_name(Matter, "change"), [])
    lead_path = matter.lead_unit.path
    if not any(unit_path and lead_path.startswith(unit_path) for unit_path, _ in places):
        return False
    return _restricted(user, matter, "change")


def is_responsible_leader(user, matter):
    """The user is the matter's responsible leader (through the person the account belongs to)."""
    if user is None or not _signed_in(user) or not user.person_id or not matter.responsible_leader_id:
        return False
    return matter.responsible_leader.person_id == user.person_id


def may_decide_extension(user, matter):
    """Whether the user may approve or reject an extension of `matter`: the office, the responsible
    leader or either, as the matter's kind says. Without a responsible leader the office decides."""
    approver = matter.kind.extension_approver
    if user is None:
        return True
    if approver == ExtensionApprover.LEADER and matter.responsible_leader_id:
        return is_responsible_leader(user, matter)
    if approver == ExtensionApprover.OFFICE_OR_LEADER and is_responsible_leader(user, matter):
        return True
    return is_office(user, matter)
