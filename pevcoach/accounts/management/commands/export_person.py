import json
import sys

from django.core.management.base import BaseCommand, CommandError

from pevcoach.accounts.export import personal_data
from pevcoach.accounts.models import User
from pevcoach.audit import services as audit


class Command(BaseCommand):
    help = "Write everything PEV Coach holds about one person as JSON (a data-protection request)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, username, output=None, **options):
        person = User.objects.filter(username__iexact=username).first()
        if person is None:
            raise CommandError(f"No account named {username}.")
        data = personal_data(person, for_self=True)
        audit.record(action=audit.Action.EXPORT, obj=person, changes={"by": "manage.py export_person"})
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text + "\n")
