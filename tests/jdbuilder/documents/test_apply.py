"""jdbuilder/documents/apply.py: where a candidate applies, read from "How to apply".

What `apply_target` returns goes into a public page's href, so these tests are mostly about
what it must never return.
"""

from __future__ import annotations

import time

import pytest

from jdbuilder.documents.apply import MAX_LENGTH, READ_AT_MOST, apply_target


class TestWhatItFinds:
    @pytest.mark.parametrize(
        ("text", "target"),
        [
            ("Apply at https://acme.example/jobs/42", "https://acme.example/jobs/42"),
            ("Apply at http://acme.example/jobs", "http://acme.example/jobs"),
            ("HTTPS://ACME.EXAMPLE/JOBS", "HTTPS://ACME.EXAMPLE/JOBS"),
            (
                "Apply at https://acme.example/jobs?ref=site&id=7#form",
                "https://acme.example/jobs?ref=site&id=7#form",
            ),
            ("Send your CV to jobs@acme.example.", "mailto:jobs@acme.example"),
            (
                "E-mail: first.last+jobs@mail.acme.example",
                "mailto:first.last+jobs@mail.acme.example",
            ),
            ("mailto:jobs@acme.example", "mailto:jobs@acme.example"),
        ],
    )
    def test_a_web_address_or_an_e_mail(self, text, target):
        assert apply_target(text) == target

    def test_a_web_address_comes_before_an_e_mail(self):
        text = "Questions to hr@acme.example; apply at https://acme.example/apply."
        assert apply_target(text) == "https://acme.example/apply"

    @pytest.mark.parametrize("text", ["", "Ask at the front desk.", "Call 555-0100", "@acme"])
    def test_nothing_to_link(self, text):
        assert apply_target(text) == ""


class TestPunctuationAndBrackets:
    @pytest.mark.parametrize(
        "text",
        [
            "Apply at https://acme.example/jobs.",
            "Apply at https://acme.example/jobs!",
            "Apply (https://acme.example/jobs).",
            "Apply at <https://acme.example/jobs>",
            'Apply at "https://acme.example/jobs"',
            "Apply at “https://acme.example/jobs”",
            "Apply at [https://acme.example/jobs];",
            "Apply at https://acme.example/jobs, today",
            "Apply at https://acme.example/jobs?",
        ],
    )
    def test_what_surrounds_or_ends_the_sentence_is_not_the_address(self, text):
        assert apply_target(text) == "https://acme.example/jobs"

    def test_an_e_mail_in_angle_brackets(self):
        assert apply_target("Write to <jobs@acme.example>.") == "mailto:jobs@acme.example"


class TestNeverAnythingElse:
    @pytest.mark.parametrize(
        "text",
        [
            "javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            " javascript:alert(1)//https",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://acme.example/cv",
            "//evil.example/apply",
            "xhttps://evil.example",
            "https://",
            "https://[::1",
            "https://.evil.example",
            "https://acme..example",
        ],
    )
    def test_no_other_scheme_and_no_broken_address(self, text):
        assert apply_target(text) == ""

    def test_a_url_inside_a_script_url_is_only_that_web_address(self):
        # The http(s) address is what is linked, never the javascript: around it.
        target = apply_target('javascript:fetch("https://evil.example/x")')
        assert target == "https://evil.example/x"

    def test_a_user_name_in_the_address_hides_the_real_host(self):
        # https://acme.example@evil.example goes to evil.example: not linked, and not read
        # as the e-mail address "acme.example@evil.example" either.
        assert apply_target("Apply at https://acme.example@evil.example/jobs") == ""
        text = "https://acme.example@evil.example/ or write to jobs@acme.example"
        assert apply_target(text) == "mailto:jobs@acme.example"

    def test_a_backslash_ends_the_address(self):
        # Browsers read "\" as "/": https://acme.example\@evil.example would go to evil.
        assert apply_target("https://acme.example\\@evil.example") == "https://acme.example"

    @pytest.mark.parametrize(
        "text",
        [
            "jobs@acme.example?subject=x&bcc=all@acme.example",
            "jobs@acme.example\nBcc: all@evil.example",
        ],
    )
    def test_an_e_mail_link_is_one_plain_address(self, text):
        assert apply_target(text) == "mailto:jobs@acme.example"

    @pytest.mark.parametrize("text", ["a..b@acme.example", ".a@acme.example", "a.@acme.example"])
    def test_a_malformed_local_part_is_skipped(self, text):
        assert apply_target(text) == ""

    def test_every_link_is_http_https_or_mailto(self):
        texts = [
            "javascript:alert('x')",
            "see https://acme.example/a.",
            "jobs@acme.example",
            "<a href=javascript:x>https://acme.example</a>",
        ]
        for text in texts:
            target = apply_target(text)
            assert target == "" or target.lower().startswith(("http://", "https://", "mailto:"))


class TestLongInput:
    def test_a_too_long_address_is_not_linked(self):
        url = "https://acme.example/" + "a" * MAX_LENGTH
        assert apply_target(url) == ""
        assert apply_target(f"{url} or https://acme.example/ok") == "https://acme.example/ok"

    def test_only_the_start_of_a_huge_text_is_read_and_quickly(self):
        hostile = [
            "a" * 1_000_000,
            "a@" + "a." * 500_000,
            ("x" * 60 + "@") * 20_000,
            "https://" + "a" * 1_000_000,
            "." * 1_000_000,
        ]
        started = time.perf_counter()
        for text in hostile:
            assert apply_target(text) == ""
        assert time.perf_counter() - started < 1.0
        late = "x " * READ_AT_MOST + "https://acme.example/late"
        assert apply_target(late) == ""
