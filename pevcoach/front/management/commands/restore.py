from django.core.management.base import BaseCommand, CommandError

from pevcoach.front.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into a migrated database (empty, or emptied with --flush)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="ZIP file written by `manage.py backup`")
        parser.add_argument("--flush", action="store_true",
                            help="Delete everything in this database first (it is replaced by the backup).")

    def handle(self, *args, file, flush, **options):
        try:
            files = restore(file, flush=flush)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file} (database and {files} media files)."))
