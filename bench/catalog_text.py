"""What the generated catalog says: word pools and seeded generators of its texts.

Role names, alternate titles, task statements and summaries, each drawn from the word pools
below with the `random.Random` the caller passes, so the same seed gives the same texts. Lengths
are kept realistic: names and titles 10-60 characters, task statements 60-200, summaries about
300. No database and no Django here: `bench.generate_catalog` writes the rows.
"""

from __future__ import annotations

import random

# Word pools for names, titles and tasks. Role names are "<field> <job>" with an optional
# qualifier; alternate titles add seniority words, specialties and word orders to that.
QUALIFIERS = [
    "Applied", "Clinical", "Senior", "Field", "Digital", "Industrial", "Regional", "Technical",
    "Quantitative", "Environmental", "Commercial", "Forensic", "Biomedical", "Financial",
    "Marine", "Agricultural", "Civil", "Geospatial", "Retail", "Public Health",
]  # fmt: skip
FIELDS = [
    "Data", "Machine Learning", "Software", "Network", "Cloud", "Security", "Database",
    "Systems", "Analytics", "Research", "Operations", "Quality Assurance", "Web", "Mobile",
    "Robotics", "Computer Vision", "Speech", "Language Technology", "Platform", "Reliability",
    "Infrastructure", "Statistics", "Bioinformatics", "Actuarial", "Supply Chain", "Logistics",
    "Energy", "Manufacturing", "Healthcare Informatics", "Geographic Information",
    "Embedded Systems", "Hardware", "Signal Processing", "Risk", "Fraud", "Pricing",
    "Marketing", "Product", "Customer Insights", "Survey", "Econometrics", "Sensor",
    "Simulation", "Optimization", "Control Systems", "Telecommunications", "Imaging",
    "Laboratory", "Compliance", "Procurement",
]  # fmt: skip
JOBS = [
    "Engineer", "Analyst", "Scientist", "Developer", "Architect", "Technician", "Specialist",
    "Manager", "Consultant", "Administrator", "Programmer", "Researcher", "Coordinator",
    "Designer", "Strategist", "Planner", "Auditor", "Statistician", "Modeler", "Tester",
    "Supervisor", "Director", "Officer", "Advisor", "Operator",
]  # fmt: skip
SENIORITY = [
    "Junior", "Associate", "Senior", "Lead", "Principal", "Staff", "Chief", "Head of",
    "Assistant", "Entry-Level", "Distinguished", "Trainee",
]  # fmt: skip
SUFFIXES = ["I", "II", "III", "IV", "(Contract)", "(Remote)", "Team Lead", "Apprentice"]
SPECIALTIES = [
    "Payments", "Search", "Ranking", "Forecasting", "Pipelines", "Experimentation",
    "Recommendations", "Billing", "Identity", "Storage", "Streaming", "Observability",
    "Compliance", "Onboarding", "Claims", "Inventory", "Routing", "Scheduling", "Sensors",
    "Telemetry", "Genomics", "Imaging", "Trading", "Underwriting", "Ads", "Maps",
]  # fmt: skip

VERBS = [
    "Design", "Build", "Maintain", "Review", "Document", "Monitor", "Evaluate", "Test",
    "Analyze", "Coordinate", "Prepare", "Develop", "Validate", "Audit", "Plan", "Configure",
    "Troubleshoot", "Optimize", "Present", "Train staff on", "Estimate", "Schedule",
    "Deploy", "Investigate", "Automate", "Compile", "Assess", "Standardize", "Inspect",
    "Improve",
]  # fmt: skip
OBJECTS = [
    "data pipelines", "statistical models", "test plans", "production services",
    "database schemas", "dashboards and reports", "cloud infrastructure", "access controls",
    "model training jobs", "experiment designs", "data quality checks", "release procedures",
    "incident reviews", "cost estimates", "API specifications", "user research findings",
    "sensor calibration routines", "forecasting models", "backup and recovery plans",
    "labeling guidelines", "feature stores", "batch scoring jobs", "monitoring alerts",
    "network configurations", "vendor contracts", "survey instruments", "simulation models",
    "security assessments", "maintenance schedules", "training materials",
]  # fmt: skip
CONTEXTS = [
    "for clinical partners", "across regional offices", "with product managers",
    "for the operations team", "in line with company policy", "with external auditors",
    "for new and existing customers", "across several business units",
    "under regulatory requirements", "with the data platform team", "for field technicians",
    "in a multi-cloud environment", "for senior leadership", "with outside vendors",
    "in collaboration with researchers", "for internal tools", "for mobile applications",
    "in high-availability systems", "across time zones", "for quarterly planning",
]  # fmt: skip
PURPOSES = [
    "to reduce manual work and errors", "to meet service-level objectives",
    "so that results can be reproduced", "to identify trends and anomalies early",
    "to support decisions on budgets and staffing", "to keep costs within agreed limits",
    "to comply with privacy and retention rules", "so that releases stay predictable",
    "to improve accuracy over time", "to shorten the time from idea to production",
    "and report progress against agreed goals", "and recommend changes where needed",
    "to keep documentation current and accurate", "to detect failures before users do",
    "", "",
]  # fmt: skip
FOLLOW_UPS = [
    ", keeping written records of each decision and its reasons for later review",
    ", and brief colleagues on what changed and what they need to do differently",
    ", escalating problems that need a decision from management or legal counsel",
    ", and train new team members in the procedures involved",
]
SUMMARY_OPENINGS = [
    "Plans, builds and improves {thing} for the organisation, working from requirements "
    "gathered with colleagues and users.",
    "Owns {thing} from first design to everyday operation, and answers for its quality, cost "
    "and reliability.",
    "Applies specialist knowledge of {field} to problems the business brings, turning them "
    "into measurable work.",
]
SUMMARY_MIDDLES = [
    "Works with {partner} to agree priorities, explains trade-offs in plain language and "
    "keeps stakeholders informed of progress and risks.",
    "Reviews the work of others, shares practices across teams and keeps documentation that "
    "lets newcomers take over without a long handover.",
    "Measures outcomes against agreed targets, investigates problems when they arise and "
    "proposes changes backed by evidence.",
]
SUMMARY_ENDINGS = [
    "Typical employers include hospitals, manufacturers and software companies.",
    "Often part of a small team; larger employers split the role into specialisms.",
    "Senior holders of the role set direction and mentor others.",
]
PARTNERS = ["engineers and analysts", "managers and clients", "researchers and operators"]

