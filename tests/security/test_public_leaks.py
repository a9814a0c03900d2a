"""The leak sweep: nothing but published, open postings is reachable without signing in.

JDs are planted in every state, each with its own marker word in every text a manager types
(title, summary, company, about, location, applicant location, benefits, equal opportunity,
how to apply, a written responsibility, a written tool), in its owner's, publisher's and
approvers' names, usernames and e-mails, in approver comments and decisions, and in the
numbers of an internal pay band. Then every public URL is read anonymously, with many queries,
and no body or header may carry a marker; the open posting's title must show.

Markers are `zqx<core>k`: searches and filters send the core only, so a page that echoes the
search box cannot pass for a leak, while a result that shows the JD still does.

The public URLs come from the URL resolver: every route of the `careers` namespace and every
route whose view lives in `jdbuilder.publishing` (bar the signed-in management views) must be
in `SWEPT_ROUTES`, so a new public URL cannot be left out of the sweep.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jdbuilder.approvals.services import add_comment, approve, reject, return_for_changes
from jdbuilder.documents.build import build_document
from jdbuilder.models import JobDescription
from jdbuilder.publishing.models import FeedFile, Posting
from jdbuilder.publishing.services import close, publish, unpublish
from jdbuilder.services import save_step
from jdbuilder.vocabulary import PostingState, WizardStep
from tests.factories import (
    DraftFactory,
    FinalJobDescriptionFactory,
    ManagerFactory,
    OrganizationFactory,
    PayBandFactory,
    RecruiterFactory,
    UserFactory,
    full_posting,
)
from tests.support.approvals import decide, make_flow, stage, submitted
from tests.support.jds import retitle

# Every public route the sweep reads; the test below fails when the resolver has one more.
SWEPT_ROUTES = {
    "careers:list",
    "careers:posting",
    "careers:rss",
    "careers:atom",
    "careers:indeed",
    "careers:linkedin",
    "sitemap",
    "robots",
}
# Views under jdbuilder.publishing that are not public: they sit behind sign-in (jd namespace).
SIGNED_IN_MODULES = ("jdbuilder.publishing.manage_views",)

# The internal pay band: its figures must never reach a public page (Document.pay_band).
BAND_MINIMUM, BAND_MAXIMUM = 143917, 196483
BAND_TEXTS = ("143,917", "196,483", "143917", "196483", "143 917", "196 483")

POSTING_TEXTS = (
    "summary",
    "company_name",
    "about_company",
    "location",
    "applicant_location",
    "benefits",
    "equal_opportunity",
    "how_to_apply",
)


def marker(core: str) -> str:
    return f"zqx{core}k"


@dataclass
class Planted:
    """What the sweep looks for: marker -> where it was planted (must never show), the texts
    that must show, and the markers a closed posting's own page may still show."""

    forbidden: dict[str, str] = field(default_factory=dict)
    control: Posting | None = None
    reopened: Posting | None = None
    closed: Posting | None = None
    unpublished: Posting | None = None
    jds: list[JobDescription] = field(default_factory=list)
    submissions: list = field(default_factory=list)
    # The closed posting's page says so with its title and company (they were public).
    closed_page_allows: set[str] = field(default_factory=set)

    def forbid(self, text: str, where: str) -> str:
        self.forbidden[text.lower()] = where
        return text

    def allowed_at(self, url: str) -> set[str]:
        if self.closed is not None and self.closed.short_id in url:
            return self.closed_page_allows
        return set()

    @property
    def cores(self) -> list[str]:
        return sorted(
            text.removeprefix("zqx").removesuffix("k")
            for text in self.forbidden
            if text.startswith("zqx")
        )


def person(planted: Planted, factory, tag: str):
    """A user whose every public-looking attribute is a marker."""
    username = planted.forbid(marker(f"{tag}username"), f"{tag}'s username")
    user = factory(
        username=username,
        first_name=planted.forbid(marker(f"{tag}first").capitalize(), f"{tag}'s first name"),
        last_name=planted.forbid(marker(f"{tag}last").capitalize(), f"{tag}'s last name"),
        email=f"{marker(f'{tag}email')}@corp.example",
    )
    planted.forbid(marker(f"{tag}email"), f"{tag}'s e-mail")
    return user


