from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

HANDLE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,28}[a-z0-9])$"
handle_validator = RegexValidator(
    HANDLE_PATTERN,
    "3–30 characters: lowercase letters, digits and hyphens, starting and ending with a "
    "letter or digit.",
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        # Imported here: services import this module.
        from profiles.services import handle_for_new_user

        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        if not user.handle:
            user.handle = handle_for_new_user(name=user.name, email=email)
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
