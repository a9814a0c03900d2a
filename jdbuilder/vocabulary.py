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

    @property
    def months_of_experience(self) -> int:
        """The experience a posting of this seniority asks for when the JD names none
        (JSON-LD experienceRequirements; docs/publishing.md): 1, 3, 5, 8 and 10 years."""
        return {"junior": 12, "mid": 36, "senior": 60, "staff": 96, "principal": 120}[self.value]


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
    """Where a JD is in its life: drafted, in review (frozen as submitted), issued, or ended."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    FINAL = "final", "Final"
    REJECTED = "rejected", "Rejected"


class SubmissionState(models.TextChoices):
    """A submission for approval (jdbuilder.approvals): in review until one decision ends it."""

    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StageCondition(models.TextChoices):
    """When an approval stage applies to a submission; read from the submitted Document."""

    ALWAYS = "always", "Always"
    SALARY_MAX_ABOVE = "salary_max_above", "The salary maximum is above a figure"
    ABOVE_BAND = "above_band", "The salary maximum is above the pay band"
    OUTSIDE_BAND = "outside_band", "The pay range is outside the pay band"


class DocumentSection(models.TextChoices):
    """The parts of a JD a reviewer can comment on."""

    GENERAL = "general", "The whole job description"
    TITLE = "title", "Title and summary"
    ABOUT = "about", "About the company and team"
    RESPONSIBILITIES = "responsibilities", "Responsibilities"
    SKILLS = "skills", "Skills and proficiency"
    TOOLS = "tools", "Tools"
    COMPENSATION = "compensation", "Compensation"
    LOCATION = "location", "Location and workplace"
    BENEFITS = "benefits", "Benefits"
    APPLYING = "applying", "Equal opportunity and how to apply"


class TimelineKind(models.TextChoices):
    """What the JD's timeline records."""

    SUBMITTED = "submitted", "Submitted for approval"
    STAGE_APPROVED = "stage_approved", "Approved a stage"
    APPROVED = "approved", "Approved and issued"
    ISSUED = "issued", "Issued"
    RETURNED = "returned", "Returned for changes"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrew the submission"
    COMMENTED = "commented", "Commented"
    RESOLVED = "resolved", "Resolved a comment"
    SHARED = "shared", "Made a share link"
    SHARE_REVOKED = "share_revoked", "Revoked a share link"
    PUBLISHED = "published", "Published on the careers page"
    REPUBLISHED = "republished", "Published a new revision"
    KEPT_PUBLISHED = "kept_published", "Kept the published revision"
    UNPUBLISHED = "unpublished", "Unpublished"
    CLOSED = "closed", "Closed the posting"
    REOPENED = "reopened", "Reopened the posting"
    CLOSING_CHANGED = "closing_changed", "Changed the closing date"
    CLOSING_REMINDED = "closing_reminded", "Reminded of the closing date"


class PostingState(models.TextChoices):
    """A JD's public posting (jdbuilder.publishing): open on the careers page and in the feeds,
    closed (its page says so, then answers 410), or taken down."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    UNPUBLISHED = "unpublished", "Unpublished"


class EducationLevel(models.TextChoices):
    """What a posting may state as required education: schema.org EducationalOccupational-
    Credential's credentialCategory values, as Google documents them."""

    HIGH_SCHOOL = "high school", "High school diploma"
    ASSOCIATE = "associate degree", "Associate degree"
    BACHELOR = "bachelor degree", "Bachelor's degree"
    PROFESSIONAL_CERTIFICATE = "professional certificate", "Professional certificate"
    POSTGRADUATE = "postgraduate degree", "Postgraduate degree"


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
