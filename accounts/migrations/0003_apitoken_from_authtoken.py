"""Existing clear-text DRF tokens (rest_framework.authtoken, no longer installed) become hashed
API tokens with the same key, so API clients keep working; tokens of users who are not API
clients are not carried over (tokens are for API clients only). The old table is emptied."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def tokens_hash(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("accounts", "User")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    clients = set(User.objects.filter(role="api_client").values_list("pk", flat=True))
    lifetime = dt.timedelta(days=settings.IMR_API_TOKEN_DAYS)
    for key, user_id, created in rows:
        if user_id not in clients:
            continue
        ApiToken.objects.create(
            user_id=user_id,
            name="Token from before hashing",
            prefix=key[:8],
            key_sha256=hashlib.sha256(key.encode()).hexdigest(),
            created_at=created or timezone.now(),
            expires_at=timezone.now() + lifetime,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken")]

    operations = [migrations.RunPython(tokens_hash, migrations.RunPython.noop)]
