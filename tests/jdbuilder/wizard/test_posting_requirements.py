"""The posting step's two optional requirements: "Education required" (a schema.org credential
category, or not stated) and "Years of experience" (0-40, blank = the seniority's default)."""

import pytest

from jdbuilder.documents.build import build_document
from jdbuilder.vocabulary import EducationLevel
from tests.support.wizard import valid_posting

pytestmark = pytest.mark.django_db

RANGE = "Enter a whole number of years from 0 to 40."


class TestTheFields:
    def test_the_step_offers_both_fields_with_the_seniority_default(self, start):
        html = start().get("posting").content.decode()
        assert '<label for="id_posting-education_requirement"' in html
        assert '<option value="" selected>Not stated</option>' in html
        for level in EducationLevel:
            assert f'<option value="{level.value}">' in html
        assert '<label for="id_posting-experience_years" class="form-label">Years of' in html
        assert 'type="number"' in html and 'min="0"' in html and 'max="40"' in html
        # A new draft is mid-level: blank means its 3 years.
        assert "Leave blank for the mid-level default: 3 years." in html

    def test_the_help_names_the_draft_s_own_seniority(self, start):
        wizard = start()
        wizard.submit("role", {"role-seniority": "principal"})
        html = wizard.get("posting").content.decode()
        assert "Leave blank for the principal default: 10 years." in html


class TestSaving:
    def test_stated_values_are_kept_and_reach_the_document(self, start):
        wizard = start()
        response = wizard.submit(
            "posting",
            valid_posting(
                **{
                    "posting-education_requirement": "bachelor degree",
                    "posting-experience_years": "7",
                }
            ),
        )
        assert response.status_code == 302
        posting = wizard.reload().chosen.posting
        assert (posting.education_requirement, posting.experience_years) == ("bachelor degree", 7)
        document = build_document(wizard.jd)
        assert (document.education_requirement, document.months_of_experience) == (
            "bachelor degree",
            84,
        )
        # The form shows them again as saved.
        html = wizard.get("posting").content.decode()
        assert '<option value="bachelor degree" selected>' in html
        assert 'name="posting-experience_years" id="id_posting-experience_years" value="7"' in html

    def test_zero_years_is_a_statement_not_a_blank(self, start):
        wizard = start()
        response = wizard.submit("posting", valid_posting(**{"posting-experience_years": "0"}))
        assert response.status_code == 302
        assert wizard.reload().chosen.posting.experience_years == 0
        assert build_document(wizard.jd).months_of_experience == 0

    def test_blank_means_not_stated(self, start):
        wizard = start()
        response = wizard.submit(
            "posting",
            valid_posting(**{"posting-education_requirement": "", "posting-experience_years": ""}),
        )
        assert response.status_code == 302
        posting = wizard.reload().chosen.posting
        assert (posting.education_requirement, posting.experience_years) == ("", None)
        document = build_document(wizard.jd)
        assert (document.education_requirement, document.months_of_experience) == ("", None)


class TestRefusals:
    def posting(self, start, **overrides):
        wizard = start()
        response = wizard.submit("posting", valid_posting(**overrides))
        assert response.status_code == 200  # the step again, with the error
        return wizard, response.content.decode()

    @pytest.mark.parametrize("typed", ["41", "-1", "2.5", "five", "1e3", "99999999999999999999"])
    def test_years_outside_0_to_40_or_not_whole_are_refused(self, start, typed):
        wizard, html = self.posting(start, **{"posting-experience_years": typed})
        assert RANGE in html
        assert wizard.reload().chosen.posting.experience_years is None

    @pytest.mark.parametrize("typed", ["doctorate", "Bachelor degree", "<script>"])
    def test_an_education_not_on_the_list_is_refused(self, start, typed):
        wizard, html = self.posting(start, **{"posting-education_requirement": typed})
        assert "Choose an education level from the list." in html
        assert wizard.reload().chosen.posting.education_requirement == ""
