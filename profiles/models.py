from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from core.money import DEFAULT_CURRENCY, RATE_MAX, AmountValidator, Currency
from profiles.handles import handle_candidates, last_resort_handle
from profiles.timezones import validate_timezone, zone

HANDLE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$"
handle_validator = RegexValidator(
    HANDLE_PATTERN,
    "3–30 characters: lowercase letters, digits and hyphens, starting and ending with a "
    "letter or digit.",
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def free_handle(self, *, name: str, email: str) -> str:
        """A free, valid handle derived from the display name; never from the e-mail address."""
        for candidate in handle_candidates(name=name, email=email):
            if not self.filter(handle=candidate).exists():
                return candidate
        return last_resort_handle()

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        if not user.handle:
            user.handle = self.free_handle(name=user.name, email=email)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on Tandem. The e-mail address logs in; the handle is what others see."""

    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        FREELANCER = "freelancer", "Freelancer"

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField("display name", max_length=80)
    # Public and in URLs (/u/<handle>/): made from the display name, never from the e-mail
    # address, which stays private.
    handle = models.CharField(max_length=30, unique=True, validators=[handle_validator])
    # Blank only for staff accounts made outside sign-up (the admin, mediators).
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log into the admin site (mediators, support)."
    )
    is_active = models.BooleanField(
        default=True, help_text="Unset to deactivate the account instead of deleting it."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return f"{self.name} (@{self.handle})"

    def save(self, *args, **kwargs):
        # Every user has a profile: sign-up, the manager, the admin's add form, factories and
        # fixtures-through-save all pass here, where a hook in one of them would miss the rest.
        creating = self._state.adding
        if not creating:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            Profile.objects.using(self._state.db).get_or_create(user=self)

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        self.handle = (self.handle or "").lower()

    @property
    def is_client(self) -> bool:
        return self.role == self.Role.CLIENT

    @property
    def is_freelancer(self) -> bool:
        return self.role == self.Role.FREELANCER

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or self.handle[:1].upper()

    def get_short_name(self):
        return self.name.split()[0] if self.name else self.handle

    def get_full_name(self):
        return self.name


# --- Profiles --------------------------------------------------------------------------------

OVERVIEW_MAX_LENGTH = 5000
TITLE_MAX_LENGTH = 120
MAX_SKILLS = 15
MAX_WORK_SAMPLES = 24


def normalize_skill(name: str) -> str:
    """The key that makes “ django ”, “Django” and “DJANGO” one skill."""
    return " ".join((name or "").split()).casefold()


class Skill(models.Model):
    """A skill, shared by every profile that lists it. `name` is how it is shown."""

    name = models.CharField(max_length=50)
    normalized = models.CharField(max_length=50, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(normalized=""), name="skill_normalized_not_empty")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.normalized = normalize_skill(self.name)
        super().save(*args, **kwargs)


def default_work_days() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday to Friday


class Profile(models.Model):
    """What others see of a user: one per user, made with the user (User.save)."""

    class Availability(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        NOT_AVAILABLE = "not_available", "Not available"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    # Stored names are made by the server (core.uploads); files are served by a view.
    photo = models.FileField(max_length=200, blank=True)
    photo_thumb = models.FileField(max_length=200, blank=True)
    title = models.CharField("title", max_length=TITLE_MAX_LENGTH, blank=True)
    overview = models.TextField(
        blank=True,
        validators=[
            MaxLengthValidator(
                OVERVIEW_MAX_LENGTH,
                f"Keep the overview under {OVERVIEW_MAX_LENGTH:,} characters "
                "(it has %(show_value)s).",
            )
        ],
    )
    skills = models.ManyToManyField(
        Skill, through="ProfileSkill", related_name="profiles", blank=True
    )
    hourly_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[AmountValidator(RATE_MAX, "rate")],
    )
    rate_currency = models.CharField(
        "currency", max_length=3, choices=Currency.choices, default=DEFAULT_CURRENCY
    )
    availability = models.CharField(max_length=16, choices=Availability.choices, blank=True)
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])
    country = CountryField(blank=True)  # an ISO 3166-1 code; .name is the country's name
    languages = models.JSONField(default=list, blank=True)
    # Working hours, wall-clock times in `timezone`; response times count only these.
    work_start = models.TimeField("working hours start", default=time(9))
    work_end = models.TimeField("working hours end", default=time(17))
    work_days = models.JSONField("working days", default=default_work_days)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gt=0),
                name="profile_rate_positive",
            ),
            models.CheckConstraint(
                condition=Q(work_start__lt=F("work_end")), name="profile_work_hours_ordered"
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("profiles:detail", args=[self.user.handle])

    def clean(self):
        super().clean()
        if self.work_start and self.work_end and self.work_start >= self.work_end:
            raise ValidationError(
                {"work_end": "Working hours must end after they start (e.g. 09:00 to 17:00)."}
            )

    # The role lives on the user (it decides what an account may do); the profile shows it.
    @property
    def role(self) -> str:
        return self.user.role

    def get_role_display(self) -> str:
        return self.user.get_role_display()

    @property
    def tzinfo(self) -> ZoneInfo:
        return zone(self.timezone)

    def local_now(self) -> datetime:
        return timezone.now().astimezone(self.tzinfo)

    @property
    def photo_name(self) -> str:
        return self.photo.name.rsplit("/", 1)[-1] if self.photo else ""

    @property
    def thumb_name(self) -> str:
        """The small square for avatars; the full photo until the thumbnail task has run."""
        target = self.photo_thumb or self.photo
        return target.name.rsplit("/", 1)[-1] if target else ""

    @property
    def photo_url(self) -> str:
        if not self.photo:
            return ""
        return reverse("profiles:photo", args=[self.user.handle, self.photo_name])

    @property
    def thumb_url(self) -> str:
        if not self.photo:
            return ""
        return reverse("profiles:photo", args=[self.user.handle, self.thumb_name])


class ProfileSkill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="profile_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="profile_skills")
    # The order the person listed them in: the first ones are their "top skills".
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="profile_skill_unique")
        ]
        # Who lists a skill, those who list it first first: the order of an exact-skill search.
        indexes = [
            models.Index(fields=["skill", "position", "profile"], name="profileskill_skill_pos")
        ]

    def __str__(self):
        return f"{self.skill} on {self.profile_id}"


class WorkSample(models.Model):
    """A portfolio piece: public ones are seen by every signed-in user, private ones by their owner
    only."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="work_samples")
    title = models.CharField(max_length=120)
    description = models.TextField(
        max_length=2000,
        validators=[MaxLengthValidator(2000, "Keep the description under 2,000 characters.")],
    )
    image = models.FileField(max_length=200, blank=True)
    image_thumb = models.FileField(max_length=200, blank=True)
    link = models.URLField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(
        "public", default=True, help_text="Private samples are visible to you only."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["profile", "position"], name="worksample_profile_pos")]

    def __str__(self):
        return self.title

    @property
    def image_name(self) -> str:
        return self.image.name.rsplit("/", 1)[-1] if self.image else ""

    @property
    def thumb_name(self) -> str:
        target = self.image_thumb or self.image
        return target.name.rsplit("/", 1)[-1] if target else ""


