"""Share-link tests' helpers: a one-stage flow, a submission in review, links, and a URL conf.

`urlpatterns` is the site's own, with the "approvals" namespace completed by the share views
(and a stand-in submission page) wherever `jdbuilder/approvals/urls.py` does not name them yet,
so these tests run whether or not that file routes them. Use it with
`@pytest.mark.urls("tests.support.approvals_share")`.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from jdbuilder import urls as site_urls
from jdbuilder.approvals import share_views
from jdbuilder.approvals import urls as approval_urls
from jdbuilder.approvals.models import ApprovalFlow, ApprovalStage, Submission
from jdbuilder.approvals.services import submit_job_description
from jdbuilder.approvals.sharing import create_share_link
from tests.factories import DraftFactory, FinalJobDescriptionFactory, UserFactory

URLCONF = "tests.support.approvals_share"


def one_stage_flow(*approvers) -> ApprovalFlow:
    """The default flow: one stage, "HR", approved by any of `approvers`."""
    flow = ApprovalFlow.objects.create(name="Default", is_default=True)
    stage = ApprovalStage.objects.create(flow=flow, position=1, name="HR")
    stage.approvers.add(*approvers)
    return flow


def submitted(owner, **draft) -> Submission:
    """A draft of `owner` (DraftFactory with a full posting), submitted: in review."""
    draft.setdefault("posting", {})
    jd = DraftFactory(owner=owner, **draft)
    done = submit_job_description(job_description=jd, user=owner, expected_version=jd.lock_version)
    assert done.submission is not None, "a flow with a stage must apply"
    return done.submission


def issued_revision(owner, **draft):
    jd = FinalJobDescriptionFactory(owner=owner, **draft)
    return jd.revisions.get()


def token_of(url: str) -> str:
    """The token in a share URL ("/shared/<token>/")."""
    match = re.fullmatch(r"/shared/([^/]+)/", url)
    assert match, url
    return match.group(1)


def make_link(*, user, submission=None, revision=None, days=None):
    """create_share_link(...) -> (link, url, token)."""
    link, url = create_share_link(user=user, submission=submission, revision=revision, days=days)
    return link, url, token_of(url)


def approver():
    return UserFactory(username="approver", email="approver@example.com")


def _submission_page(request, public_id):
    return HttpResponse(f"submission {public_id}")


def _approvals_patterns() -> list:
    named = {getattr(pattern, "name", None) for pattern in approval_urls.urlpatterns}
    extra = [
        ("share", path("<uuid:public_id>/share/", share_views.make_share_link, name="share")),
        (
            "revoke_share",
            path("shares/<int:pk>/revoke/", share_views.revoke, name="revoke_share"),
        ),
        ("submission", path("<uuid:public_id>/", _submission_page, name="submission")),
    ]
    return [*approval_urls.urlpatterns, *(route for name, route in extra if name not in named)]


def _jd_patterns() -> list:
    from jdbuilder import urls_jd

    route = path(
        "<uuid:public_id>/revisions/<int:number>/share/",
        share_views.make_revision_share_link,
        name="share_revision",
    )
    named = {getattr(pattern, "name", None) for pattern in urls_jd.urlpatterns}
    return [*urls_jd.urlpatterns, *([] if "share_revision" in named else [route])]


def _site_patterns() -> list:
    patterns = []
    for pattern in site_urls.urlpatterns:
        namespace = (
            getattr(pattern, "namespace", None) if isinstance(pattern, URLResolver) else None
        )
        if namespace == "approvals":
            patterns.append(path("reviews/", include((_approvals_patterns(), "approvals"))))
        elif namespace == "jd":
            patterns.append(path("jd/", include((_jd_patterns(), "jd"))))
        else:
            patterns.append(pattern)
    return patterns


urlpatterns = _site_patterns()
