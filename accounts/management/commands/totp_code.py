"""`manage.py totp_code USERNAME`: the code a demo user's authenticator app would show now.
For demos and testers only: refused unless DEBUG is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from accounts.models import User
from accounts.second_factor import totp_device


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's confirmed device (only with DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("totp_code is for demos: it runs only with DEBUG on.")
        user = User.objects.filter(username=username).first()
        device = totp_device(user) if user is not None else None
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator app.")
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
