"""The organisation a county project office works in: regions, units, people, leaders, task forces,
users, roles and the grants that say who may do what where."""

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.history import HistoricalRecordExtras, history_user_getter
from core.models import BusinessModel, RestrictedQuerySet, Scope, detail_url
from core.trees import PathTreeModel

from .choices import LeaderRank, MemberDuty, RegionKind, RegionLevel, UnitKind

OFFICIAL_CODE = RegexValidator(r"^\d{6}(\d{3})?$", "官方区划代码为 6 位（县级及以上）或 9 位（乡级）数字。")
EXTENSION_CODE = RegexValidator(
    r"^\d{6}K\d{2}$", "功能区扩展代码为所在区划 6 位代码 + K + 2 位序号，例如 360703K01。"
)


class Region(PathTreeModel, BusinessModel):
    """行政区划: a province, city, county-level unit or township by its GB/T 2260 (or NBS 9-digit)
    code, or a functional zone (经开区, 新区) under an extension code kept apart from official ones."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=20, choices=RegionLevel.choices)
    kind = models.CharField("类型", max_length=20, choices=RegionKind.choices, blank=True)
    is_official = models.BooleanField(
        "官方代码", default=True, help_text="否：经开区、新区等无官方代码的功能区，使用扩展代码。"
    )
    source = models.CharField("数据来源", max_length=255, blank=True)

    scope = Scope(regions=("",), public_view=True)
    import_keys = ("code",)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(is_official=True) & ~models.Q(code__contains="K"))
                | (models.Q(is_official=False) & models.Q(code__contains="K")),
                name="region_extension_codes_apart",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        validator = OFFICIAL_CODE if self.is_official else EXTENSION_CODE
        try:
            validator(self.code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from error


class Unit(PathTreeModel, BusinessModel):
    """单位 / 责任单位: a department, township, park committee or state enterprise, in a tree.
    A grant on a unit covers the units below it."""

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=32, blank=True)
    kind = models.CharField("单位类型", max_length=24, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    is_accountable = models.BooleanField(
        "招商安商责任单位", default=False, help_text="“谁引进、谁负责”：对所引进项目负全周期责任的单位。"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)

    scope = Scope(units=("",))
    import_keys = ("code",)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region"),
        ]

    def __str__(self):
        return self.short_name or self.name


class Person(BusinessModel):
    """人员: someone working in a unit — a leader, a reporter, a task-force member."""

    name = models.CharField("姓名", max_length=32)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="people")
    title = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField(
        "联系电话",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9+\-() ]{5,20}$", "电话号码格式不正确。")],
    )
    is_active = models.BooleanField("在职", default=True)

    scope = Scope(units=("unit",))
    import_keys = ("name", "unit")

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["unit__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="person_name_unique_in_unit")]


class Leader(BusinessModel):
    """区领导 / 挂点领导: a person with a leadership rank who can be assigned to projects."""

    person = models.OneToOneField(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="leader"
    )
    rank = models.CharField("职级", max_length=20, choices=LeaderRank.choices)
    position = models.CharField("领导职务", max_length=100, help_text="例如：区委常委、常务副区长")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在任", default=True)

    scope = Scope(units=("person__unit",))
    import_keys = ("person",)
    natural_lookups = ("person__name",)

    class Meta:
        verbose_name = "领导"
        verbose_name_plural = "领导"
        ordering = ["sort_order", "person__name"]

    def __str__(self):
        return f"{self.person.name}（{self.position}）"


class TaskForce(BusinessModel):
    """项目推进专班: a cross-unit team, led by a leader, that pushes one or several projects."""

    name = models.CharField("专班名称", max_length=100)
    lead_leader = models.ForeignKey(
        Leader, verbose_name="牵头领导", on_delete=models.PROTECT, related_name="led_task_forces"
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name="牵头单位", on_delete=models.PROTECT, related_name="task_forces"
    )
    purpose = models.TextField("工作职责", blank=True)
    is_active = models.BooleanField("在运行", default=True)

    scope = Scope(units=("lead_unit",))
    import_keys = ("name",)

    class Meta:
        verbose_name = "项目推进专班"
        verbose_name_plural = "项目推进专班"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["lead_unit", "name"], name="task_force_name_unique_in_unit")
        ]


class PeerGroup(BusinessModel):
    """考核分类: a class of regions the city ranks against each other (一类县, 二类县 …). The city
    assigns each county to a class; the figures rank a county only within its class."""

    name = models.CharField("分类名称", max_length=40, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name="设定区划",
        on_delete=models.PROTECT,
        related_name="defined_peer_groups",
        help_text="设定本分类的区划（通常为市）。",
    )
    level = models.CharField(
        "区划层级", max_length=20, choices=RegionLevel.choices, default=RegionLevel.COUNTY
    )
    regions = models.ManyToManyField(Region, verbose_name="成员区划", blank=True, related_name="peer_groups")
    sort_order = models.PositiveIntegerField("排序", default=0)

    # Seen by the region that defines the classes and by each member region.
    scope = Scope(regions=("region", "regions"))
    import_keys = ("name",)
    _history_m2m_fields = ["regions"]

    class Meta:
        verbose_name = "考核分类"
        verbose_name_plural = "考核分类"
        ordering = ["sort_order", "name"]


class TaskForceMember(BusinessModel):
    """专班成员: one person's place in a task force."""

    task_force = models.ForeignKey(
        TaskForce, verbose_name="专班", on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name="成员", on_delete=models.PROTECT, related_name="task_force_memberships"
    )
    duty = models.CharField("分工", max_length=20, choices=MemberDuty.choices, default=MemberDuty.MEMBER)

    scope = Scope(units=("task_force__lead_unit",))
    import_keys = ("task_force", "person")

    class Meta:
        verbose_name = "专班成员"
        verbose_name_plural = "专班成员"
        ordering = ["task_force", "duty", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["task_force", "person"], name="task_force_member_once"),
        ]

    def __str__(self):
        return f"{self.task_force} · {self.person.name}"


