"""Matching a release's occupations to catalog roles, before anything is written.

Each occupation gets a `RolePlan`: an existing role (found by O*NET code, else by name) or a new
one with a free slug, and whether the import owns it. Conflicts (two roles with one code, a
name that points at another occupation's role) raise `OnetError` here, so the write never
starts. docs/onet-import.md gives the rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.text import slugify

from roles.models import Role
from roles.onet.attribution import is_onet_source
from roles.onet.files import OCCUPATIONS, Occupation, OnetError, Release


@dataclass
class RolePlan:
    """What the import does with one occupation's role."""

    occupation: Occupation
    role: Role | None  # None: a new role (the writer fills it in once created)
    owned: bool  # True: the role mirrors O*NET (new, or its source is the O*NET attribution)
    slug: str = ""


def unique_slug(text: str, taken: set[str], suffix: str, limit: int) -> str:
    """A slug of `text` not in `taken` (which it joins), `-suffix` added only when needed."""
    base = slugify(text)[:limit].strip("-") or "onet"
    candidates = [base, f"{base[: limit - len(suffix) - 1]}-{suffix}"]
    candidates += [f"{base[: limit - len(suffix) - 6]}-{suffix}-{n}" for n in range(2, 1000)]
    slug = next(candidate for candidate in candidates if candidate not in taken)
    taken.add(slug)
    return slug


def plan_roles(release: Release) -> list[RolePlan]:
    """Match every occupation to a role, or plan a new one; refuse conflicts up front."""
    roles = list(Role.objects.all())
    by_code: dict[str, list[Role]] = defaultdict(list)
    by_name = {role.name.casefold(): role for role in roles}
    for role in roles:
        if role.onet_code:
            by_code[role.onet_code].append(role)
    slugs = {role.slug for role in roles}
    slug_limit = Role._meta.get_field("slug").max_length
    plans, used = [], set()
    for occupation in release.occupations.values():
        code, title = occupation.code, occupation.title
        role = None
        candidates = by_code.get(code, [])
        if len(candidates) > 1:
            candidates = [r for r in candidates if is_onet_source(r.source)]
            if len(candidates) != 1:
                names = ", ".join(sorted(r.name for r in by_code[code]))
                raise OnetError(
                    f"roles {names} all have O*NET code {code}: clear it on all but one"
                )
        if candidates:
            role = candidates[0]
        else:
            role = by_name.get(title.casefold())
            if role is not None and role.onet_code and role.onet_code != code:
                raise OnetError(
                    f"role '{role.name}' has O*NET code {role.onet_code}, but {OCCUPATIONS} "
                    f"gives that title to {code}: correct the role's code or name"
                )
        if role is None:
            slug = unique_slug(title, slugs, code.replace(".", "-"), slug_limit)
            plans.append(RolePlan(occupation, None, owned=True, slug=slug))
            by_name[title.casefold()] = Role(name=title)  # reserves the name
            continue
        if role.pk in used:
            raise OnetError(f"role '{role.name}' matches two occupations, one being {code}")
        used.add(role.pk)
        owned = is_onet_source(role.source)
        if owned and role.name != title:
            holder = by_name.get(title.casefold())
            if holder is not None and holder is not role:
                raise OnetError(
                    f"{code} is now titled '{title}', but another role has that name: "
                    "rename or merge it"
                )
            by_name[title.casefold()] = role
        plans.append(RolePlan(occupation, role, owned=owned))
    return plans
