"""Shared by the O*NET import tests: the sample release, running the command, editing files.

The sample release in tests/roles/onet_samples/ holds four occupations in the exact O*NET text
layout; tests copy it to tmp_path (the `release` fixture) and edit the copy.
"""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from roles.models import (
    AlternateTitle,
    ProficiencyLevel,
    Role,
    RoleSkill,
    RoleTask,
    Skill,
    Task,
    TaskArea,
    Tool,
)

SAMPLES = Path(__file__).resolve().parents[1] / "onet_samples"

MODELS = [TaskArea, ProficiencyLevel, Skill, Role, AlternateTitle, Task, RoleTask, RoleSkill, Tool]

CODES = {
    "15-1211.00": "Computer Systems Analysts",
    "15-1252.00": "Software Developers",
    "15-2051.00": "Data Scientists",
    "43-9021.00": "Data Entry Keyers",
}


def snapshot() -> dict:
    rows = {model.__name__: sorted(model.objects.values_list()) for model in MODELS}
    rows["tool links"] = sorted(Tool.roles.through.objects.values_list("tool", "role"))
    rows["area links"] = sorted(Role.task_areas.through.objects.values_list("role", "taskarea"))
    rows["history"] = [model.history.count() for model in MODELS]
    return rows


def run(folder: Path, *args: str, **options) -> str:
    out = StringIO()
    call_command("import_onet", str(folder), *args, stdout=out, **options)
    return out.getvalue()


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(folder: Path, name: str, fragment: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if fragment in line)


def link(role: str, skill: str) -> RoleSkill | None:
    return RoleSkill.objects.filter(role__name=role, skill__name=skill).first()


def zipped_release(folder: Path = SAMPLES, *, prefix: str = "db_30_0_text/") -> bytes:
    """The release in `folder` as the zip O*NET publishes: every .txt file inside `prefix`."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.txt")):
            archive.write(path, prefix + path.name)
    return buffer.getvalue()


def make_zip(*members, method: int | None = None) -> bytes:
    """A zip of (name or ZipInfo, bytes) members, deflated unless `method` says otherwise."""
    import io
    import zipfile

    buffer = io.BytesIO()
    compression = zipfile.ZIP_DEFLATED if method is None else method
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()
