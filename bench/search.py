"""Freelancer search benchmark: ranked keyword search over 100 000 generated profiles.

    make bench                 # or: .venv/bin/python bench/search.py
    BENCH_QUICK=1 make bench   # 10 000 profiles, for a quick look

Creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tandem_bench), dropped and made again on every run, fills it
with COPY, builds the search documents with the same SQL the services use, then times the real
selector (profiles.selectors.freelancer_search) the way the search page uses it: the count and
the first page of 20 with their skills. Prints p50/p95/max and the EXPLAIN ANALYZE plan of a
typical query, and fails if that plan does not use the GIN index.
"""

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench")
QUICK = os.environ.get("BENCH_QUICK") == "1"
PROFILES = 10_000 if QUICK else 100_000
RUNS = 7  # timed runs per query, after one warm-up
TARGET_P95_MS = 50
SEED = 20261126

QUERIES = [
    # (keywords, filters)
    ("python", {}),
    ("react", {}),
    ("django", {}),
    ("figma", {}),
    ("seo", {}),
    ("developer", {}),
    ("designer", {}),
    ("elixir", {}),
    ("webassembly", {}),
    ("bookkeeping", {}),
    ("react native", {}),
    ("machine learning", {}),
    ("brand identity", {}),
    ("data visualization", {}),
    ("senior backend developer", {}),
    ("product designer saas", {}),
    ("technical writer api", {}),
    ('"design systems"', {}),
    ("django -wordpress", {}),
    ("python or go", {}),
    ("postgresql performance", {}),
    ("accessibility audit", {}),
    ("qwxzvj", {}),
    ("the", {}),
    ("python", {"availability": ["full_time"]}),
    ("figma", {"rate_min": 40, "rate_max": 80, "currency": "USD"}),
    ("kubernetes", {"skills": ["Docker"]}),
    ("copywriting", {"availability": ["part_time", "full_time"], "rate_max": 60}),
]

