"""The share-link pages: the outside reviewer's page and the managers' make and revoke buttons."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from jdbuilder.approvals import share_views
from jdbuilder.approvals.models import Comment, ShareLink, TimelineEvent
from jdbuilder.approvals.services import add_comment
from jdbuilder.approvals.sharing import open_share_link, revoke_share_link
from jdbuilder.vocabulary import TimelineKind
from tests.factories import ManagerFactory, PayBandFactory, RecruiterFactory, StaffFactory
from tests.support.approvals_share import (
    approver,
    issued_revision,
    make_link,
    one_stage_flow,
    submitted,
    token_of,
)

GONE = "This link does not work (any more)"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reviewer(catalog):
    return approver()


@pytest.fixture
def submission(catalog, manager, reviewer):
    one_stage_flow(reviewer)
    return submitted(manager, title="Platform Engineer")


@pytest.fixture
def shared(submission, manager):
    """(link, url) of a link to the submission."""
    link, url, _ = make_link(user=manager, submission=submission)
    return link, url


def _post_comment(client, url, **fields):
    data = {"name": "Dana Outside", "section": "skills", "text": "Fewer skills, please."}
    data.update(fields)
    return client.post(url, data)


def _assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


# --- the outside reviewer's page ------------------------------------------------------------


def test_the_page_shows_the_document_to_anyone_marked_noindex(client, shared):
    _, url = shared
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Platform Engineer" in html
    assert "Build the platform our models run on." in html  # the posting's summary
    assert '<meta name="robots" content="noindex">' in html
    _assert_private(response)
    for label in ("Your name", "Section", "Comment", "Send comment"):
        assert label in html


def test_the_page_reveals_nothing_else(client, catalog, manager, reviewer):
    PayBandFactory(minimum=111111, maximum=222222)
    one_stage_flow(reviewer)
    submission = submitted(manager, title="Platform Engineer")
    add_comment(submission=submission, user=reviewer, text="An internal remark XYZZY.")
    link, url, _ = make_link(user=manager, submission=submission)
    client.force_login(manager)  # even its own manager sees only the outsider's page

    html = client.get(url).content.decode()

    assert "Platform Engineer" in html
    for secret in (
        manager.username,
        manager.email,
        reviewer.username,
        reviewer.email,
        "XYZZY",
        "111111",
        "222222",
        "111,111",
        "222,222",
        "Pay band",
        "band",
        "Sign out",
        "Log out",
    ):
        assert secret not in html, secret
    hrefs = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    assert hrefs, "the page has its stylesheets"
    for href in hrefs:
        assert not href.startswith(("/jd/", "/reviews/", "/library/", "/roles/", "/admin/")), href
        assert not href.startswith(("http://", "https://", "//")), href


def test_a_revision_link_shows_the_issued_revision(client, catalog, manager):
    revision = issued_revision(manager, title="Data Wrangler")
    _, url, _ = make_link(user=manager, revision=revision)
    response = client.get(url)
    assert response.status_code == 200
    assert "Data Wrangler" in response.content.decode()


def _tampered(url):
    token = token_of(url)
    return f"/shared/{token[:10]}{'B' if token[10] == 'A' else 'A'}{token[11:]}/"


@pytest.mark.parametrize("how", ["tampered", "expired", "revoked", "unknown"])
def test_a_link_that_does_not_work_answers_the_same_404(client, shared, manager, how):
    link, url = shared
    if how == "tampered":
        url = _tampered(url)
    elif how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=8),
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
    elif how == "revoked":
        revoke_share_link(link=link, user=manager)
    else:
        url = "/shared/nothing-here/"

    response = client.get(url)

    assert response.status_code == 404
    html = response.content.decode()
    assert GONE in html
    assert "Platform Engineer" not in html
    assert '<meta name="robots" content="noindex">' in html
    _assert_private(response)
    assert _post_comment(client, url).status_code == 404
    assert not Comment.objects.exists()


def test_the_404_pages_are_identical(client, shared, manager):
    link, url = shared
    bodies = {client.get(_tampered(url)).content}
    bodies.add(client.get("/shared/nothing-here/").content)
    revoke_share_link(link=link, user=manager)
    bodies.add(client.get(url).content)
    assert len(bodies) == 1


def test_one_comment_then_the_link_takes_no_more(client, shared, submission):
    link, url = shared
    response = _post_comment(client, url)

    assert response.status_code == 200
    assert "your comment was sent" in response.content.decode()
    _assert_private(response)
    comment = Comment.objects.get()
    assert (comment.outside_name, comment.section, comment.submission) == (
        "Dana Outside",
        "skills",
        submission,
    )
    # The page no longer offers the form, and a second post is refused and saves nothing.
    page = client.get(url).content.decode()
    assert "Send comment" not in page
    assert "takes no more" in page
    again = _post_comment(client, url, name="Eve", text="Me too.")
    assert again.status_code == 400
    assert "takes no more" in again.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 81}, "at most 80 characters"),
        ({"text": ""}, "This field is required."),
        ({"text": "x" * 4001}, "at most 4000 characters"),
        ({"section": "salary"}, "Select a valid choice."),
        ({"name": "Dana\x1b[2J"}, "control characters"),
    ],
)
def test_bad_input_shows_a_clear_error_and_saves_nothing(client, shared, fields, message):
    link, url = shared
    response = _post_comment(client, url, **fields)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Send comment" in html  # the form again, to put it right
    assert not Comment.objects.exists()
    assert not TimelineEvent.objects.filter(kind=TimelineKind.COMMENTED).exists()
    link.refresh_from_db()
    assert link.comments_left == 0


def test_what_a_visitor_types_is_escaped(client, shared):
    _, url = shared
    response = _post_comment(client, url, name="<b>x</b>" * 20, text="<script>alert(1)</script>")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reading_is_rate_limited_per_address_and_link(client, shared, monkeypatch):
    monkeypatch.setattr(share_views, "GET_LIMIT", (3, 60))
    _, url = shared
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]

    refused = client.get(url)

    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    _assert_private(refused)
    # Another address is not held back by this one's requests.
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_guessing_tokens_is_rate_limited_too(client, db, monkeypatch):
    monkeypatch.setattr(share_views, "GET_LIMIT", (2, 60))
    statuses = [client.get("/shared/guess/").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_posting_is_rate_limited(client, shared, monkeypatch):
    monkeypatch.setattr(share_views, "POST_LIMIT", (2, 3600))
    link, url = shared
    statuses = [_post_comment(client, url, name="").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert _post_comment(client, url).status_code == 429
    assert not Comment.objects.exists()


def test_the_default_limits(client, shared):
    assert share_views.GET_LIMIT == (60, 60)
    assert share_views.POST_LIMIT == (5, 3600)
    _, url = shared
    assert all(client.get(url).status_code == 200 for _ in range(60))
    assert client.get(url).status_code == 429


# --- making and revoking, for managers ------------------------------------------------------


def _share_url(submission):
    return reverse("approvals:share", kwargs={"public_id": submission.public_id})


def test_the_manager_makes_a_link_and_sees_it_once(client, submission, manager, settings):
    settings.SITE_URL = "https://jd.example.com"
    client.force_login(manager)

    response = client.post(_share_url(submission), {"days": "3"})

    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    link = ShareLink.objects.get()
    assert link.expires_at - link.created_at == datetime.timedelta(days=3)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    full = re.search(r"https://jd\.example\.com(/shared/[^/\s]+/)", message)
    assert full, message
    assert open_share_link(token_of(full.group(1))) == link


def test_a_bad_number_of_days_is_an_error_message_and_makes_nothing(client, submission, manager):
    client.force_login(manager)
    response = client.post(_share_url(submission), {"days": "99"}, follow=False)
    assert response.status_code == 302
    assert not ShareLink.objects.exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 to 30 days" in message


def test_staff_may_make_a_link(client, submission):
    client.force_login(StaffFactory())
    assert client.post(_share_url(submission)).status_code == 302
    assert ShareLink.objects.count() == 1


def test_an_approver_who_sees_the_submission_gets_403(client, submission, reviewer):
    client.force_login(reviewer)
    assert client.post(_share_url(submission)).status_code == 403
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("who", ["other manager", "recruiter"])
def test_someone_who_cannot_see_the_submission_gets_404(client, submission, who):
    client.force_login(ManagerFactory() if who == "other manager" else RecruiterFactory())
    assert client.post(_share_url(submission)).status_code == 404
    assert not ShareLink.objects.exists()


def test_making_a_link_wants_a_post_and_a_sign_in(client, submission, manager):
    assert client.post(_share_url(submission)).status_code == 302  # to the sign-in page
    client.force_login(manager)
    assert client.get(_share_url(submission)).status_code == 405
    assert not ShareLink.objects.exists()


def _revoke_url(link):
    return reverse("approvals:revoke_share", kwargs={"pk": link.pk})


def test_the_manager_revokes_a_link_and_it_stops_working(client, shared, submission, manager):
    link, url = shared
    client.force_login(manager)

    response = client.post(_revoke_url(link))

    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    link.refresh_from_db()
    assert link.revoked_by == manager
    client.logout()
    assert GONE in client.get(url).content.decode()


def test_an_approver_may_not_revoke(client, shared, reviewer):
    link, url = shared
    client.force_login(reviewer)
    assert client.post(_revoke_url(link)).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_someone_who_cannot_see_the_link_gets_404(client, shared):
    link, _ = shared
    client.force_login(ManagerFactory())
    assert client.post(_revoke_url(link)).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_revision_links_are_made_by_the_owner_only(client, catalog, manager):
    revision = issued_revision(manager)
    jd = revision.job_description
    url = reverse(
        "jd:share_revision", kwargs={"public_id": jd.public_id, "number": revision.number}
    )

    client.force_login(RecruiterFactory())  # sees issued JDs, may not share them
    assert client.post(url).status_code == 403
    client.force_login(ManagerFactory())  # sees nothing of it
    assert client.post(url).status_code == 404
    assert not ShareLink.objects.exists()

    client.force_login(manager)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "jd:revision", kwargs={"public_id": jd.public_id, "number": revision.number}
    )
    link = ShareLink.objects.get()
    assert link.revision == revision
    revoked = client.post(_revoke_url(link))
    assert revoked["Location"] == response["Location"]
    link.refresh_from_db()
    assert link.revoked_at is not None


# --- the owners' partial --------------------------------------------------------------------


def test_the_share_links_partial_lists_links_with_revoke_and_the_make_form(
    rf, shared, submission, manager
):
    from django.template.loader import render_to_string

    link, _ = shared
    request = rf.get("/")
    request.user = manager
    html = render_to_string(
        "approvals/_partials/share_links.html",
        {"submission": submission, "share_links": [link]},
        request=request,
    )
    assert "Make a share link" in html
    assert "Revoke" in html
    assert _revoke_url(link) in html
    assert _share_url(submission) in html
    assert "Works" in html


def test_the_shared_document_drops_the_pay_band(catalog, manager, reviewer):
    from jdbuilder.snapshots import read_snapshot

    PayBandFactory(minimum=111111, maximum=222222)
    one_stage_flow(reviewer)
    submission = submitted(manager)
    link, *_ = make_link(user=manager, submission=submission)
    assert read_snapshot(submission.snapshot).pay_band is not None  # frozen with the snapshot
    assert share_views.shared_document(link).pay_band is None


def test_the_pages_are_valid_html(client, shared, vnu):
    _, url = shared
    pages = {
        "shared": client.get(url).content.decode(),
        "bad input": _post_comment(client, url, name="").content.decode(),
        "gone": client.get("/shared/nothing-here/").content.decode(),
    }
    for what, html in pages.items():
        errors = [str(m) for m in vnu(html) if m.is_error or m.is_warning]
        assert errors == [], what


def test_the_form_posts_with_its_csrf_token(shared):
    from django.test import Client

    _, url = shared
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert _post_comment(browser, url).status_code == 403  # no token: refused
    response = _post_comment(browser, url, csrfmiddlewaretoken=token)

    assert response.status_code == 200
    assert Comment.objects.count() == 1


def test_the_partial_on_a_revision_page_posts_to_the_revision_share(rf, catalog, manager):
    from django.template.loader import render_to_string

    revision = issued_revision(manager)
    jd = revision.job_description
    request = rf.get("/")
    request.user = manager
    html = render_to_string(
        "approvals/_partials/share_links.html",
        {"revision": revision, "job_description": jd, "share_links": []},
        request=request,
    )
    url = reverse("jd:share_revision", kwargs={"public_id": jd.public_id, "number": 1})
    assert f'action="{url}"' in html
    assert "Make a share link" in html
    assert "No share links yet." in html
