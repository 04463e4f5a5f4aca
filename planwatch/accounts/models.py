from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The demo accounts' domain: `planwatch demo` creates them, production refuses to run with them.
DEMO_DOMAIN = "demo.planwatch.invalid"


def canonical_email(value: str | None) -> str:
    """An e-mail address as Planwatch stores and compares it: no surrounding spaces, lower case.

    Every place that reads a user name (log-in, lock-out counting, password reset, account
    creation, the command line) goes through this, so that ``Victim@…`` and ``victim@…`` are one
    account with one failure count.
    """
    return (value or "").strip().lower()


class UserQuerySet(models.QuerySet):
    def demo(self) -> "UserQuerySet":
        """Active accounts of the demo domain (password "demo"): never in production."""
        return self.filter(is_active=True, email__endswith="@" + DEMO_DOMAIN)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not canonical_email(email):
            raise ValueError("An e-mail address is required.")
        user = self.model(email=canonical_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        # Addresses are stored in canonical form, so an exact match uses the unique index.
        return self.get(email=canonical_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. The only personal data Planwatch holds."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_(
            "The pages switch to it after log-in and e-mails are written in it. Empty: the "
            "language of the pages; e-mails in the site's default language."
        ),
    )
    # What the person wants to be e-mailed about (reporting.models.Notification.Kind).
    notify_round_opened = models.BooleanField(_("a round opens"), default=True)
    notify_returned = models.BooleanField(_("a contribution is returned"), default=True)
    notify_validated = models.BooleanField(_("a contribution is validated"), default=True)
    notify_reminder = models.BooleanField(_("a deadline is near or past"), default=True)
    notify_digest = models.BooleanField(_("daily digest of new submissions"), default=True)
    notify_published = models.BooleanField(_("a round is published"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Stored addresses are lower case (save()); this holds even for rows written by SQL.
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_whatever_the_case",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = canonical_email(self.email)

    def save(self, *args, **kwargs) -> None:
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)

    def wants(self, kind: str) -> bool:
        """Whether the person wants e-mails of this kind (``notify_<kind>``)."""
        return self.is_active and bool(getattr(self, f"notify_{kind}"))

    @property
    def mail_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE


class Role(models.Model):
    """What a person may do: coordinate a plan, report for an actor, assess for an
    organisation, or translate a plan's texts into one language. One person can hold several
    roles; site administrators are superusers."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        FOCAL_POINT = "focal_point", _("focal point")
        ASSESSOR = "assessor", _("civil-society assessor")
        TRANSLATOR = "translator", _("translator")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("For a coordinator: the plan they coordinate. For a translator: the plan."),
    )
    actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("actor"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_(
            "For a focal point: the actor they report for. For an assessor: their "
            "civil-society organisation."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("For a translator: the language they translate into."),
    )

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="coordinator", plan__isnull=False, actor__isnull=True, language=""
                    )
                    | models.Q(
                        kind__in=["focal_point", "assessor"], actor__isnull=False, language=""
                    )
                    | models.Q(kind="translator", plan__isnull=False, actor__isnull=True)
                    & ~models.Q(language="")
                ),
                name="role_has_its_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "plan", "actor", "language"], name="role_unique"
            ),
        ]

    def __str__(self) -> str:
        scope = self.plan or self.actor
        if self.language:
            return f"{self.user}: {self.get_kind_display()} ({scope}, {self.language})"
        return f"{self.user}: {self.get_kind_display()} ({scope})"


class ResetRequest(models.Model):
    """One accepted request for a password-reset e-mail, kept an hour to throttle them
    (planwatch.accounts.throttle). The address typed is stored as a hash: it may be nobody's."""

    address = models.CharField(_("client address"), max_length=64, db_index=True)
    email_hash = models.CharField(_("SHA-256 of the e-mail address"), max_length=64, db_index=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")

    def __str__(self) -> str:
        return f"{self.address} {self.requested_at:%Y-%m-%d %H:%M}"
