"""Approval flows, stages and submissions for tests: `make_flow(stage(...), stage(...))` keeps
the default flow, `submitted(jd)` sends a draft into it.

    flow = make_flow(stage("HR review", approvers=[hr]), stage("Pay", group=pay_group))
    submission = submitted(DraftFactory())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group

from jdbuilder.approvals import services
from jdbuilder.approvals.models import ApprovalFlow, ApprovalStage, Submission
from jdbuilder.vocabulary import StageCondition


@dataclass(frozen=True)
class StageSpec:
    """A stage `make_flow` creates, at its place in the arguments."""

    name: str
    approvers: tuple = ()
    group: Group | None = None
    condition: str = StageCondition.ALWAYS
    amount: Decimal | None = None
    currency: str = ""
    extra: dict = field(default_factory=dict)


def stage(
    name: str,
    approvers: Iterable = (),
    group: Group | None = None,
    condition: str = StageCondition.ALWAYS,
    amount: Decimal | int | str | None = None,
    currency: str = "",
) -> StageSpec:
    """A stage approved by `approvers` (users) or anyone in `group`; `amount`/`currency` for
    the "salary maximum above" condition."""
    return StageSpec(
        name=name,
        approvers=tuple(approvers),
        group=group,
        condition=condition,
        amount=None if amount is None else Decimal(str(amount)),
        currency=currency,
    )


def make_flow(*stages: StageSpec, name: str = "Standard", department=None) -> ApprovalFlow:
    """A flow with `stages` in order: the default flow, or `department`'s own."""
    flow = ApprovalFlow.objects.create(
        name=name, is_default=department is None, department=department
    )
    for position, spec in enumerate(stages, start=1):
        created = ApprovalStage.objects.create(
            flow=flow,
            position=position,
            name=spec.name,
            approver_group=spec.group,
            condition=spec.condition,
            condition_amount=spec.amount,
            condition_currency=spec.currency,
        )
        created.approvers.add(*spec.approvers)
    return flow


def submitted(jd, user=None) -> Submission:
    """Submit `jd` (a draft) as its owner (or `user`); a flow with a stage that applies must
    exist, else there is no submission and this fails loudly."""
    result = services.submit_job_description(
        job_description=jd, user=user or jd.owner, expected_version=jd.lock_version
    )
    assert result.submission is not None, "no stage applies: the JD was issued at once"
    return result.submission


def decide(action, submission: Submission, user, **kwargs) -> Submission:
    """Call `services.approve`/`return_for_changes`/`reject` on the current stage."""
    current = services.current_stage(submission)
    return action(submission=submission, user=user, stage_id=current.pk, **kwargs)


def flow_with(*stages: dict, name: str = "Standard", department=None) -> ApprovalFlow:
    """A flow (the default one unless `department`) with `stages` in order, each a dict of
    ApprovalStage fields plus `approvers` (users)."""
    flow = ApprovalFlow.objects.create(
        name=name, is_default=department is None, department=department
    )
    for position, fields in enumerate(stages, start=1):
        fields = dict(fields)
        approvers = fields.pop("approvers", ())
        stage = ApprovalStage.objects.create(flow=flow, position=position, **fields)
        stage.approvers.add(*approvers)
    return flow


def submit_as_owner(jd) -> services.Submitted:
    """Submit `jd` as its owner: a submission in review, or a revision when no stage applies."""
    return services.submit_job_description(
        job_description=jd, user=jd.owner, expected_version=jd.lock_version
    )
