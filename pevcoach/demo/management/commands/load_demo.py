from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pevcoach.accounts.models import User
from pevcoach.demo import coaching, sikasso
from pevcoach.indicators.demo import load_demo_data
from pevcoach.notifications.demo import load_notifications


class Command(BaseCommand):
    help = "Load the Sikasso demo (org units, accounts with password demo1234). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Load even though the database holds real (non-demo) accounts.")

    def handle(self, *args, force=False, **options):
        real = User.objects.filter(is_demo=False).count()
        if real and not force:
            raise CommandError(
                f"This database holds {real} non-demo account(s): the demo is meant for an empty or demo "
                "database. Use --force to load it anyway."
            )
        with transaction.atomic():
            sikasso.load_org_units()
            sikasso.load_accounts()
            sikasso.load_invitation()
            load_demo_data()
            coaching.load_coaching()
            load_notifications()
        self.stdout.write(self.style.SUCCESS(
            "Demo loaded: accounts admin, drs.sikasso, coach.kadiolo, agent.kadiolo, coach.bougouni, "
            f"agent.bougouni (password {sikasso.PASSWORD})."
        ))