def texts(planted: Planted | None, tag: str) -> dict:
    """The JD's typed texts, each with a marker; forbidden when `planted` is given (else they
    are the texts of a published revision, which may show)."""

    def mark(name: str) -> str:
        text = marker(f"{tag}{name.replace('_', '')}")
        if planted is not None:
            planted.forbid(text, f"{tag} JD's {name}")
        return text

    posting = full_posting(
        summary=f"Build the platform {mark('summary')} our models run on.",
        company_name=f"Acme {mark('company_name')}",
        about_company=f"We build {mark('about_company')} tools for hospitals.",
        location=f"Denver {mark('location')}, Colorado",
        applicant_location=f"Colorado {mark('applicant_location')}",
        benefits=f"Health insurance {mark('benefits')}\nFour weeks of paid leave",
        equal_opportunity=f"We are an {mark('equal_opportunity')} employer.",
        how_to_apply=f"Send your CV to {mark('how_to_apply')}@acme.example.",
    )
    return {
        "title": f"Senior {mark('title').capitalize()} Engineer",
        "posting": posting,
        "extra_responsibilities": [f"Keep the {mark('responsibility')} pipelines healthy."],
        "extra_tools": [f"{mark('tool').capitalize()} Studio"],
    }


def edit_as_draft(jd: JobDescription, planted: Planted, tag: str) -> JobDescription:
    """Reopen an issued JD and type new marker texts into its draft (not issued)."""
    jd = JobDescription.objects.get(pk=jd.pk)
    jd.reopen()
    new = texts(planted, tag)
    retitle(jd, new["title"])
    steps = DraftFactory.step_values(
        jd,
        title=None,
        posting=new["posting"],
        responsibilities=None,
        skills=None,
        tools=None,
        extra_responsibilities=new["extra_responsibilities"],
        extra_tools=new["extra_tools"],
    )
    for step, value in steps.items():
        save_step(
            job_description=jd,
            step=step,
            value=value,
            expected_version=jd.lock_version,
            next_step=WizardStep.REVIEW,
        )
    return jd


def plant() -> Planted:
    """JDs in every state, and one open posting (the control). Needs the catalog."""
    planted = Planted()
    caches["default"].clear()
    OrganizationFactory()
    PayBandFactory(minimum=BAND_MINIMUM, maximum=BAND_MAXIMUM, country="")
    for text in BAND_TEXTS:
        planted.forbid(text, "the internal pay band")
    owner = person(planted, ManagerFactory, "owner")
    publisher = person(planted, RecruiterFactory, "publisher")
    first = person(planted, UserFactory, "hrapprover")
    second = person(planted, UserFactory, "payapprover")
    make_flow(stage("HR review", approvers=[first]), stage("Pay review", approvers=[second]))

    def draft(tag: str) -> JobDescription:
        jd = DraftFactory(owner=owner, **texts(planted, tag))
        planted.jds.append(jd)
        return jd

    def issued(tag: str, *, public: bool = False) -> JobDescription:
        jd = FinalJobDescriptionFactory(owner=owner, **texts(None if public else planted, tag))
        planted.jds.append(jd)
        return jd

    def comment(tag: str) -> str:
        return planted.forbid(f"Please reword {marker(tag)} before this goes out.", tag)

    # A draft, never submitted.
    draft("draft")
    # In review: the first stage approved with a comment, a comment waiting on the second.
    review = submitted(draft("review"))
    decide(approve, review, first, comment=comment("approvalnote"))
    add_comment(submission=review, user=second, text=comment("reviewcomment"))
    planted.forbid(marker("approvalnote"), "an approver's stage comment")
    planted.forbid(marker("reviewcomment"), "an approver's comment")
    # Returned for changes, and rejected, each with the approver's reason.
    returned = submitted(draft("returned"))
    decide(return_for_changes, returned, first, comment=comment("returnreason"))
    rejected = submitted(draft("rejected"))
    decide(reject, rejected, first, comment=comment("rejectreason"))
    for core in ("returnreason", "rejectreason"):
        planted.forbid(marker(core), "an approver's decision")
    planted.submissions += [review, returned, rejected]
    # Issued, never published.
    issued("issued")
    # Published, then closed; then reopened as a draft with new texts.
    closed_jd = issued("closed")
    publish(job_description=closed_jd, user=publisher)
    planted.closed = close(job_description=closed_jd, user=publisher)
    planted.closed_page_allows = {
        marker("closedtitle"),
        marker("closedcompanyname"),
    }
    edit_as_draft(closed_jd, planted, "closeddraft")
    # Published, then unpublished.
    gone = issued("unpublished")
    publish(job_description=gone, user=publisher)
    planted.unpublished = unpublish(job_description=gone, user=publisher)
    # Published and open, reopened as a draft with new texts, and that draft in review with a
    # comment: the page keeps showing the issued revision.
    reopened = issued("reopenedpublic", public=True)
    planted.reopened = publish(job_description=reopened, user=publisher)
    edited = edit_as_draft(reopened, planted, "reopeneddraft")
    in_review = submitted(edited)
    add_comment(submission=in_review, user=first, text=comment("reopenedcomment"))
    planted.forbid(marker("reopenedcomment"), "an approver's comment on the new draft")
    planted.submissions.append(in_review)
    # The control: an open posting whose title must show.
    control = FinalJobDescriptionFactory(
        owner=owner, title="Staff Zqxcontroltitlek Engineer", posting={}
    )
    planted.control = publish(job_description=control, user=publisher)
    planted.jds.append(control)
    # The planting took: the states are as named, and the band is in the revisions.
    states = {p.short_id: p.state for p in Posting.objects.all()}
    assert states == {
        planted.closed.short_id: PostingState.CLOSED,
        planted.unpublished.short_id: PostingState.UNPUBLISHED,
        planted.reopened.short_id: PostingState.OPEN,
        planted.control.short_id: PostingState.OPEN,
    }
    assert build_document(planted.control.revision).pay_band is not None
    assert JobDescription.objects.get(pk=reopened.pk).title != planted.reopened.title
    return planted


