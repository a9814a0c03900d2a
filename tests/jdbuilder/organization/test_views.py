"""The public logo and brand-colour files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jdbuilder.organization.logo import checked_logo, stored_logo
from tests.support.organization import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def logo():
    return stored_logo(checked_logo(png_bytes(size=(80, 40))))


def test_a_logo_is_served_to_anyone_with_its_type_and_long_cache(client, logo):
    response = client.get(logo.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == bytes(logo.content)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{logo.sha256}"'
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_jpeg_logo_is_served_as_jpeg(client):
    jpeg = stored_logo(checked_logo(jpeg_bytes()))
    url = jpeg.get_absolute_url()
    assert url.endswith(".jpg")
    assert client.get(url)["Content-Type"] == "image/jpeg"


def test_the_url_is_the_logo_name(logo):
    assert logo.get_absolute_url() == f"/company/logo/{logo.sha256}.png"


def test_a_matching_etag_gets_not_modified(client, logo):
    response = client.get(logo.get_absolute_url(), headers={"If-None-Match": f'"{logo.sha256}"'})
    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.parametrize(
    "name",
    [
        "0" * 64 + ".png",  # unknown
        "{sha}.jpg",  # right digest, wrong type
        "{sha}.PNG",
        "{sha}.png.html",
        "{sha}",
        "{sha}.svg",
        "..%2Fsettings.py",
        "{SHA}.png",
    ],
)
def test_any_other_name_is_404(client, logo, name):
    name = name.format(sha=logo.sha256, SHA=logo.sha256.upper())
    response = client.get(reverse("organization:logo", kwargs={"name": name}))
    assert response.status_code == 404


def test_only_reading_is_allowed(client, logo):
    assert client.post(logo.get_absolute_url()).status_code == 405
    assert client.head(logo.get_absolute_url()).status_code == 200


def test_the_brand_css_is_brand_py_s_rule(client):
    response = client.get(reverse("organization:brand_css", kwargs={"colour": "ffd400"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css"
    assert response.content == b".jd-brand-ffd400{--jd-brand:#ffd400;--jd-on-brand:#000000}\n"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["FFD400.css", "fff.css", "ffd40g.css", "ffd400;x.css"])
def test_the_brand_css_refuses_anything_but_six_lower_hex_digits(client, path):
    assert client.get(f"/company/brand/{path}").status_code == 404
