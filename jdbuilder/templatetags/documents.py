from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from jdbuilder.document import Document
from roles.chart import ChartBar, skill_profile_svg

register = template.Library()


@register.simple_tag
def skill_chart(document: Document, chart_id: str = "jd-skill-chart") -> SafeString:
    """The JD's skill-profile chart: one bar per skill, required ones first."""
    bars = [
        ChartBar(
            label=skill.name,
            rank=skill.level_rank,
            note=skill.level_name if skill.required else f"{skill.level_name} (nice to have)",
        )
        for skill in document.skills
    ]
    return skill_profile_svg(
        bars=bars,
        levels=document.scale,
        title=f"Skill profile: {document.title}",
        chart_id=chart_id,
    )


@register.simple_tag(takes_context=True)
def marked(context, text: str, key: str, linebreaks: bool = False) -> SafeString:
    """`text`, escaped, with the ranges the quality checks found in field `key` in <mark>.

    Outside the review step there are no marks and this is plain escaping. Ranges are offsets
    into the text as the Document holds it; overlapping ranges keep the first.
    """
    ranges = sorted((context.get("marks") or {}).get(key, ()))
    pieces, position = [], 0
    for start, end, severity in ranges:
        if start < position or end > len(text) or start >= end:
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(
            format_html('<mark class="finding finding-{}">{}</mark>', severity, text[start:end])
        )
        position = end
    pieces.append(escape(text[position:]))
    html = "".join(str(piece) for piece in pieces)
    if linebreaks:
        html = html.replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 - every piece above is escaped or format_html'd
