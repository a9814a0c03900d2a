"""The list steps' rows: reordering through the order inputs (what steps.js keeps in step), custom
rows one at a time up to the caps, the skills' level radios with their descriptors, a bad id's
error on a visible control with the row kept as it was, and the error summary's links."""

import re
from html.parser import HTMLParser

import pytest

from roles.models import ProficiencyLevel, Skill, Task
from tests.support.wizard import page_fields

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """Every element id of a page, with whether it is a visible form control."""

    def __init__(self):
        super().__init__()
        self.visible: set[str] = set()
        self.hidden: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" not in a:
            return
        hidden = tag == "input" and a.get("type") == "hidden"
        if tag in ("input", "select", "textarea") and not hidden:
            self.visible.add(a["id"])
        else:
            self.hidden.add(a["id"])


def summary_links(html: str) -> list[str]:
    block = re.search(r'<section class="alert alert-danger error-summary".*?</section>', html, re.S)
    assert block, "no error summary on the page"
    return re.findall(r'href="#([^"]+)"', block.group(0))


def assert_links_reach_visible_fields(html: str) -> list[str]:
    links = summary_links(html)
    controls = Controls()
    controls.feed(html)
    assert links, "the summary links to no field"
    for anchor in links:
        assert anchor in controls.visible, f"#{anchor} is not a visible control"
    return links


def row_of(fields, step, name, value):
    return next(
        key.split("-")[1]
        for key, values in fields.items()
        if key.endswith(f"-{name}") and values == [str(value)] and key.startswith(step)
    )


