import json
import sys

from django.core.management.base import BaseCommand, CommandError

from pevcoach.accounts.export import export_personal_data
from pevcoach.accounts.models import User


class Command(BaseCommand):
    help = "Write everything PEV Coach holds about one person as JSON (a data-protection request)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", help="File to write (default: standard output).")
        parser.add_argument("--for-self", action="store_true",
                            help="The person asks for their own data: include their own ratings of coaches in "
                                 "full (otherwise only counted, as for anyone else).")

    def handle(self, *args, username, output=None, for_self=False, **options):
        person = User.objects.filter(username__iexact=username).first()
        if person is None:
            raise CommandError(f"No account named {username}.")
        data = export_personal_data(person, for_self=for_self, changes={"by": "manage.py export_person"})
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text + "\n")
