"""The PDF renderer's fetcher: data: URLs and our own static files load, everything else (any
other host, scheme, path, or a symlink out of static/) is refused, and the renderer uses it."""

from __future__ import annotations

import os

import pytest

from jdbuilder.documents import pdf
from jdbuilder.documents.build import build_document
from jdbuilder.documents.pdf import BASE_URL, BlockedURL, fetch_static, render_pdf
from tests.jdbuilder.documents.pdf_safety import FILE_CANARY, STATIC_DIR, final_revision

pytestmark = pytest.mark.django_db


class TestFetcher:
    def test_data_urls_load(self):
        response = fetch_static("data:text/css;charset=utf-8,body%7Bcolor%3Ared%7D")
        assert response.read() == b"body{color:red}"
        assert response.content_type == "text/css"
        response = fetch_static("data:text/plain;base64,aGVsbG8=")
        assert response.read() == b"hello"

    @pytest.mark.parametrize("name", ["css/print.css", "css/document.css", "fonts/DejaVuSans.ttf"])
    def test_our_static_files_load_from_disk(self, name):
        expected = (STATIC_DIR / name).read_bytes()
        assert fetch_static(f"{BASE_URL}static/{name}").read() == expected
        assert fetch_static((STATIC_DIR / name).as_uri()).read() == expected

    def test_content_types_come_from_the_file_name(self):
        assert fetch_static(f"{BASE_URL}static/css/print.css").content_type == "text/css"
        assert fetch_static(f"{BASE_URL}static/fonts/DejaVuSans.ttf").content_type.startswith(
            "font/"
        )

    @pytest.mark.parametrize(
        "url",
        [
            "{http}/static/css/print.css",
            "{http}/anything",
            "https://example.com/static/css/print.css",
            "https://jdbuilder.invalid.example.com/static/css/print.css",
            "https://user@jdbuilder.invalid/static/css/print.css",
            "https://jdbuilder.invalid:8443/static/css/print.css",
            "http://jdbuilder.invalid/static/css/print.css",
            "https://jdbuilder.invalid/css/print.css",
            "https://jdbuilder.invalid/etc/passwd",
            "https://jdbuilder.invalid/static/../../../etc/passwd",
            "https://jdbuilder.invalid/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "https://jdbuilder.invalid/static/css/../../jdbuilder/settings.py",
            "https://jdbuilder.invalid/static//etc/passwd",
            "https://jdbuilder.invalid/static/css/print.css?v=1",
            "https://jdbuilder.invalid/static/css/",
            "https://jdbuilder.invalid/static/css/missing.css",
            "file:///etc/passwd",
            "file:///etc/hostname",
            "file://localhost/etc/passwd",
            "file://otherhost{static}/css/print.css",
            "file://{static}/../jdbuilder/settings.py",
            "file://{static}/%2e%2e/jdbuilder/settings.py",
            "file://{static}",
            "ftp://127.0.0.1/static/css/print.css",
            "gopher://127.0.0.1/static/css/print.css",
            "javascript:alert(1)",
            "static/css/print.css",
            "/static/css/print.css",
            "//127.0.0.1/static/css/print.css",
        ],
    )
    def test_everything_else_is_refused(self, url, listener):
        url = url.format(http=listener.url, static=STATIC_DIR.as_posix())
        with pytest.raises(BlockedURL):
            fetch_static(url)
        assert listener.requests == []

    def test_a_symlink_out_of_the_static_directory_is_refused(self, tmp_path, settings):
        static = tmp_path / "static"
        (static / "css").mkdir(parents=True)
        (static / "css" / "ok.css").write_text("p{}")
        outside = tmp_path / "outside.txt"
        outside.write_text(FILE_CANARY)
        (static / "css" / "link.css").symlink_to(outside)
        (static / "escape").symlink_to(tmp_path)
        (static / "css" / "inside.css").symlink_to(static / "css" / "ok.css")
        settings.STATICFILES_DIRS = [static]

        assert fetch_static(f"{BASE_URL}static/css/ok.css").read() == b"p{}"
        # A link that stays inside is fine: where the bytes are is what counts.
        assert fetch_static(f"{BASE_URL}static/css/inside.css").read() == b"p{}"
        for url in (
            f"{BASE_URL}static/css/link.css",
            f"{BASE_URL}static/escape/outside.txt",
            (static / "css" / "link.css").as_uri(),
            (static / "escape" / "outside.txt").as_uri(),
        ):
            with pytest.raises(BlockedURL):
                fetch_static(url)

    def test_a_prefixed_static_directory_needs_its_prefix(self, tmp_path, settings):
        static = tmp_path / "vendor"
        static.mkdir()
        (static / "a.css").write_text("a{}")
        settings.STATICFILES_DIRS = [("vendor", static)]
        assert fetch_static(f"{BASE_URL}static/vendor/a.css").read() == b"a{}"
        with pytest.raises(BlockedURL):
            fetch_static(f"{BASE_URL}static/a.css")

    def test_the_renderer_uses_this_fetcher_and_loads_only_our_fonts(
        self, monkeypatch, manager, catalog
    ):
        fetched = []

        def spy(url):
            fetched.append(url)
            return fetch_static(url)

        monkeypatch.setattr(pdf, "fetch_static", spy)
        # Fonts load once per process into the shared font configuration: start a fresh one.
        pdf._font_config.cache_clear()
        revision = final_revision(manager, title="Engineer", posting={})
        render_pdf(build_document(revision))
        assert f"{BASE_URL}static/fonts/DejaVuSans.ttf" in fetched
        assert f"{BASE_URL}static/fonts/DejaVuSans-Bold.ttf" in fetched
        assert all(url.startswith(f"{BASE_URL}static/") for url in fetched), fetched


def test_the_fonts_and_static_files_we_ship_are_regular_files():
    """The fetcher refuses symlinks that leave static/: ours must not be links at all."""
    for path in (STATIC_DIR / "fonts").iterdir():
        assert path.is_file() and not path.is_symlink()
    assert (STATIC_DIR / "fonts" / "DejaVu-LICENSE.txt").read_text().count("Bitstream") > 0
    assert os.access(STATIC_DIR / "css" / "print.css", os.R_OK)