# --- the public URLs ------------------------------------------------------------------------


def public_routes() -> set[str]:
    """The qualified names of every public route, from the resolver."""
    found: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                joined = ":".join(part for part in (namespace, inner) if part)
                walk(pattern.url_patterns, joined)
                continue
            assert isinstance(pattern, URLPattern)
            module = getattr(pattern.callback, "__module__", "") or ""
            public = namespace == "careers" or (
                module.startswith("jdbuilder.publishing") and module not in SIGNED_IN_MODULES
            )
            if public:
                name = pattern.name or f"(unnamed {pattern.pattern})"
                found.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "")
    return found


def careers_queries(planted: Planted) -> Iterator[dict[str, str]]:
    """The careers list's query strings: every marker's core as q and as each filter, the
    control's facets, page numbers, junk, and an oversized q."""
    control = planted.control
    yield {}
    for core in planted.cores:
        yield {"q": core}
    for name, value in itertools.product(
        ("department", "office", "workplace", "employment"),
        [*planted.cores[:6], "remote", "onsite", "hybrid", "FULL_TIME", "CONTRACTOR", "x" * 300],
    ):
        yield {name: value}
    for name, value in (
        ("department", control.department),
        ("office", control.office),
        ("workplace", control.workplace_type),
        ("employment", control.employment_type),
    ):
        yield {name: value}
    yield {"q": "engineer", "workplace": control.workplace_type, "page": "1"}
    for page in ("1", "2", "0", "-1", "999999", "abc", "1.5", "", "9" * 40):
        yield {"page": page}
    yield {"q": "a" * 10_000}
    yield {"q": "zqx " * 2_500}
    yield {"q": "<script>alert(1)</script>"}
    yield {"q": "\x00\x01 engineer"}
    yield {"q": "%", "page": "2"}
    yield {"utm_source": "newsletter", "format": "json", "debug": "1", "q[]": "x"}


def posting_paths(planted: Planted) -> Iterator[str]:
    """Each posting's address, with its own slug, a wrong one, a marker for a slug; made-up ids."""
    for posting in (planted.control, planted.reopened, planted.closed, planted.unpublished):
        yield posting.get_absolute_url()
        yield f"/jobs/wrong-slug-{posting.short_id}/"
        yield f"/jobs/senior-zqxslugk-engineer-{posting.short_id}/"
        yield f"/jobs/{posting.slug}-{posting.short_id}"  # no trailing slash
        yield f"/jobs/{posting.slug}-{posting.short_id.upper()}/"
        yield f"/jobs/{posting.slug}-{posting.short_id}/?preview=1&revision=2"
    for short_id in ("zzzzzzzz", "abcdefgh", "22222222", "abcdefg", "abcdefghj"):
        yield f"/jobs/senior-software-engineer-{short_id}/"
    yield "/jobs/-/"
    yield f"/jobs/{'a' * 500}-zzzzzzzz/"