class TestResponsibilities:
    def test_one_blank_custom_row_and_no_template_row_posted(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        blanks = [k for k, v in fields.items() if k.endswith("-text") and v == [""]]
        assert len(blanks) == 1
        assert not any("__prefix__" in key for key in fields)
        html = wizard.get("responsibilities").content.decode()
        assert "Add another responsibility" in html
        assert 'id="responsibility-list-template"' in html

    def test_the_order_inputs_set_the_order(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        orders = sorted((int(v[0]), k) for k, v in fields.items() if k.endswith("-order") and v[0])
        # Put the last numbered row first, as the up button (or steps.js after a drag) does.
        last_key = orders[-1][1]
        for position, (_, key) in enumerate([orders[-1], *orders[:-1]], start=1):
            fields[key] = [str(position)]
        moved = int(fields[last_key.replace("-order", "-task")][0])
        assert wizard.submit("responsibilities", fields=fields).status_code == 302
        chosen = wizard.reload().chosen.responsibilities
        assert chosen[0].task == moved
        # The page shows the rows in that order, numbered as saved.
        again = wizard.fields("responsibilities")
        first = row_of(again, "responsibilities", "order", 1)
        assert again[f"responsibilities-{first}-task"] == [str(moved)]

    def test_add_another_without_javascript_keeps_the_row_and_shows_a_new_one(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        blank = next(k for k, v in fields.items() if k.endswith("-text") and v == [""])
        fields[blank] = ["Mentor two junior engineers"]
        # The "Add another responsibility" button: a step link to this step.
        response = wizard.submit("responsibilities", fields=fields, goto="responsibilities")
        assert response.status_code == 302 and response.url == wizard.url("responsibilities")
        again = wizard.fields("responsibilities")
        texts = [v[0] for k, v in again.items() if k.endswith("-text")]
        assert texts.count("Mentor two junior engineers") == 1 and texts.count("") == 1

    def test_custom_rows_are_capped_and_the_add_button_goes(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        total = int(fields["responsibilities-TOTAL_FORMS"][0])
        area = fields["responsibilities-0-area"][0]
        for index in range(total - 1, total + 9):  # the blank row and nine more
            fields[f"responsibilities-{index}-task"] = [""]
            fields[f"responsibilities-{index}-include"] = ["on"]
            fields[f"responsibilities-{index}-text"] = [f"Own duty {index}"]
            fields[f"responsibilities-{index}-area"] = [area]
        fields["responsibilities-TOTAL_FORMS"] = [str(total + 9)]
        assert wizard.submit("responsibilities", fields=fields).status_code == 302
        html = wizard.get("responsibilities").content.decode()
        # Ten saved: no blank row, no button.
        assert "Add another responsibility" not in html
        fields = page_fields(html)
        assert [v for k, v in fields.items() if k.endswith("-text")].count([""]) == 0
        total = int(fields["responsibilities-TOTAL_FORMS"][0])
        fields[f"responsibilities-{total}-task"] = [""]
        fields[f"responsibilities-{total}-include"] = ["on"]
        fields[f"responsibilities-{total}-text"] = ["The eleventh"]
        fields[f"responsibilities-{total}-area"] = [area]
        fields["responsibilities-TOTAL_FORMS"] = [str(total + 1)]
        response = wizard.submit("responsibilities", fields=fields)
        assert "Add at most 10 responsibilities of your own." in response.content.decode()

    def test_custom_text_is_escaped(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        blank = next(k for k, v in fields.items() if k.endswith("-text") and v == [""])
        fields[blank] = ['<script>alert(1)</script>" onmouseover="x']
        assert wizard.submit("responsibilities", fields=fields).status_code == 302
        html = wizard.get("responsibilities").content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x" in html

    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            ("abc", "not a number"),
            ("-3", "not a number"),
            ("999999", "not one of this role&#x27;s tasks"),
            ("foreign", "not one of this role&#x27;s tasks"),
        ],
    )
    def test_a_bad_task_id_shows_on_the_rows_checkbox_and_keeps_the_row(self, start, bad, message):
        wizard = start()
        if bad == "foreign":
            bad = str(Task.objects.exclude(roles__slug="software-engineer").first().pk)
        fields = wizard.fields("responsibilities")
        task = Task.objects.get(pk=fields["responsibilities-0-task"][0])
        before = wizard.reload().choices
        response = wizard.submit("responsibilities", {"responsibilities-0-task": bad})
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        links = assert_links_reach_visible_fields(html)
        assert "id_responsibilities-0-include" in links
        # The row is shown as the page showed it, not as an empty custom row.
        shown = page_fields(html)
        assert shown["responsibilities-0-task"] == [str(task.pk)]
        assert task.text in html
        assert wizard.reload().choices == before
        # Saving the page as shown now works.
        assert wizard.submit("responsibilities", fields=shown).status_code == 302

    def test_a_task_sent_twice_is_an_error_on_the_second_row(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        response = wizard.submit(
            "responsibilities",
            {"responsibilities-1-task": fields["responsibilities-0-task"][0]},
            fields=fields,
        )
        html = response.content.decode()
        assert "This task was sent twice." in html
        assert "id_responsibilities-1-include" in assert_links_reach_visible_fields(html)

    def test_a_custom_row_with_a_bad_area_is_an_error_on_its_select(self, start):
        wizard = start()
        fields = wizard.fields("responsibilities")
        blank = next(k for k, v in fields.items() if k.endswith("-text") and v == [""])
        fields[blank] = ["Own duty"]
        fields[blank.replace("-text", "-area")] = ["9999"]
        html = wizard.submit("responsibilities", fields=fields).content.decode()
        assert "Choose a task area." in html
        assert blank.replace("-text", "-area").join(["id_", ""]) in (
            assert_links_reach_visible_fields(html)
        )


class TestSkills:
    def test_levels_are_radios_described_by_the_whole_descriptor(self, start):
        wizard = start()
        html = wizard.get("skills").content.decode()
        assert "<select" not in html.split('id="added-skill-list"')[0].split("skill-grid")[1]
        for level in ProficiencyLevel.objects.all():
            assert f'id="level-desc-{level.rank}">{level.name}: {level.descriptor}<' in html
            assert f'aria-describedby="level-desc-{level.rank}"' in html
        assert 'role="radiogroup" aria-label="Level of Communication"' in html
        assert 'role="radiogroup" aria-label="Is Communication required?"' in html

    def test_choosing_a_level_radio_saves_it(self, start):
        wizard = start()
        fields = wizard.fields("skills")
        communication = Skill.objects.get(name="Communication")
        row = row_of(fields, "skills", "skill", communication.pk)
        top = ProficiencyLevel.objects.order_by("-rank").first()
        changes = {f"skills-{row}-level": str(top.rank), f"skills-{row}-importance": "required"}
        assert wizard.submit("skills", changes).status_code == 302
        chosen = {item.skill: item for item in wizard.reload().chosen.skills}
        assert chosen[communication.pk].level == top.rank
        assert (
            f'id="id_skills-{row}-level_{top.rank}" checked'
            in wizard.get("skills").content.decode()
        )

    def test_one_added_skill_row_at_a_time(self, start):
        wizard = start()
        html = wizard.get("skills").content.decode()
        assert html.count('class="list-row skill-row skill-added"') == 2  # a row, a template
        assert "Add another skill" in html
        fields = page_fields(html)
        added = next(key for key in fields if key.endswith("-skill") and fields[key] == [""])
        other = Skill.objects.exclude(roles__slug="software-engineer").first()
        fields[added] = [str(other.pk)]
        assert wizard.submit("skills", fields=fields, goto="skills").status_code == 302
        assert other.pk in {item.skill for item in wizard.reload().chosen.skills}
        again = wizard.get("skills").content.decode()
        assert again.count('class="list-row skill-row skill-added"') == 3

    @pytest.mark.parametrize("bad", ["abc", "999999", "1.5"])
    def test_a_bad_skill_id_shows_on_the_rows_checkbox_and_keeps_the_row(self, start, bad):
        wizard = start()
        fields = wizard.fields("skills")
        skill = Skill.objects.get(pk=fields["skills-0-skill"][0])
        response = wizard.submit("skills", {"skills-0-skill": bad})
        assert response.status_code == 200
        html = response.content.decode()
        assert "id_skills-0-include" in assert_links_reach_visible_fields(html)
        assert page_fields(html)["skills-0-skill"] == [str(skill.pk)]

    def test_a_bad_level_shows_on_the_radios(self, start):
        wizard = start()
        html = wizard.submit("skills", {"skills-0-level": "9"}).content.decode()
        assert "Choose a level on the proficiency scale." in html
        assert "id_skills-0-level_1" in assert_links_reach_visible_fields(html)


class TestErrorSummary:
    def test_lists_every_error_with_a_count_and_links(self, start):
        wizard = start()
        response = wizard.submit(
            "posting",
            {
                "posting-company_name": "",
                "posting-location": "",
                "posting-salary_currency": "XXX",
                "posting-workplace_type": "remote",
            },
        )
        html = response.content.decode()
        assert "There are 5 problems on this step" in html or "problems on this step" in html
        links = assert_links_reach_visible_fields(html)
        assert {
            "id_posting-company_name",
            "id_posting-location",
            "id_posting-salary_currency",
            "id_posting-applicant_location",
        } <= set(links)
        assert 'id="error-summary" tabindex="-1"' in html

    def test_one_problem_is_singular_and_step_errors_are_listed(self, start):
        wizard = start()
        fields = {
            k: v
            for k, v in wizard.fields("responsibilities").items()
            if not k.endswith("-include") or "task" not in k
        }
        for key in [k for k in fields if k.endswith("-include")]:
            if fields.get(key.replace("-include", "-task")) != [""]:
                del fields[key]
        html = wizard.submit("responsibilities", fields=fields).content.decode()
        assert "There is 1 problem on this step" in html
        assert "<li>Keep at least one responsibility.</li>" in html

    def test_radio_errors_link_to_the_first_radio(self, start):
        wizard = start()
        html = wizard.submit("role", {"role-seniority": "emperor"}).content.decode()
        assert "id_role-seniority_0" in assert_links_reach_visible_fields(html)

    def test_tool_errors_link_to_a_tool_checkbox(self, start):
        wizard = start()
        html = wizard.submit("tools", {"tools-tools": ["999999"]}).content.decode()
        links = assert_links_reach_visible_fields(html)
        assert links[0].startswith("tool-")

    def test_no_summary_without_errors(self, start):
        assert 'id="error-summary"' not in start().get("posting").content.decode()


def test_step_pages_are_valid_html_with_and_without_errors(start, vnu):
    wizard = start()
    pages = {
        step: wizard.get(step).content.decode()
        for step in ("role", "responsibilities", "skills", "tools", "posting")
    }
    pages["responsibilities with errors"] = wizard.submit(
        "responsibilities", {"responsibilities-0-task": "abc", "responsibilities-1-order": "x"}
    ).content.decode()
    pages["skills with errors"] = wizard.submit("skills", {"skills-0-level": "9"}).content.decode()
    pages["posting with errors"] = wizard.submit(
        "posting", {"posting-company_name": "", "posting-salary_min": "1,2"}
    ).content.decode()
    for name, html in pages.items():
        errors = [str(m) for m in vnu(html) if m.is_error]
        assert not errors, f"{name}:\n" + "\n".join(errors)
