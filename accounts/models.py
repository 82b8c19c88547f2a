from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class Role(models.TextChoices):
    CASE_ADMIN = "case_admin", "Case administrator"
    REVIEWER = "reviewer", "Expert reviewer"
    QUALITY_REVIEWER = "quality_reviewer", "Quality reviewer"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    API_CLIENT = "api_client", "API client"


# Every role that people sign in with must give a second factor (README "Authentication");
# the API client role is a system with a token and never signs in to the web pages.
SECOND_FACTOR_ROLES = tuple(role for role in Role if role != Role.API_CLIENT)

# Who takes cases in and moves them along: case administrators and system administrators.
CASE_MANAGERS = (Role.CASE_ADMIN, Role.SYSTEM_ADMIN)


class RoleUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`createsuperuser` makes the first system administrator: Django's admin opens only to
        that role (accounts.admin), so a superuser with the default role could not get in."""
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        if extra_fields["role"] != Role.SYSTEM_ADMIN:
            # User.save would quietly make it an ordinary user without the admin flags.
            raise ValueError("A superuser has the system administrator role.")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person or system that signs in. One role each: the role decides what they may see."""

    objects = RoleUserManager()

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CASE_ADMIN)
    # Kept with the user (accounts.notifications), so the header's bell costs no query per page.
    notifications_unread = models.PositiveIntegerField(default=0)
    # Raised by "Sign out everywhere else": it is part of every session's check (below), so
    # every session but the one that asked stops at its next request.
    sessions_epoch = models.PositiveIntegerField(default=0)

    def save(self, *args, **kwargs):
        """Django's admin is the system administrators' (accounts.admin): the role alone decides
        is_staff and is_superuser, so promoting a user is one choice, not three that must agree,
        and every way a user is saved (the admin, seed_demo, createsuperuser) keeps to it."""
        self.is_staff = self.is_superuser = self.is_system_admin
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        """Django's check that a session still belongs to this user (an HMAC of the password
        hash, so a password change ends other sessions), with the sessions epoch added once
        raised. At 0 it is Django's own, so no session ends when this was deployed."""
        if not self.sessions_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.User.sessions_epoch",
            f"{self.password}:{self.sessions_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        """How pages, rows and the case history name a person: the full name, else the
        username."""
        return self.get_full_name() or self.username

    @property
    def is_case_admin(self) -> bool:
        return self.role == Role.CASE_ADMIN

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_quality_reviewer(self) -> bool:
        return self.role == Role.QUALITY_REVIEWER

    @property
    def is_system_admin(self) -> bool:
        return self.role == Role.SYSTEM_ADMIN

    @property
    def is_api_client(self) -> bool:
        return self.role == Role.API_CLIENT

    @property
    def can_manage_cases(self) -> bool:
        """Case administrators and system administrators take cases in and move them along."""
        return self.role in CASE_MANAGERS

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES


def display_names(usernames) -> dict[str, str]:
    """Each user's name as the pages show it now (User.display_name), by username, in one
    query: for records that kept a username only (the audit log, older case events). A
    username no user has any more is left out."""
    if not usernames:
        return {}
    found = User.objects.filter(username__in=set(usernames)).only(
        "username", "first_name", "last_name"
    )
    return {user.username: user.display_name for user in found}


class ApiToken(models.Model):
    """A token an API client sends as `Authorization: Token <key>`. Only the SHA-256 of the key
    is stored (the key is shown once, when made); it belongs to one API-client user, expires,
    and can be revoked (HIPAA 45 CFR 164.312(d): person or entity authentication)."""

    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        limit_choices_to={"role": Role.API_CLIENT},
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. the claims system.")
    # The first characters of the key, so a token can be told apart in lists and logs.
    prefix = models.CharField(max_length=12)
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Notification(models.Model):
    """An in-app notice beside the e-mail: a reminder, an escalation, a decline, an unassignment.
    Shown under the header's bell until read (accounts.notifications)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    urgent = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Read by the system, not the user: what it asked is done or is no longer theirs to do
    # (accounts.notifications.notifications_settled). From QA: the page said "read" of a
    # notification its user had never opened.
    settled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "-created"], name="notification_user_created")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text[:40]}"


LAST_SYSTEM_ADMIN = (
    "{name} is the only active system administrator: after this change no one could manage "
    "users, second factors, letter settings or holidays. Give another user the system "
    "administrator role first."
)


def last_system_admin_refusal(user: User, *, role: str, is_active: bool) -> str:
    """Why a change of `user` to `role` and `is_active` is refused, or "": the last active
    system administrator keeps the role, so someone can always manage the users. Called in the
    save's transaction."""
    if role == Role.SYSTEM_ADMIN and is_active or user.pk is None:
        return ""
    # Locked until the save commits (Django admin saves in a transaction): two administrators
    # demoting each other at once cannot both see the other still there.
    admins = set(
        User.objects.select_for_update()
        .filter(role=Role.SYSTEM_ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if user.pk not in admins or admins - {user.pk}:
        return ""
    return LAST_SYSTEM_ADMIN.format(name=user.display_name)


class FormTokenUse(models.Model):
    """A one-use form token (accounts.form_tokens) that was used: the unique row makes the use
    atomic, so two posts of the same form at once (a double click past the page's guard, two
    requests racing) cannot both make what the form makes. Rows older than a day are pruned
    as new ones come (a token is issued for a page the user has open)."""

    token = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Form token used {self.used_at:%m/%d/%Y %H:%M}"
