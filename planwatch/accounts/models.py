from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. The only personal data Planwatch holds."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
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

    def __str__(self) -> str:
        return self.name or self.email


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