def swept_paths(planted: Planted) -> dict[str, list[str]]:
    """Every URL the sweep reads, by route name (SWEPT_ROUTES)."""
    listing = reverse("careers:list")
    paths = {
        "careers:list": [_with_query(listing, query) for query in careers_queries(planted)],
        "careers:posting": list(posting_paths(planted)),
        "sitemap": [reverse("sitemap"), reverse("sitemap") + "?p=2"],
        "robots": [reverse("robots")],
    }
    for name in ("careers:rss", "careers:atom", "careers:indeed", "careers:linkedin"):
        url = reverse(name)
        paths[name] = [url, f"{url}?q={planted.cores[0]}", f"{url}?page=2&limit=100000"]
    return paths


def _with_query(path: str, query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode(query)}" if query else path


def body_of(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    )
    return content.decode("utf-8", errors="replace")


def read(client: Client, url: str):
    try:
        return client.get(url)
    except Exception as error:  # a view that raises is the 500 this sweep is for
        raise AssertionError(f"GET {url} raised {error!r}") from error


def leaks_in(planted: Planted, url: str, response) -> list[str]:
    """The markers a response shows that it must not (body and headers), and other faults."""
    faults = []
    if response.status_code >= 500:
        faults.append(f"{url}: status {response.status_code}")
    if response.cookies or response.has_header("Set-Cookie"):
        faults.append(f"{url}: sets a cookie {list(response.cookies)}")
    text = body_of(response).lower()
    headers = " ".join(f"{name}: {value}" for name, value in response.items()).lower()
    allowed = planted.allowed_at(url)
    for marked, where in planted.forbidden.items():
        if marked in allowed or marked in url.lower():
            continue  # (what the visitor typed, echoed back, is not a leak: an old slug)
        if marked in text:
            faults.append(f"{url}: body shows {where} ({marked})")
        if marked in headers:
            faults.append(f"{url}: a header shows {where} ({marked})")
    return faults


def sweep(planted: Planted, client: Client) -> dict[str, object]:
    """GET every swept URL with `client`; the responses by URL (faults asserted)."""
    responses = {}
    faults = []
    for urls in swept_paths(planted).values():
        for url in urls:
            response = read(client, url)
            faults += leaks_in(planted, url, response)
            responses[url] = response
    assert not faults, "\n".join(faults)
    return responses


# --- the tests ------------------------------------------------------------------------------


def test_every_public_route_is_swept():
    """A public route the sweep does not read fails here: add it to SWEPT_ROUTES and to
    swept_paths()."""
    routes = public_routes()
    assert routes, "no public route found: did the careers namespace move?"
    assert routes <= SWEPT_ROUTES, f"public routes the sweep misses: {routes - SWEPT_ROUTES}"
    for name in SWEPT_ROUTES - {"careers:posting"}:
        assert reverse(name)  # still there, under the name swept


def test_public_routes_are_found_by_where_their_views_live():
    """The discovery itself: the careers namespace and the root routes of the feeds module."""
    routes = public_routes()
    assert {"careers:list", "careers:posting", "sitemap", "robots"} <= routes
    assert not any(name.startswith("jd:") for name in routes)  # publish, close: signed in


@pytest.fixture
def planted(catalog) -> Planted:
    return plant()


