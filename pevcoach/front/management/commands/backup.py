from django.core.management.base import BaseCommand

from pevcoach.front.backups import backup


class Command(BaseCommand):
    help = "Back the database and the media files (evidence photos) up into one ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="ZIP file to write, e.g. /backups/pevcoach-2026-01-31.zip")

    def handle(self, *args, file, **options):
        files = backup(file)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {file} (database and {files} media files)."))
