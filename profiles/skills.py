"""Skill names: how a typed name is shown, the limits a list of them keeps, and the well-known
ones offered as suggestions."""

from django.core.exceptions import ValidationError

from profiles.models import MAX_SKILLS, normalize_skill

SKILL_NAME_MAX = 50

# Canonical spellings of common skills. A typed “postgresql” or “node.JS” is shown as here;
# anything else keeps the person's own capitalisation (or gets a capital first letter when
# typed all in lower case).
KNOWN_SKILLS = [
    # Engineering
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
    "Nuxt",
    "Svelte",
    "Angular",
    "Node.js",
    "Express",
    "HTML",
    "CSS",
    "Tailwind CSS",
    "Sass",
    "PostgreSQL",
    "MySQL",
    "SQLite",
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
    # Data
    "SQL",
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
    # Design
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
    # Writing, marketing, business
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
    "Legal research",
]

_CANONICAL = {normalize_skill(name): name for name in KNOWN_SKILLS}


def display_skill_name(name: str) -> str:
    """“  react   native ” → “React Native”; “machine learning” → “Machine learning”."""
    collapsed = " ".join((name or "").split())
    known = _CANONICAL.get(normalize_skill(collapsed))
    if known:
        return known
    if collapsed.islower():
        return collapsed[:1].upper() + collapsed[1:]
    return collapsed


def check_skill_name_length(display: str) -> None:
    if len(display) > SKILL_NAME_MAX:
        raise ValidationError(
            "“%(name)s…” is too long for a skill (at most %(max)s characters).",
            code="too_long",
            params={"name": display[:20], "max": SKILL_NAME_MAX},
        )


def clean_skill_names(names) -> list[str]:
    """Distinct (by normalised name), in the order given, checked against the limits."""
    seen, result = set(), []
    for raw in names:
        display = display_skill_name(raw)
        key = normalize_skill(display)
        if not key or key in seen:
            continue
        check_skill_name_length(display)
        seen.add(key)
        result.append(display)
    if len(result) > MAX_SKILLS:
        raise ValidationError(
            "List at most %(max)s skills (you have %(count)s): keep the ones you want to be "
            "found for.",
            code="too_many",
            params={"max": MAX_SKILLS, "count": len(result)},
        )
    return result
