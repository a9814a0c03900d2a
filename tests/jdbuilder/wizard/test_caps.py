"""What a step may store: each value and the whole step are capped (on save and as pending input
kept by "Back" and the step links), with a clear message and nothing kept past the cap; and
every free-text field refuses characters the PDF cannot draw (jdbuilder.glyphs)."""

import pytest

from jdbuilder.wizard.fields import CAP_MESSAGE, MAX_STEP_CHARS, MAX_VALUE_CHARS
from tests.support.wizard import page_fields, valid_posting

pytestmark = pytest.mark.django_db

CAP_TEXT = "Some of what was typed on this step was too long to keep"


def stored_size(pending: dict) -> int:
    return sum(len(key) + sum(len(v) for v in values) for key, values in pending.items())


class TestStepCaps:
    def test_a_huge_value_left_by_a_step_link_is_cut_and_said_so(self, start):
        wizard = start()
        response = wizard.submit(
            "posting",
            valid_posting(**{"posting-about_company": "x" * 1_400_000}),
            goto="tools",
        )
        assert response.status_code == 302
        pending = wizard.reload().pending_input["posting"]
        assert len(pending["posting-about_company"][0]) == MAX_VALUE_CHARS
        assert stored_size(pending) <= MAX_STEP_CHARS + 100
        # Back on the step: the message, and the field's own limit.
        html = wizard.get("posting").content.decode()
        assert CAP_TEXT in html
        assert "at most 2000 characters" in html
        assert page_fields(html)["posting-company_name"] == ["Acme Analytics"]

    def test_junk_keys_are_not_kept(self, start):
        wizard = start()
        junk = {f"posting-junk-{n}": "y" * 1000 for n in range(500)}
        wizard.submit("posting", {**valid_posting(), **junk}, goto="tools")
        pending = wizard.reload().pending_input["posting"]
        assert not any("junk" in key for key in pending)
        assert pending["posting-company_name"] == ["Acme Analytics"]

    def test_a_formset_keeps_only_its_rows_and_at_most_the_step_cap(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        area = fields["responsibilities-0-area"][0]
        for index in range(200):  # the formset's row cap, each row far over its size
            fields[f"responsibilities-{index}-text"] = ["z" * 5000]
            fields[f"responsibilities-{index}-area"] = [area]
        fields["responsibilities-TOTAL_FORMS"] = ["200"]
        wizard.submit("responsibilities", fields=fields, goto="skills")
        pending = wizard.reload().pending_input["responsibilities"]
        assert stored_size(pending) <= MAX_STEP_CHARS + 100
        assert "responsibilities-input_capped" in pending
        html = wizard.get("responsibilities").content.decode()
        assert CAP_TEXT in html

    def test_saving_an_oversized_step_is_refused_and_stores_nothing(self, start):
        wizard = start()
        before = wizard.reload()
        saved = (before.choices, before.pending_input, before.lock_version)
        response = wizard.submit(
            "tools", {"tools-other_tools": "Spark\n" + "q" * (MAX_VALUE_CHARS + 1)}
        )
        assert response.status_code == 200
        assert CAP_MESSAGE.split(":")[0] in response.content.decode()
        after = wizard.reload()
        assert (after.choices, after.pending_input, after.lock_version) == saved

    def test_the_largest_legitimate_posting_is_kept_whole(self, start):
        wizard = start()
        long_posting = valid_posting(
            **{
                "posting-summary": "s" * 1200,
                "posting-about_company": "a\r\n" * 30 + "b" * 1900,
                "posting-benefits": "\r\n".join(["benefit " * 10] * 20)[:2000],
                "posting-equal_opportunity": "e" * 2000,
                "posting-how_to_apply": "h" * 1000,
            }
        )
        wizard.submit("posting", long_posting, goto="tools")
        pending = wizard.reload().pending_input["posting"]
        assert "posting-input_capped" not in pending
        assert pending["posting-summary"] == ["s" * 1200]


class TestCharactersThePdfCannotDraw:
    @pytest.mark.parametrize(
        ("field", "text", "named"),
        [
            ("posting-summary", "Join our 東京 team", "“東”, “京”"),
            ("posting-company_name", "Rocket 🚀 Labs", "U+1F680"),
            ("posting-location", "Zürich 🦄", "U+1F984"),
            ("posting-benefits", "Health\n年休", "“年”"),
            ("posting-how_to_apply", "Apply 🎉", "U+1F389"),
        ],
    )
    def test_posting_fields_refuse_them_naming_the_characters(self, start, field, text, named):
        wizard = start()
        before = wizard.reload().choices
        response = wizard.submit("posting", valid_posting(**{field: text}))
        assert response.status_code == 200
        html = response.content.decode()
        assert "The PDF cannot show" in html and named in html
        assert wizard.reload().choices == before

    def test_arabic_is_accepted(self, start):
        wizard = start()
        arabic = "نبحث عن مهندس برمجيات"
        assert (
            wizard.submit("posting", valid_posting(**{"posting-summary": arabic})).status_code
            == 302
        )
        assert wizard.reload().chosen.posting.summary == arabic

    def test_title_custom_responsibility_and_other_tools_refuse_them(self, start):
        wizard = start()
        html = wizard.submit("role", {"role-title": "エンジニア"}).content.decode()
        assert "The PDF cannot show" in html
        fields = wizard.fields("responsibilities")
        blank = next(k for k, v in fields.items() if k.endswith("-text") and v == [""])
        fields[blank] = ["Ship 🚀 weekly"]
        html = wizard.submit("responsibilities", fields=fields).content.decode()
        assert "The PDF cannot show this character: “🚀” (U+1F680)" in html
        html = wizard.submit("tools", {"tools-other_tools": "Spark\n飞书"}).content.decode()
        assert "The PDF cannot show" in html
