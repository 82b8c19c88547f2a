"""The audit log: who read or changed what, when, from where (45 CFR 164.312(b), audit controls).

Append-only in the database, not only in Python: on PostgreSQL a trigger (django-pgtrigger's
`Protect`) refuses UPDATE and DELETE; on SQLite the same triggers are installed after every
migrate (`audit.triggers`). An actor is never deleted (users are deactivated): the actor's
foreign key protects the user, and the username and role are copied as they were."""

from __future__ import annotations

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    READ = "read", "Read"
    SEARCH = "search", "Search"
    DOWNLOAD = "download", "Download"
    CHANGE = "change", "Change"
    SIGN_IN = "sign_in", "Sign-in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Sign-out"
    LOCKED_OUT = "locked_out", "Locked out"
    SECOND_FACTOR = "second_factor", "Second factor"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Failed second factor"


# The actions that read medical information (the case page's "Who read this case").
READ_ACTIONS = (AuditAction.READ, AuditAction.SEARCH, AuditAction.DOWNLOAD)


class AuditKind(models.TextChoices):
    CASE = "case", "Case"
    CASE_LIST = "case_list", "Case list"
    # Lists by their own name, not "Case list 2" (from QA): the object is the run's or the
    # reviewer profile's id.
    REMINDER_RUN = "reminder_run", "Reminders to reviewers, run"
    REVIEWER_CASES = "reviewer_cases", "Reviewer's open cases, profile"
    INTAKE = "intake", "Intake form"
    RECORD = "record", "Medical record"
    WORKSPACE = "workspace", "Reviewer's workspace"
    QUALITY = "quality", "Quality review"
    LETTER = "letter", "Letter"
    # A signed letter's download names which copy left: the parties' (names, the claim) or the
    # public one (8 CCR 9792.10.6(g)(2): nothing that identifies the worker).
    LETTER_PARTY = "letter_party", "Letter, parties' copy"
    LETTER_PUBLIC = "letter_public", "Letter, public copy"
    LETTER_PREVIEW = "letter_preview", "Letter preview"
    NOTICE = "notice", "Notice"
    PROOF = "proof", "Proof of service"
    PRINT = "print", "Print queue"
    # One print run's PDF: every case in it is read (one event per case, see audit_cases).
    PRINT_BATCH = "print_batch", "Print batch"
    API = "api", "API endpoint"
    ADMIN = "admin", "Admin page"
    SETTINGS = "settings", "Settings"
    AUDIT_LOG = "audit_log", "Audit log"
    SESSION = "session", "Session"
    PAGE = "page", "Page"


class AuditEvent(models.Model):
    """One read or change of medical information, or one sign-in event. Never edited."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a user who appears in the log cannot be deleted, only deactivated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copied as they were: the username tried for a failed sign-in, the role at the time.
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    client = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    kind = models.CharField(max_length=24, choices=AuditKind.choices)
    case_number = models.CharField(max_length=40, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    route = models.CharField(max_length=120, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case_number", "created_at"], name="audit_case_time"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        who = self.username or "nobody signed in"
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.kind}"

    def save(self, *args, **kwargs):
        # The log is evidence (45 CFR 164.312(b)): an event, once written, is never changed.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def action_label(self) -> str:
        """The action in words for the search page. A read or change asked for and not done is
        said so (from QA: a form sent back with its errors read "Change" beside its 400):
        refused when the answer was the asker's (4xx: errors in the form, not allowed, out of
        date, or not signed in), failed when it was the server's (5xx). The event itself
        records what was asked, as asked."""
        status = self.status_code or 0
        label = self.get_action_display()
        if self.action not in (*READ_ACTIONS, AuditAction.CHANGE):
            return label  # a sign-in event says what became of it itself
        if self.actor_id is None and (300 <= status < 400 or status == 401):
            # Sent to sign in first (a page or a panel polled after the session ended): nothing
            # was shown or changed (from QA: "Search · Audit log" under nobody).
            return f"{label} refused (not signed in)"
        if status >= 500:
            return f"{label} failed"
        if status >= 400:
            return f"{label} refused"
        return label

    def summary(self) -> str:
        """What the event did, in words, for the search page's "What": a change in Django
        admin (admin_change_summary), or a session event that acts on someone or something
        (from QA: "Sign-out · Session" under the administrator's name, for ending another
        user's sessions; "Settings" for an API token made, with no word of which)."""
        return self.admin_change_summary() or self._session_summary()

    def _session_summary(self) -> str:
        details = self.details if isinstance(self.details, dict) else {}
        event = details.get("event")
        if event == "signed_out_elsewhere":
            if details.get("signed_out"):
                return f"every session of {details['signed_out']} ended"
            if details.get("ended_by"):
                return f"every session ended by {details['ended_by']}"
        if event in ("api_token_created", "api_token_revoked"):
            name = f" “{details['token_name']}”" if details.get("token_name") else ""
            done = "made" if event == "api_token_created" else "revoked"
            return (
                f"API token #{details.get('token_id', '?')}{name} of "
                f"{details.get('client', '?')} {done}"
            )
        return ""

    def admin_change_summary(self) -> str:
        """What a change in Django admin did, from the details AuditedModelAdmin wrote (Django's
        change message), the model by its name: "User #2 “dr-park”: changed Active, Role (now
        Active: no, Role: Reviewer)", "Reviewer profile #7: added licence “CA A12345”" or
        "User #1: not saved: …". Empty for any other event. From QA: the search page said only
        "Admin page 1", though the detail was in the event, then the model's code
        ("accounts.User")."""
        details = self.details if isinstance(self.details, dict) else {}
        model = details.get("model")
        if not model:
            return ""
        done = []
        now = details.get("now") if isinstance(details.get("now"), dict) else {}
        for key in ("added", "changed"):
            entries = details.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str):
                    done.append(entry)
                    continue
                for verb, what in entry.items():
                    what = what if isinstance(what, dict) else {}
                    text = verb
                    if what.get("name"):
                        text += f" {what['name']} “{what.get('object', '')}”"
                    if what.get("fields"):
                        text += " " + ", ".join(what["fields"])
                    if verb == "changed" and not what.get("name") and now:
                        # The record's own fields (not an inline's): their values now.
                        text += " (now " + ", ".join(f"{k}: {v}" for k, v in now.items()) + ")"
                    done.append(text)
        if details.get("deleted"):
            done.append("deleted #" + ", #".join(str(pk) for pk in details["deleted"]))
        refused = details.get("refused")
        if isinstance(refused, list) and refused:
            done.append("not saved: " + "; ".join(str(reason) for reason in refused))
        try:
            model = apps.get_model(model)._meta.verbose_name
            model = model[:1].upper() + model[1:]
        except (LookupError, ValueError):
            pass  # a model gone since: its code, as recorded
        # The object from the address, else as the admin logged it (the password page's
        # address names it otherwise).
        object_id = self.object_id or details.get("object")
        head = f"{model} #{object_id}" if object_id else model
        if details.get("object_name"):
            head += f" “{details['object_name']}”"
        return f"{head}: {'; '.join(done)}" if done else head
