from django import template
from django.utils.safestring import SafeString

from jdbuilder.documents.build import Document
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