TITLE_MIN, TITLE_MAX = 10, 60
TASK_MIN, TASK_MAX = 60, 200


def fits(text: str, low: int, high: int) -> bool:
    """Whether `text` is `low` to `high` characters long."""
    return low <= len(text) <= high


def role_names(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, str, str]]:
    """`count` unique (name, field, job) triples, names 10-60 characters."""
    names: list[tuple[str, str, str]] = []
    seen = set(taken)
    while len(names) < count:
        fld, job = rng.choice(FIELDS), rng.choice(JOBS)
        name = f"{fld} {job}"
        if rng.random() < 0.8 or name.casefold() in seen:
            name = f"{rng.choice(QUALIFIERS)} {name}"
        if name.casefold() in seen or not fits(name, TITLE_MIN, TITLE_MAX):
            continue
        seen.add(name.casefold())
        names.append((name, fld, job))
    return names


def alternate_titles(rng: random.Random, name: str, fld: str, job: str, count: int) -> list[str]:
    """`count` titles for one role, unique ignoring case and different from its name."""
    patterns = [
        lambda: f"{rng.choice(SENIORITY)} {fld} {job}",
        lambda: f"{fld} {job} {rng.choice(SUFFIXES)}",
        lambda: f"{rng.choice(SPECIALTIES)} {job}",
        lambda: f"{fld} {job}, {rng.choice(SPECIALTIES)}",
        lambda: f"{rng.choice(SENIORITY)} {rng.choice(SPECIALTIES)} {job}",
        lambda: f"{job}, {fld}",
        lambda: f"{rng.choice(QUALIFIERS)} {rng.choice(FIELDS)} {job}",
        lambda: f"{rng.choice(SPECIALTIES)} {fld} {rng.choice(JOBS)}",
        lambda: f"{rng.choice(SENIORITY)} {job} {rng.choice(SUFFIXES)}",
    ]
    titles: list[str] = []
    seen = {name.casefold()}
    while len(titles) < count:
        title = rng.choice(patterns)()
        if title.casefold() in seen or not fits(title, TITLE_MIN, TITLE_MAX):
            continue
        seen.add(title.casefold())
        titles.append(title)
    return titles


def task_text(rng: random.Random, fld: str) -> str:
    """One task statement of 60-200 characters, naming the role's field about half the time."""
    while True:
        purpose = rng.choice(PURPOSES)
        parts = [rng.choice(VERBS), rng.choice(OBJECTS)]
        if rng.random() < 0.5:
            parts.append(f"for {fld.lower()} work")
        parts.append(rng.choice(CONTEXTS))
        if purpose:
            parts.append(purpose)
        if rng.random() < 0.3:
            parts.append(rng.choice(FOLLOW_UPS))
        text = " ".join(parts).replace(" ,", ",") + "."
        if fits(text, TASK_MIN, TASK_MAX):
            return text


def summary(rng: random.Random, fld: str) -> str:
    """Two or three sentences, about 300 characters."""
    sentences = [
        rng.choice(SUMMARY_OPENINGS).format(thing=f"{fld.lower()} work", field=fld.lower()),
        rng.choice(SUMMARY_MIDDLES).format(partner=rng.choice(PARTNERS)),
    ]
    if rng.random() < 0.5:
        sentences.append(rng.choice(SUMMARY_ENDINGS))
    return " ".join(sentences)
