"""The public careers pages: the list of open postings at /jobs/ and each posting's page.

No sign-in. Each view is wrapped in `public_response` (cached under the publishing stamp, ETag,
304) and reads nothing per person: no user, session, CSRF token or messages, so one cached
response is right for everyone and an anonymous visitor gets no cookie. What a view reads of
the query string is exactly what the cache key holds (`_bounded`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from jdbuilder.documents.build import build_document
from jdbuilder.documents.jsonld import script_json
from jdbuilder.mail import absolute_url
from jdbuilder.organization.brand import brand_colours
from jdbuilder.organization.content import organization_content
from jdbuilder.publishing.cache import MAX_PARAMETER_LENGTH, public_response
from jdbuilder.publishing.forms import CareersSearchForm, Facets
from jdbuilder.publishing.models import Posting
from jdbuilder.vocabulary import PostingState

SEARCH_PARAMETERS = ("q", "department", "office", "workplace", "employment")
LIST_PARAMETERS = (*SEARCH_PARAMETERS, "page")
# Only what a row of the list shows: never the stored description or JSON-LD of 20 postings.
LIST_FIELDS = (
    "short_id",
    "slug",
    "title",
    "department",
    "office",
    "location",
    "workplace_type",
    "employment_type",
    "salary_text",
    "first_published_at",
    "published_at",
)
META_DESCRIPTION_LENGTH = 160


@dataclass(frozen=True)
class PublicBrand:
    """What the public layout shows of the organization (templates/publishing/base.html)."""

    company: str  # "" with no organization
    class_name: str = ""
    stylesheet_url: str = ""
    logo_src: str = ""
    logo_width: int = 0
    logo_height: int = 0


def public_brand() -> PublicBrand:
    """The organization's name, colour and logo as the public layout shows them."""
    content = organization_content()
    organization = content.organization
    if organization is None:
        return PublicBrand(company="")
    colours = brand_colours(organization.brand_colour)
    logo = content.logo
    # Our own site-relative URL only, never another host's (as templatetags.branding does).
    path = content.logo_path
    logo_src = path if logo and path.startswith("/") and not path.startswith("//") else ""
    return PublicBrand(
        company=organization.name,
        class_name=colours.class_name,
        stylesheet_url=reverse("organization:brand_css", kwargs={"colour": colours.key}),
        logo_src=logo_src,
        logo_width=logo.width if logo_src else 0,
        logo_height=logo.height if logo_src else 0,
    )


def _bounded(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    """The named query parameters, cut as the cache key cuts them: a page is a function of
    its key, so two long searches sharing a key cannot see each other's text."""
    return {name: request.GET.get(name, "")[:MAX_PARAMETER_LENGTH] for name in names}


def _layout(**context: Any) -> dict[str, Any]:
    return {"brand": public_brand(), **context}


@public_response(parameters=LIST_PARAMETERS)
def careers(request: HttpRequest) -> HttpResponse:
    """Every open posting, newest first, searched and filtered, a page at a time."""
    data = _bounded(request, LIST_PARAMETERS)
    open_postings = Posting.objects.open()
    # One query for the four filters' choices, whatever the number of postings.
    facets = Facets.of(
        open_postings.order_by()
        .values_list("department", "office", "workplace_type", "employment_type")
        .distinct()
    )
    form = CareersSearchForm({name: data[name] for name in SEARCH_PARAMETERS}, facets=facets)
    if form.is_valid():
        postings = open_postings.matching(**form.filters())
        kept = {name: value for name, value in form.cleaned_data.items() if value}
    else:
        # An invalid search lists nothing, not everything: the errors say what to change.
        postings = open_postings.none()
        kept = {}
    paginator = Paginator(postings.only(*LIST_FIELDS), settings.CAREERS_PAGE_SIZE)
    # Not a number: the first page; past the end: the last (Paginator.get_page).
    page_obj = paginator.get_page(data["page"] or 1)
    page_suffix = f"?page={page_obj.number}" if page_obj.number > 1 else ""
    return render(
        request,
        "publishing/careers.html",
        _layout(
            form=form,
            facets=facets,
            page_obj=page_obj,
            postings=page_obj.object_list,
            filtered=bool(kept) or not form.is_valid(),
            query=urlencode(kept),
            canonical_url=None if kept else absolute_url(reverse("careers:list") + page_suffix),
        ),
    )


def _script_json(data: dict[str, Any]) -> SafeString:
    """`data` as JSON for a <script type="application/ld+json"> element, escaped exactly as
    documents.jsonld.jsonld_script_body escapes it: no <, > or & is left to end the element
    or open a comment, so no user text can break out of it."""
    return mark_safe(script_json(data))  # noqa: S308 - every character that could leave the script is escaped


def _apply_action(apply_url: str) -> tuple[str, str]:
    """("web" | "email" | "", the link): what the Apply action of a posting is."""
    if apply_url.startswith(("https://", "http://")):
        return "web", apply_url
    if apply_url.startswith("mailto:"):
        return "email", apply_url
    return "", ""


@public_response()
def posting(request: HttpRequest, slug: str, short_id: str) -> HttpResponse:
    """An open posting's page; a closed one's notice (then 410 Gone); 404 for anything else."""
    found = (
        Posting.objects.select_related("revision")
        .exclude(state=PostingState.UNPUBLISHED)
        .filter(short_id=short_id)
        .first()
    )
    if found is None:
        raise Http404("No such job posting.")
    if found.is_gone():
        return render(request, "publishing/gone.html", _layout(posting=found), status=410)
    if slug != found.slug:
        # The title (and so the slug) changed: one address per posting for search engines.
        return HttpResponsePermanentRedirect(found.get_absolute_url())
    canonical_url = absolute_url(found.get_absolute_url())
    if found.is_closed:
        return render(
            request,
            "publishing/closed.html",
            _layout(posting=found, canonical_url=canonical_url),
        )
    document = build_document(found.revision)
    # The public page shows nothing internal (the pay band) and the posting's own closing
    # date (publishing may have set a new one); the layout's header carries the branding.
    document = replace(document, pay_band=None, branding=None, closing_date=found.closes_on)
    apply_kind, apply_link = _apply_action(found.apply_url)
    return render(
        request,
        "publishing/posting.html",
        _layout(
            posting=found,
            document=document,
            apply_kind=apply_kind,
            apply_link=apply_link,
            canonical_url=canonical_url,
            meta_description=Truncator(found.summary).chars(META_DESCRIPTION_LENGTH),
            jsonld=_script_json(found.jobposting) if found.jobposting else "",
        ),
    )
