"""Interview kits from the database: the question bank for a Document's skills, and the stored
files of issued revisions' kits.

A draft's kit is built and rendered per request (a draft changes). An issued revision's PDF and
Word kit are rendered once, at their first download, and kept as `RenderedFile` rows ("kit-pdf",
"kit-docx") beside the JD's own files, so every app server sends the same bytes. They keep the
questions the bank had then: later edits of the bank show on the kit's page and in the files of
later revisions, never in a file already kept (as a revision never changes).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from jdbuilder.document import Document
from jdbuilder.documents.build import build_document
from jdbuilder.kits.kit import BankQuestionLike, Kit, build_kit
from jdbuilder.kits.render import KitFormat
from jdbuilder.models import JobDescriptionRevision, RenderedFile, StoredFile
from roles.models import InterviewQuestion
from roles.questions import generic_questions


def questions_for(document: Document) -> dict[str, list[BankQuestionLike]]:
    """Each skill's questions at the level `document` asks for, by skill name, in the bank's
    order; in ONE query. A skill the bank has nothing for at that level (an imported or renamed
    skill, a level without questions) gets the generic questions of the level, marked generic."""
    lines = document.skills
    if not lines:
        return {}
    wanted = Q()
    for line in lines:
        wanted |= Q(skill__name=line.name, level__rank=line.level_rank)
    rows = (
        InterviewQuestion.objects.filter(wanted)
        .select_related("skill")
        .order_by("skill_id", "level__rank", "position", "pk")
    )
    found: dict[str, list[BankQuestionLike]] = defaultdict(list)
    for row in rows:
        found[row.skill.name].append(row)
    return {
        line.name: found.get(line.name)
        or list(generic_questions(skill_name=line.name, level_rank=line.level_rank))
        for line in lines
    }


def kit_of(document: Document) -> Kit:
    """The kit of `document`, its questions from the bank."""
    return build_kit(document, questions_for(document))


def stored_kit_file(*, revision: JobDescriptionRevision, kit_format: KitFormat) -> StoredFile:
    """The issued revision's kit in `kit_format` and its file name: rendered once and kept,
    then served as kept.

    Kept by `RenderedFile.objects.keep`: of two requests racing to make it, both serve the
    first's copy.
    """
    kept = (
        RenderedFile.objects.filter(revision=revision, format=kit_format.key)
        .values_list("content", "filename")
        .first()
    )
    if kept is not None:
        return StoredFile(bytes(kept[0]), kept[1])
    kit = kit_of(build_document(revision))
    stored = RenderedFile.objects.keep(
        revision=revision,
        fmt=kit_format.key,
        content=kit_format.renderer(kit),
        filename=kit_format.filename(kit),
    )
    return StoredFile(bytes(stored.content), stored.filename)


__all__ = ["kit_of", "questions_for", "stored_kit_file"]
