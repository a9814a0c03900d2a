"""The words every layer of the builder shares: seniority, status, workplace, steps, sorts.

This module imports nothing of ours, so models, documents, checks, services and views can all
use it without tying themselves to each other.
"""

from __future__ import annotations

from django.db import models


class Seniority(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff"
    PRINCIPAL = "principal", "Principal"

    @property
    def level_shift(self) -> int:
        """How many steps the catalog's default levels (set for mid-level) move."""
        return {"junior": -1, "mid": 0, "senior": 1, "staff": 1, "principal": 2}[self.value]


class WorkplaceType(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class EmploymentType(models.TextChoices):
    """schema.org JobPosting employmentType values."""

    FULL_TIME = "FULL_TIME", "Full-time"
    PART_TIME = "PART_TIME", "Part-time"
    CONTRACTOR = "CONTRACTOR", "Contractor"
    TEMPORARY = "TEMPORARY", "Temporary"
    INTERN = "INTERN", "Internship"


class SalaryPeriod(models.TextChoices):
    """schema.org QuantitativeValue unitText values."""

    YEAR = "YEAR", "per year"
    MONTH = "MONTH", "per month"
    WEEK = "WEEK", "per week"
    DAY = "DAY", "per day"
    HOUR = "HOUR", "per hour"


class WizardStep(models.TextChoices):
    ROLE = "role", "Role"
    RESPONSIBILITIES = "responsibilities", "Responsibilities"
    SKILLS = "skills", "Skills and proficiency"
    TOOLS = "tools", "Tools"
    POSTING = "posting", "Posting details"
    REVIEW = "review", "Review and finalize"


# The steps whose choices come from the role: choosing another role starts them again.
ROLE_DEPENDENT_STEPS: tuple[WizardStep, ...] = (
    WizardStep.RESPONSIBILITIES,
    WizardStep.SKILLS,
    WizardStep.TOOLS,
)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class BlockKind(models.TextChoices):
    """The kinds of reusable content a posting is filled from (jdbuilder.organization)."""

    ABOUT_COMPANY = "about_company", "About the company"
    ABOUT_TEAM = "about_team", "About the team"
    BENEFITS = "benefits", "Benefits"
    EQUAL_OPPORTUNITY = "equal_opportunity", "Equal-opportunity statement"
    HOW_TO_APPLY = "how_to_apply", "How to apply"


class LibrarySort(models.TextChoices):
    """The orders a recruiter can pick in the library; the first is the default."""

    NEWEST = "newest", "Newest first"
    OLDEST = "oldest", "Oldest first"
    TITLE = "title", "Title A–Z"
    COMPANY = "company", "Company A–Z"
