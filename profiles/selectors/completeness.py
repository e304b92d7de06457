"""How complete a profile is: a percentage and the concrete steps still to do."""

from dataclasses import dataclass, field

from django.db.models import Count

from profiles.models import Profile, User

OVERVIEW_MIN_WORDS = 100
CLIENT_OVERVIEW_MIN_WORDS = 30
MIN_SKILLS = 3


@dataclass(frozen=True)
class Step:
    key: str
    label: str  # what to do, e.g. "Add a profile photo"
    done: bool
    weight: int
    detail: str = ""  # where they are, e.g. "2 of 3"
    anchor: str = ""  # the field on the edit page


@dataclass(frozen=True)
class Completeness:
    percent: int
    steps: list[Step] = field(default_factory=list)
    profile: Profile | None = None  # the profile measured, for pages that show it too

    @property
    def todo(self) -> list[Step]:
        return [step for step in self.steps if not step.done]

    @property
    def complete(self) -> bool:
        return self.percent >= 100

    def as_dict(self) -> dict:
        return {
            "percent": self.percent,
            "steps": [
                {"key": s.key, "label": s.label, "done": s.done, "detail": s.detail}
                for s in self.steps
            ],
        }


def _words(text: str) -> int:
    return len((text or "").split())


def profile_completeness(*, profile: Profile, skill_count: int, sample_count: int) -> Completeness:
    """0–100 % with the concrete next steps, for the person's own role."""
    words = _words(profile.overview)
    if profile.user.is_freelancer:
        steps = [
            Step("photo", "Add a profile photo", bool(profile.photo), 15, anchor="photo"),
            Step(
                "title",
                "Add a title that says what you do",
                bool(profile.title),
                10,
                anchor="id_title",
            ),
            Step(
                "overview",
                f"Write an overview of at least {OVERVIEW_MIN_WORDS} words",
                words >= OVERVIEW_MIN_WORDS,
                20,
                detail=f"{words} of {OVERVIEW_MIN_WORDS} words",
                anchor="id_overview",
            ),
            Step(
                "skills",
                f"Add {MIN_SKILLS} skills",
                skill_count >= MIN_SKILLS,
                15,
                detail=f"{min(skill_count, MIN_SKILLS)} of {MIN_SKILLS}",
                anchor="id_skills",
            ),
            Step(
                "rate",
                "Set your hourly rate",
                profile.hourly_rate is not None,
                10,
                anchor="id_hourly_rate",
            ),
            Step(
                "availability",
                "Say when you're available",
                bool(profile.availability),
                5,
                anchor="id_availability_0",
            ),
            Step(
                "timezone", "Choose your timezone", bool(profile.timezone), 10, anchor="id_timezone"
            ),
            Step("sample", "Add a work sample", sample_count > 0, 15, anchor="samples"),
        ]
    else:
        steps = [
            Step("photo", "Add a profile photo", bool(profile.photo), 25, anchor="photo"),
            Step(
                "title",
                "Add your company or a headline",
                bool(profile.title),
                25,
                anchor="id_title",
            ),
            Step(
                "overview",
                f"Tell freelancers about you in at least {CLIENT_OVERVIEW_MIN_WORDS} words",
                words >= CLIENT_OVERVIEW_MIN_WORDS,
                25,
                detail=f"{words} of {CLIENT_OVERVIEW_MIN_WORDS} words",
                anchor="id_overview",
            ),
            Step(
                "timezone", "Choose your timezone", bool(profile.timezone), 25, anchor="id_timezone"
            ),
        ]
    percent = sum(step.weight for step in steps if step.done)
    return Completeness(percent=percent, steps=steps, profile=profile)


def completeness_for_user(*, user: User) -> Completeness:
    """Completeness of the user's own profile: one query for the profile and both counts."""
    profile = (
        Profile.objects.select_related("user")
        .annotate(
            skill_count=Count("profile_skills", distinct=True),
            sample_count=Count("work_samples", distinct=True),
        )
        .get(user=user)
    )
    return profile_completeness(
        profile=profile, skill_count=profile.skill_count, sample_count=profile.sample_count
    )
