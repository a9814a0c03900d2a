"""The public careers pages (namespace "careers"), mounted at /jobs/; the sitemap and
robots.txt are mounted at the site's root (jdbuilder/urls.py)."""

from django.urls import path, re_path

from jdbuilder.publishing import feeds, public_views
from jdbuilder.publishing.models import SHORT_ID_ALPHABET, SHORT_ID_LENGTH

app_name = "careers"

urlpatterns = [
    path("", public_views.careers, name="list"),
    path("feed.rss", feeds.rss, name="rss"),
    path("feed.atom", feeds.atom, name="atom"),
    path("indeed.xml", feeds.indeed, name="indeed"),
    path("linkedin.xml", feeds.linkedin, name="linkedin"),
    # /jobs/<slug>-<short id>/: the short id finds the posting; a changed title only changes
    # the slug, and the old address redirects.
    re_path(
        rf"^(?P<slug>[-a-z0-9]+)-(?P<short_id>[{SHORT_ID_ALPHABET}]{{{SHORT_ID_LENGTH}}})/$",
        public_views.posting,
        name="posting",
    ),
]
