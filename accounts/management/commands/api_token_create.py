"""`manage.py api_token_create USERNAME --name NAME [--days N]`: a new API token for an
API-client user; prints the key (shown only this once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Make an API token for an API-client user and print its key (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Made on the command line")
        parser.add_argument("--days", type=int, default=None, help="Default IMR_API_TOKEN_DAYS.")

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username}.")
        try:
            token, key = api_token_create(user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(key)
        self.stderr.write(
            f"Token “{token.name}” for {username}, expires {token.expires_at:%Y-%m-%d}."
        )
