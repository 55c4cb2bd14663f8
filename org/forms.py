from django import forms

from core.forms import RestrictedModelForm

from .models import Grant, Leader, PeerGroup, Person, Region, Role, TaskForce, TaskForceMember, Unit, User


class RegionForm(RestrictedModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "is_official", "source"]


class UnitForm(RestrictedModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "region",
            "is_accountable",
            "sort_order",
            "is_active",
        ]


class PersonForm(RestrictedModelForm):
    class Meta:
        model = Person
        fields = ["name", "unit", "title", "phone", "is_active"]


class LeaderForm(RestrictedModelForm):
    class Meta:
        model = Leader
        fields = ["person", "rank", "position", "sort_order", "is_active"]


class TaskForceForm(RestrictedModelForm):
    class Meta:
        model = TaskForce
        fields = ["name", "lead_leader", "lead_unit", "purpose", "is_active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class PeerGroupForm(RestrictedModelForm):
    class Meta:
        model = PeerGroup
        fields = ["name", "region", "level", "regions", "sort_order"]


class TaskForceMemberForm(RestrictedModelForm):
    class Meta:
        model = TaskForceMember
        fields = ["task_force", "person", "duty"]


class RoleForm(RestrictedModelForm):
    class Meta:
        model = Role
        fields = ["code", "name", "description", "permissions"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "permissions": forms.SelectMultiple(attrs={"size": 12}),
        }


class UserForm(RestrictedModelForm):
    password = forms.CharField(
        label="初始密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="新建用户必填；修改用户时留空表示不改密码。",
    )

    class Meta:
        model = User
        fields = ["username", "person", "is_active"]

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if not self.instance.pk and not password:
            raise forms.ValidationError("新建用户必须设置初始密码。")
        if password:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, self.instance)
        return password

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class GrantForm(RestrictedModelForm):
    class Meta:
        model = Grant
        fields = ["user", "role", "unit", "region"]