FIELDS = {
    "engineering": (
        [
            "Python",
            "Django",
            "Django REST framework",
            "Flask",
            "FastAPI",
            "Celery",
            "JavaScript",
            "TypeScript",
            "React",
            "React Native",
            "Next.js",
            "Vue.js",
            "Svelte",
            "Angular",
            "Node.js",
            "Express",
            "HTML",
            "CSS",
            "Tailwind CSS",
            "PostgreSQL",
            "MySQL",
            "MongoDB",
            "Redis",
            "Elasticsearch",
            "GraphQL",
            "REST APIs",
            "WebSockets",
            "Go",
            "Rust",
            "Java",
            "Kotlin",
            "Swift",
            "SwiftUI",
            "iOS",
            "Android",
            "Flutter",
            "C#",
            ".NET",
            "C++",
            "PHP",
            "Laravel",
            "Ruby",
            "Ruby on Rails",
            "Elixir",
            "Scala",
            "AWS",
            "Google Cloud",
            "Azure",
            "Docker",
            "Kubernetes",
            "Terraform",
            "CI/CD",
            "GitHub Actions",
            "Linux",
            "DevOps",
            "Site reliability",
            "Security audits",
            "Penetration testing",
            "Accessibility",
            "Performance tuning",
            "Test automation",
            "Playwright",
            "Cypress",
            "Shopify",
            "WordPress",
            "Webflow",
            "Stripe",
            "WebAssembly",
        ],
        ["developer", "engineer", "architect", "consultant"],
        ["backend", "frontend", "full-stack", "mobile", "platform", "cloud", "web"],
    ),
    "data": (
        [
            "SQL",
            "Python",
            "Data analysis",
            "Data engineering",
            "Data visualization",
            "Machine learning",
            "Deep learning",
            "PyTorch",
            "TensorFlow",
            "pandas",
            "NLP",
            "Computer vision",
            "LLM applications",
            "dbt",
            "Airflow",
            "Spark",
            "Power BI",
            "Tableau",
            "Excel",
            "Statistics",
            "PostgreSQL",
        ],
        ["data scientist", "data engineer", "analyst", "ML engineer"],
        ["analytics", "forecasting", "NLP", "BI", "experimentation"],
    ),
    "design": (
        [
            "Product design",
            "UX design",
            "UI design",
            "UX research",
            "Interaction design",
            "Design systems",
            "Prototyping",
            "Figma",
            "Sketch",
            "Adobe XD",
            "Illustrator",
            "Photoshop",
            "InDesign",
            "After Effects",
            "Motion design",
            "Brand identity",
            "Logo design",
            "Illustration",
            "Typography",
            "3D modelling",
            "Blender",
            "Video editing",
            "Photography",
            "Accessibility",
        ],
        ["designer", "illustrator", "art director", "researcher"],
        ["product", "brand", "UX", "UI", "motion", "visual"],
    ),
    "writing": (
        [
            "Copywriting",
            "Content writing",
            "Technical writing",
            "Editing",
            "Proofreading",
            "Translation",
            "SEO",
            "Content strategy",
            "Social media",
            "Email marketing",
        ],
        ["writer", "copywriter", "editor", "translator"],
        ["technical", "SaaS", "B2B", "marketing", "legal"],
    ),
    "business": (
        [
            "Google Ads",
            "Growth marketing",
            "Product management",
            "Project management",
            "Agile coaching",
            "Scrum",
            "Business analysis",
            "Financial modelling",
            "Bookkeeping",
            "Customer support",
            "Virtual assistance",
            "Recruiting",
            "Excel",
            "SEO",
            "Email marketing",
        ],
        ["manager", "consultant", "marketer", "assistant", "analyst"],
        ["product", "project", "growth", "finance", "operations"],
    ),
}
FIELD_WEIGHTS = {"engineering": 45, "data": 15, "design": 20, "writing": 10, "business": 10}
SENIORITY = ["", "", "Senior ", "Lead ", "Junior ", "Freelance "]
FIRST = """Sam Alex Priya Kofi Lena Diego Hana Tom Amara Lucas Sofia Mateus Emily Noah Chloé
    Arjun Olivia Mikael Fatima Jack Yuki Elena Carlos Grace Omar Anna Ravi Isabella Ben Mia
    Samuel Hannah Leo Zoe Ines Marta Jonas Aisha Kenji Nadia Pablo Sara Tariq Vera Wei Yara"""
LAST = """Rivera Chen Lee Sharma Mensah Fischer Alvarez Suzuki Becker Okafor Martin Rossi Silva
    Walker Williams Dubois Patel Brown Lindqvist Zahra Thompson Tanaka Popescu Mendes Kim Haddad
    Kowalska Kumar Garcia Cohen Jensen Osei Schmidt Nguyen Novak Costa Haas Ito Ali"""
ZONES = [
    ("Europe/Berlin", "DE"),
    ("Europe/Lisbon", "PT"),
    ("Europe/London", "GB"),
    ("America/New_York", "US"),
    ("America/Los_Angeles", "US"),
    ("America/Sao_Paulo", "BR"),
    ("Asia/Kolkata", "IN"),
    ("Asia/Tokyo", "JP"),
    ("Africa/Lagos", "NG"),
    ("Australia/Sydney", "AU"),
    ("Europe/Warsaw", "PL"),
    ("America/Mexico_City", "MX"),
]
SENTENCES = [
    "I help {who} ship {what} with {a} and {b}.",
    "Most of my work is {a}, usually together with {b} and {c}.",
    "Before going freelance I spent {n} years at {who}, where I led work on {what}.",
    "Clients hire me when they need {what} done properly and on time.",
    "I care about clear communication, honest estimates and code or designs that last.",
    "Recent projects include {what} for {who} and a rebuild of an internal tool using {a}.",
    "I am comfortable working across time zones and overlap with most of Europe and the US.",
    "I write things down, so your team can carry on without me.",
    "My background is in {c}, which helps when {what} touches more than one team.",
    "Happy to start with a small paid trial so we can see how we work together.",
]
WHO = ["startups", "agencies", "clinics", "online shops", "SaaS companies", "non-profits",
       "logistics companies", "universities", "fintech teams", "media companies"]  # fmt: skip
