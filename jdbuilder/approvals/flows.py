"""Which of a flow's stages apply to a submitted Document, and why: pure, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from jdbuilder.document import Compensation, Document
from jdbuilder.vocabulary import StageCondition


class StageRule(Protocol):
    condition: str
    condition_amount: Decimal | None
    condition_currency: str


@dataclass(frozen=True)
class Applies:
    """A stage that applies, with the reason shown to everyone (blank when always)."""

    stage: StageRule
    reason: str


def applicable_stages(stages: Iterable[StageRule], document: Document) -> list[Applies]:
    """The stages (in the order given) whose condition holds for `document`."""
    applying = []
    for stage in stages:
        reason = condition_reason(stage, document)
        if reason is not None:
            applying.append(Applies(stage=stage, reason=reason))
    return applying


def condition_reason(stage: StageRule, document: Document) -> str | None:
    """Why the stage applies ("" for an unconditional stage), or None when it does not."""
    salary = document.compensation
    if stage.condition == StageCondition.ALWAYS:
        return ""
    if salary is None:
        return None
    if stage.condition == StageCondition.SALARY_MAX_ABOVE:
        figure = Compensation(
            stage.condition_amount, stage.condition_amount, stage.condition_currency, ""
        ).text
        if salary.currency != stage.condition_currency:
            return f"The pay range is in {salary.currency}, not {stage.condition_currency}."
        if salary.maximum > stage.condition_amount:
            return f"The maximum, {_end(salary.maximum, salary)}, is above {figure}."
        return None
    band = document.pay_band
    if band is None:
        return None
    if (salary.currency, salary.period) != (band.currency, band.period):
        return "The pay range is in another currency or period than the pay band."
    above = salary.maximum > band.maximum
    below = salary.minimum < band.minimum
    # The band's own figures stay out of the reason: it is shown to the manager and in e-mail,
    # and not everyone who reads it may see bands.
    if stage.condition == StageCondition.ABOVE_BAND and above:
        return f"The maximum, {_end(salary.maximum, salary)}, is above the pay band."
    if stage.condition == StageCondition.OUTSIDE_BAND and (above or below):
        return f"The range {salary.text} is outside the pay band."
    return None


def _end(amount: Decimal, salary: Compensation) -> str:
    return Compensation(amount, amount, salary.currency, salary.period).text