def test_no_public_url_shows_anything_unpublished(planted):
    """Cold cache, anonymous: no marker anywhere, the control's title where it belongs."""
    FeedFile.objects.all().delete()
    responses = sweep(planted, Client())
    control_title = planted.control.title.lower()
    must_show = [
        reverse("careers:list"),
        planted.control.get_absolute_url(),
        reverse("careers:rss"),
        reverse("careers:atom"),
        reverse("careers:indeed"),
        reverse("careers:linkedin"),
    ]
    for url in must_show:
        assert responses[url].status_code == 200, url
        assert control_title in body_of(responses[url]).lower(), f"{url} lacks the open posting"
    assert planted.control.get_absolute_url() in body_of(responses[reverse("sitemap")])
    # The reopened posting shows its issued revision, never the draft typed since.
    page = body_of(responses[planted.reopened.get_absolute_url()]).lower()
    assert planted.reopened.title.lower() in page
    assert marker("reopenedpublicsummary") in page
    # Unpublished and made-up postings are not found; the closed one says so (or is gone).
    assert responses[planted.unpublished.get_absolute_url()].status_code == 404
    assert responses["/jobs/senior-software-engineer-zzzzzzzz/"].status_code == 404
    assert responses[planted.closed.get_absolute_url()].status_code in (200, 410)
    for url in must_show[2:]:
        text = body_of(responses[url]).lower()
        assert planted.closed.title.lower() not in text, f"{url} lists the closed posting"
        assert planted.reopened.title.lower() in text, f"{url} lacks the reopened posting"


def test_pages_cached_while_the_owner_is_signed_in_show_nothing_of_them(planted):
    """The owner reads every public URL first (their requests fill the shared cache); an
    anonymous visitor then gets those cached pages, with nothing of the owner's in them."""
    owner = planted.jds[0].owner
    signed_in = Client()
    signed_in.force_login(owner)
    for urls in swept_paths(planted).values():
        for url in urls:
            assert read(signed_in, url).status_code < 500, url
    sweep(planted, Client())


def test_signed_in_pages_are_not_reachable_anonymously(planted):
    """Each JD's pages, the review pages, the library and a made-up share link: a redirect to
    sign in or a 404, showing nothing."""
    client = Client()
    urls = ["/jd/", "/reviews/", "/library/", "/company/", "/shared/x/", "/shared/zqx/"]
    for jd in planted.jds:
        urls += [
            reverse("jd:detail", args=[jd.public_id]),
            reverse("jd:wizard_step", args=[jd.public_id, "posting"]),
        ]
        if jd.latest_revision_id:
            urls += [
                reverse("jd:revision", args=[jd.public_id, 1]),
                reverse("jd:download_revision", args=[jd.public_id, 1, "html"]),
            ]
    urls += [reverse("approvals:submission", args=[s.public_id]) for s in planted.submissions]
    faults = []
    for url in urls:
        response = read(client, url)
        if response.status_code == 302:
            if not response["Location"].startswith(reverse("login")):
                faults.append(f"{url}: redirects to {response['Location']}")
        elif response.status_code != 404:
            faults.append(f"{url}: {response.status_code}, not a sign-in redirect or 404")
        for marked, where in planted.forbidden.items():
            if marked in body_of(response).lower():
                faults.append(f"{url}: shows {where}")
    assert not faults, "\n".join(faults)


def test_the_sweep_sees_a_leak_a_cookie_and_a_server_error():
    """The detector itself, on made-up responses: a marker in the body (any case) or in a
    header, a cookie, a 500; what the visitor typed and the closed page's allowance pass."""
    from django.http import HttpResponse

    planted = Planted()
    planted.forbid(marker("draftsummary"), "a draft's summary")
    planted.forbid(marker("closedtitle"), "the closed posting's title")
    planted.closed = Posting(short_id="abcdefgh")
    planted.closed_page_allows = {marker("closedtitle")}
    leaking = HttpResponse(f"<p>{marker('draftsummary').upper()}</p>")
    assert leaks_in(planted, "/jobs/", leaking) == [
        "/jobs/: body shows a draft's summary (zqxdraftsummaryk)"
    ]
    redirect = HttpResponse(status=301, headers={"Location": f"/x-{marker('draftsummary')}/"})
    assert leaks_in(planted, "/jobs/", redirect) == [
        "/jobs/: a header shows a draft's summary (zqxdraftsummaryk)"
    ]
    assert leaks_in(planted, f"/jobs/x-{marker('draftsummary')}", redirect) == []
    closed_page = HttpResponse(f"Closed: {marker('closedtitle')}")
    assert leaks_in(planted, "/jobs/senior-abcdefgh/", closed_page) == []
    assert leaks_in(planted, "/jobs/", closed_page) != []
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("sessionid", "x")
    assert leaks_in(planted, "/jobs/", with_cookie) == ["/jobs/: sets a cookie ['sessionid']"]
    assert leaks_in(planted, "/jobs/", HttpResponse(status=500)) == ["/jobs/: status 500"]