# What people say they made, per field: an engineer's overview rarely says "brand refresh".
WHAT = {
    "engineering": ["dashboards", "booking systems", "APIs", "mobile apps", "internal tools",
                    "payment flows", "web shops", "integrations"],
    "data": ["dashboards", "forecasts", "data pipelines", "reports", "experiments", "models"],
    "design": ["brand refreshes", "design systems", "onboarding flows", "landing pages",
               "mobile apps", "packaging"],
    "writing": ["blog posts", "documentation", "newsletters", "case studies", "landing pages",
                "translations"],
    "business": ["campaigns", "financial models", "hiring plans", "roadmaps", "reports",
                 "support processes"],
}  # fmt: skip


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ["DEBUG"] = "false"  # no query log in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(count: int) -> None:
    from django.db import connection

    from profiles.models import Profile, ProfileSkill, Skill, User
    from profiles.skills import KNOWN_SKILLS

    rng = random.Random(SEED)
    names = sorted({name for pool, _, _ in FIELDS.values() for name in pool} | set(KNOWN_SKILLS))
    skill_ids = {}
    for name in names:
        skill_ids[name] = Skill.objects.create(name=name).pk
    fields = list(FIELD_WEIGHTS)
    weights = list(FIELD_WEIGHTS.values())
    skill_weights = {
        field: [1 / (rank + 5) for rank in range(len(pool))]
        for field, (pool, _, _) in FIELDS.items()
    }
    now = datetime.now(UTC).isoformat()

    def profile_rows():
        for i in range(1, count + 1):
            field = rng.choices(fields, weights)[0]
            pool, roles, areas = FIELDS[field]
            # A few skills are far more common than the rest, as on any marketplace (Zipf-like:
            # the most common engineering skill ends up on roughly one profile in six).
            k = rng.randint(3, 10)
            chosen = []
            while len(chosen) < k:
                skill = rng.choices(pool, skill_weights[field])[0]
                if skill not in chosen:
                    chosen.append(skill)
            title = f"{rng.choice(SENIORITY)}{rng.choice(areas)} {rng.choice(roles)}"
            title = title[:1].upper() + title[1:]
            if rng.random() < 0.6:
                title += f": {chosen[0]} and {chosen[1]}"
            sentences = rng.sample(SENTENCES, rng.randint(4, 8))
            overview = " ".join(
                s.format(
                    who=rng.choice(WHO),
                    what=rng.choice(WHAT[field]),
                    a=chosen[0],
                    b=chosen[1],
                    c=rng.choice(pool),
                    n=rng.randint(2, 15),
                )
                for s in sentences
            )
            first, last = rng.choice(FIRST.split()), rng.choice(LAST.split())
            zone, country = rng.choice(ZONES)
            yield {
                "id": i,
                "name": f"{first} {last}",
                "handle": f"{first}-{last}-{i}".lower().replace("é", "e")[:30],
                "title": title,
                "overview": overview,
                "rate": rng.choice([25, 35, 40, 45, 50, 60, 65, 75, 85, 95, 110, 130]),
                "currency": rng.choices(["USD", "EUR", "GBP"], [70, 20, 10])[0],
                "availability": rng.choices(
                    ["full_time", "part_time", "not_available", ""], [45, 35, 15, 5]
                )[0],
                "zone": zone,
                "country": country,
                "skills": chosen,
            }

    user_cols = [
        "id",
        "password",
        "is_superuser",
        "email",
        "name",
        "handle",
        "role",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    profile_cols = [
        "user_id",
        "photo",
        "photo_thumb",
        "title",
        "overview",
        "hourly_rate",
        "rate_currency",
        "availability",
        "timezone",
        "country",
        "languages",
        "work_start",
        "work_end",
        "work_days",
        "created_at",
        "updated_at",
    ]
    link_cols = ["profile_id", "skill_id", "position"]
    tables = (User._meta.db_table, Profile._meta.db_table, ProfileSkill._meta.db_table)
    rows = list(profile_rows())
    with connection.cursor() as cursor:
        raw = cursor.connection  # psycopg 3: COPY, the fastest way in
        with raw.cursor() as cur:
            with cur.copy(f"COPY {tables[0]} ({', '.join(user_cols)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(
                        (r["id"], "!bench", False, f"bench{r['id']}@example.com", r["name"],
                         r["handle"], "freelancer", False, True, now)
                    )  # fmt: skip
            with cur.copy(f"COPY {tables[1]} ({', '.join(profile_cols)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(
                        (r["id"], "", "", r["title"], r["overview"], r["rate"], r["currency"],
                         r["availability"], r["zone"], r["country"], '["English"]', "09:00",
                         "17:00", "[0, 1, 2, 3, 4]", now, now)
                    )  # fmt: skip
            with cur.copy(f"COPY {tables[2]} ({', '.join(link_cols)}) FROM STDIN") as copy:
                for r in rows:
                    for position, skill in enumerate(r["skills"]):
                        copy.write_row((r["id"], skill_ids[skill], position))
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{tables[0]}', 'id'), %s)", [count])


def time_query(q: str, filters: dict) -> float:
    from django.core.paginator import Paginator

    from profiles.selectors import freelancer_search

    started = time.perf_counter()
    page = Paginator(freelancer_search(q=q, **filters), 20).get_page(1)
    list(page.object_list)  # the page and, through prefetch_related, its skills
    page.paginator.count  # noqa: B018 - the count the page shows
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    print(f"Search benchmark: {PROFILES:,} profiles in {urlsplit(BENCH_URL).path.lstrip('/')}")
    t = time.perf_counter()
    recreate_database(BENCH_URL)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from profiles.search import search_documents_refresh
    from profiles.selectors import freelancer_search

    call_command("migrate", verbosity=0)
    print(f"  database and schema      {time.perf_counter() - t:6.1f} s")
    t = time.perf_counter()
    generate(PROFILES)
    print(f"  profiles (COPY)          {time.perf_counter() - t:6.1f} s")
    t = time.perf_counter()
    search_documents_refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*) FROM profiles_profileskill")
        links = cursor.fetchone()[0]
    print(f"  search documents+ANALYZE {time.perf_counter() - t:6.1f} s  ({links:,} skill links)")

    timings: list[float] = []
    print("\n  query                                   results   median ms   max ms")
    for q, filters in QUERIES:
        time_query(q, filters)  # warm-up
        runs = [time_query(q, filters) for _ in range(RUNS)]
        timings.extend(runs)
        found = freelancer_search(q=q, **filters).count()
        label = q + (f"  {filters}" if filters else "")
        print(f"  {label[:38]:<38} {found:>8,}   {statistics.median(runs):9.1f}   {max(runs):6.1f}")

    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    print(
        f"\n  {len(timings)} searches: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(timings):.1f} ms (target p95 ≤ {TARGET_P95_MS} ms)"
    )

    heads, overview_only = freelancer_search(q="python developer").tiers
    plan = heads[:20].explain(analyze=True)
    print("\nEXPLAIN ANALYZE, first page of “python developer”, skills-and-title tier:\n")
    print("\n".join("  " + line for line in plan.splitlines()))
    second = overview_only[:20].explain(analyze=True)
    print("\nEXPLAIN ANALYZE, same query, overview-only tier:\n")
    print("\n".join("  " + line for line in second.splitlines()))
    uses_gin = "profile_search_head_gin" in plan and "profile_search_vector_gin" in second
    print(f"\n  GIN indexes used: {'yes' if uses_gin else 'NO'}")
    with open("/proc/loadavg") as load:
        print(f"  load average during the run: {' '.join(load.read().split()[:3])}")
    if not uses_gin:
        return 1
    if p95 > TARGET_P95_MS:
        print(f"  p95 above the {TARGET_P95_MS} ms target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
