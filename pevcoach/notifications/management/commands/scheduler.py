"""python manage.py scheduler — enqueue the periodic jobs (reminders, digests, DHIS2 pull) when due.

Safe to run on several machines at once: each (job, slot) is claimed by one of them.
The jobs themselves run in `manage.py db_worker`.
"""

import signal
import socket
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from pevcoach.notifications.scheduler import tick


class Command(BaseCommand):
    help = "Enqueue periodic jobs when their time comes (run alongside db_worker; safe to run several)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit (for cron).")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between ticks (default 30).")

    def handle(self, *args, once=False, interval=30.0, **options):
        self.stopping = threading.Event()
        worker = f"{socket.gethostname()}:{id(self):x}"
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while not self.stopping.is_set():
            close_old_connections()
            for job, slot in tick(worker=worker):
                self.stdout.write(f"enqueued {job} for {slot}")
            if once:
                break
            self.stopping.wait(interval)
        close_old_connections()

    def _stop(self, signum, frame):
        self.stopping.set()
