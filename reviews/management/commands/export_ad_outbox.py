"""manage.py export_ad_outbox DIR"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.letters.ad_outbox import ad_outbox_export


class Command(BaseCommand):
    help = (
        "Write each issued determination not yet sent to the Administrative Director into DIR "
        "(<case>-v<version>.pdf and .json; format in reviews/letters/ad_outbox.py) and mark it "
        "sent. Prints one line per copy written."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the copies.")

    def handle(self, *args, directory, **options):
        try:
            written = ad_outbox_export(Path(directory))
        except OSError as exc:
            raise CommandError(f"Cannot write to {directory}: {exc.strerror or exc}") from exc
        for stem in written:
            self.stdout.write(stem)
