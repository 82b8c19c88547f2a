"""In-app notifications: written beside each e-mail a person is sent (assignments, reminders,
escalations, declines, unassignments), counted on the user's row for the header's bell, read
on their page."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Notification, User

PAGE_SIZE = 25


def site_link(path: str) -> str:
    """A page's address as an e-mail gives it: the path on SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


# The most characters a notification's text keeps (Notification.text).
NOTIFICATION_MAX = 500


def notify(users: Iterable[User], *, text: str, link: str = "", urgent: bool = False) -> int:
    """One notification for each user; their unread count goes up by one."""
    ids = sorted({user.pk for user in users})
    if not ids:
        return 0
    with transaction.atomic():
        Notification.objects.bulk_create(
            Notification(user_id=pk, text=text[:NOTIFICATION_MAX], link=link, urgent=urgent)
            for pk in ids
        )
        User.objects.filter(pk__in=ids).update(notifications_unread=F("notifications_unread") + 1)
    return len(ids)


def notifications_read(
    user: User,
    *,
    ids: Iterable[int] | None = None,
    upto: int | None = None,
    settled: bool = False,
) -> int:
    """Mark the user's notifications read (these `ids`, those up to the id `upto`, or all); the
    unread count follows. `settled`: read by the system, the thing asked being done."""
    with transaction.atomic():
        unread = Notification.objects.filter(user=user, read_at__isnull=True)
        if ids is not None:
            unread = unread.filter(pk__in=list(ids))
        if upto is not None:
            unread = unread.filter(pk__lte=upto)
        marked = unread.update(read_at=timezone.now(), settled=settled)
        left = Notification.objects.filter(user=user, read_at__isnull=True).count()
        User.objects.filter(pk=user.pk).update(notifications_unread=left)
        user.notifications_unread = left
    return marked


def notifications_unread_after(user: User, *, upto: int) -> int:
    """The user's unread notifications newer than the id `upto`: what arrived after a page
    showing the notifications up to `upto` was opened."""
    return Notification.objects.filter(user=user, read_at__isnull=True, pk__gt=upto).count()


def notifications_settled(user: User, *, link: str, text_startswith: str = "") -> int:
    """The user's unread notifications that point at `link` (and whose text starts so) are
    read: what they asked of the user is done or no longer theirs to do (a case accepted,
    submitted, declined or taken back). The unread count follows."""
    unread = Notification.objects.filter(user=user, link=link, read_at__isnull=True)
    if text_startswith:
        unread = unread.filter(text__startswith=text_startswith)
    ids = list(unread.values_list("pk", flat=True))
    return notifications_read(user, ids=ids, settled=True) if ids else 0


def notifications_settled_for_all(*, link: str) -> int:
    """notifications_settled for everyone holding an unread notification that points at `link`
    (a question put to all the administrators, answered meanwhile)."""
    users = User.objects.filter(
        pk__in=Notification.objects.filter(link=link, read_at__isnull=True).values("user_id")
    )
    return sum(notifications_settled(user, link=link) for user in users)