class ProfileSearchDocument(models.Model):
    """PostgreSQL only: the full weighted text of a profile (skills A, title B, overview C).

    Tables of their own rather than columns on Profile: their migrations create them only on
    PostgreSQL (SQLite has no tsvector and no GIN) while Profile stays the same everywhere. On
    PostgreSQL the foreign key is added by the migration with ON DELETE CASCADE, so Django never
    has to touch these tables when a profile is deleted (hence DO_NOTHING, which also keeps
    SQLite from looking for them). Kept up to date by every write of a profile, its skills or its
    user through profiles.search.search_documents_refresh(), with copies of what search filters
    on, so that a search reads one table and joins profiles only for the page it shows.
    """

    profile = models.OneToOneField(
        Profile,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="search_document",
    )
    vector = SearchVectorField()
    # Skills and title only: a match here is a "head" match, ranked before overview mentions.
    head = SearchVectorField(null=True)
    searchable = models.BooleanField(default=False)  # an active freelancer
    availability = models.CharField(max_length=16, blank=True)
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    rate_currency = models.CharField(max_length=3, blank=True)
    skill_ids = ArrayField(models.BigIntegerField(), default=list)  # the skill filter

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="profile_search_vector_gin"),
            GinIndex(fields=["skill_ids"], name="profile_search_skills_gin"),
        ]

    def __str__(self):
        return f"Search document of {self.profile_id}"


class ProfileSearchHead(models.Model):
    """PostgreSQL only: skills and title of a profile, in a narrow table of its own.

    Most searches are for a skill or a role, and a broad one ("python", "designer") matches a
    quarter of all profiles. Ranking them means reading every match; these rows are a fifth of
    the size of the full documents, so that read stays within the latency budget.
    """

    profile = models.OneToOneField(
        Profile,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="search_head",
    )
    head = SearchVectorField()
    searchable = models.BooleanField(default=False)
    availability = models.CharField(max_length=16, blank=True)
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    rate_currency = models.CharField(max_length=3, blank=True)
    skill_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        indexes = [
            GinIndex(fields=["head"], name="profile_search_head_gin"),
            GinIndex(fields=["skill_ids"], name="profile_search_head_skills_gin"),
        ]

    def __str__(self):
        return f"Search head of {self.profile_id}"


class ProfileSearchTerm(models.Model):
    """PostgreSQL only: each word of a profile's head, with the head's ts_rank for that word.

    The rank a one-word query gives the head, worked out when the profile is saved, so a broad
    word ("designer" matches a fifth of all profiles) is ranked by reading an index in rank
    order and stopping after a page, instead of ranking every match. `rank` is exactly
    ts_rank(head, 'word'), so the order is the one ranking every match would give.
    """

    pk = models.CompositePrimaryKey("profile_id", "lexeme")
    profile = models.ForeignKey(
        Profile, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    lexeme = models.TextField()
    rank = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["lexeme", "-rank", "profile"], name="profile_search_term_rank")
        ]

    def __str__(self):
        return f"{self.lexeme} in the search head of {self.profile_id}"


class ResponseTimeRecord(models.Model):
    """One answer: how long, in the responder's working time, something waited for them."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        MESSAGE = "message", "Message"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="response_time_records"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField()
    responded_at = models.DateTimeField()
    business_seconds = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-responded_at"], name="response_user_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_at__gte=F("started_at")), name="response_after_start"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.business_seconds}s"