class Role(BusinessModel):
    """角色: a named set of permissions (项目办, 责任单位填报员, 领导, 纪委, 只读 …); roles are data."""

    code = models.SlugField("角色代码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=40, unique=True)
    description = models.TextField("说明", blank=True)
    permissions = models.ManyToManyField(Permission, verbose_name="权限", blank=True, related_name="+")
    default_apps = models.JSONField(
        "已应用默认权限的模块",
        default=list,
        blank=True,
        editable=False,
        help_text="默认角色：这些模块的默认权限已授予过；升级新增模块时只补授新模块的默认权限。",
    )

    _history_m2m_fields = ["permissions"]
    import_keys = ("code",)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["code"]


class UserQuerySet(RestrictedQuerySet):
    pass


class TiaoduUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """登录用户, linked to the person it belongs to."""

    person = models.OneToOneField(
        Person, verbose_name="对应人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    is_synthetic = models.BooleanField("演示虚构数据", default=False)

    objects = TiaoduUserManager()
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"],
        bases=[HistoricalRecordExtras],
        get_user=history_user_getter,
        user_related_name="+",
    )

    scope = Scope(units=("person__unit",))
    import_keys = ("username",)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        name = self.person.name if self.person_id else (self.get_full_name() or "")
        return f"{name}（{self.username}）" if name else self.username

    def get_absolute_url(self):
        return detail_url(self)

    def save(self, *args, **kwargs):
        # A login stamps last_login only; that is not a change of the account worth a history row.
        if set(kwargs.get("update_fields") or ()) == {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)


class Grant(BusinessModel):
    """授权: a role given to a user on a unit or a region; it covers everything below that place."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, verbose_name="角色", on_delete=models.PROTECT, related_name="grants")
    unit = models.ForeignKey(
        Unit, verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    region = models.ForeignKey(
        Region, verbose_name="区划", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )

    scope = Scope(units=("unit",), regions=("region",))
    import_keys = ("user", "role", "unit", "region")

    class Meta:
        verbose_name = "授权"
        verbose_name_plural = "授权"
        ordering = ["user__username", "role__code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False) & models.Q(region__isnull=True))
                | (models.Q(unit__isnull=True) & models.Q(region__isnull=False)),
                name="grant_on_unit_or_region",
            ),
            models.UniqueConstraint(fields=["user", "role", "unit"], name="grant_once_per_unit"),
            models.UniqueConstraint(fields=["user", "role", "region"], name="grant_once_per_region"),
        ]

    def __str__(self):
        return f"{self.user.username} · {self.role.name} · {self.unit or self.region}"

    def clean(self):
        super().clean()
        if bool(self.unit_id) == bool(self.region_id):
            raise ValidationError("授权须指定单位或区划之一（只能选一个）。")
