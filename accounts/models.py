from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CASE_ADMIN = "case_admin", "Case administrator"
    REVIEWER = "reviewer", "Expert reviewer"
    QUALITY_REVIEWER = "quality_reviewer", "Quality reviewer"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    API_CLIENT = "api_client", "API client"


# Who takes cases in and moves them along: case administrators and system administrators.
CASE_MANAGERS = (Role.CASE_ADMIN, Role.SYSTEM_ADMIN)


class User(AbstractUser):
    """A person or system that signs in. One role each: the role decides what they may see."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CASE_ADMIN)

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
