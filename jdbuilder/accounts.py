"""The kinds of user and what each group may do."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.core.validators import MaxLengthValidator

HIRING_MANAGERS = "Hiring managers"
RECRUITERS = "Recruiters"

# Permissions by group, as "app_label.codename". Both read the catalog; only staff edit it.
GROUP_PERMISSIONS: dict[str, list[str]] = {
    HIRING_MANAGERS: [
        "jdbuilder.add_jobdescription",
        "jdbuilder.publish_posting",
        "roles.view_role",
        "roles.view_skill",
        "roles.view_taskarea",
        "roles.view_proficiencylevel",
        "roles.view_tool",
    ],
    RECRUITERS: [
        "jdbuilder.view_final_jobdescription",
        "jdbuilder.publish_posting",
        "roles.view_role",
        "roles.view_skill",
        "roles.view_taskarea",
        "roles.view_proficiencylevel",
        "roles.view_tool",
    ],
}


def ensure_groups(*, using: str = "default") -> dict[str, Group]:
    """Create the groups if missing and give each exactly the permissions listed above."""
    groups = {}
    for name, perm_names in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        perms = []
        for perm_name in perm_names:
            app_label, codename = perm_name.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:  # models of later migrations add theirs on the next migrate
                perms.append(perm)
        group.permissions.set(perms)
        groups[name] = group
    return groups


def _cap_username(form) -> None:
    # Django sets the username's max_length after the field is built, so no validator checks it;
    # an over-long name would reach authenticate() and the sign-in throttle's varchar column.
    field = form.fields["username"]
    field.validators.append(MaxLengthValidator(field.max_length or 150))


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _cap_username(self)


class AdminSignInForm(AdminAuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _cap_username(self)
