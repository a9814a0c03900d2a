import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jdbuilder.accounts import HIRING_MANAGERS, RECRUITERS, ensure_groups
from jdbuilder.demo import (
    HR_GROUP,
    create_demo_flow,
    create_demo_job_description,
    create_demo_organization,
    create_demo_template,
    publish_demo_posting,
)
from roles.models import Role

# username, full name, group, is staff
DEMO_ACCOUNTS = [
    ("manager", "Morgan Manager", HIRING_MANAGERS, False),
    ("manager2", "Sam Second-Manager", HIRING_MANAGERS, False),
    ("recruiter", "Riley Recruiter", RECRUITERS, False),
    ("staff", "Casey Curator", None, True),
    # The approvers of the demo flow: HR review (the HR group), then Compensation (named).
    ("hr", "Harper Reviewer", HR_GROUP, False),
    ("compensation", "Cameron Compensation", None, False),
]


class Command(BaseCommand):
    help = (
        "Create (or reset) one demo account per kind of user, print their passwords, and give "
        "the demo manager one final job description. "
        "For local use only: refuses to run unless DEBUG is on."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts are for local development only; refusing because DEBUG is off."
            )
        ensure_groups()
        Group.objects.get_or_create(name=HR_GROUP)
        rows = []
        with transaction.atomic():
            for username, full_name, group_name, is_staff in DEMO_ACCOUNTS:
                first, _, last = full_name.partition(" ")
                user, _ = get_user_model().objects.get_or_create(username=username)
                user.first_name, user.last_name = first, last
                user.email = f"{username}@demo.invalid"
                user.is_staff = user.is_superuser = is_staff
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save()
                if group_name:
                    user.groups.set([Group.objects.get(name=group_name)])
                kind = group_name or ("staff (admin)" if is_staff else "approver")
                rows.append((username, password, kind))
        if Role.objects.filter(slug="software-engineer").exists():
            users = get_user_model().objects.in_bulk(
                ["manager", "manager2", "recruiter", "staff", "hr", "compensation"],
                field_name="username",
            )
            organization = create_demo_organization(
                manager=users["manager"], manager2=users["manager2"]
            )
            self.stdout.write(
                f"Demo company: {organization.name} (departments, offices, blocks, pay bands)."
            )
            demo = create_demo_job_description(owner=users["manager"])
            self.stdout.write(f"Demo job description: “{demo.title}” (final), owned by manager.")
            posting = publish_demo_posting(job_description=demo, recruiter=users["recruiter"])
            self.stdout.write(f"Demo posting: {settings.SITE_URL}{posting.get_absolute_url()}")
            template = create_demo_template(job_description=demo, staff=users["staff"])
            if template is not None:
                self.stdout.write(f"Demo template: “{template.name}” for Engineering.")
            # After the demo JD is issued, so it stays issued without review.
            flow = create_demo_flow(
                staff=users["staff"], hr=users["hr"], compensation=users["compensation"]
            )
            self.stdout.write(
                f"Demo approval flow: “{flow.name}” (HR review, then Compensation above the band)."
            )
        self.stdout.write("Demo accounts (new passwords on every run):")
        for username, password, kind in rows:
            self.stdout.write(f"  {kind:<16} user: {username:<10} password: {password}")
