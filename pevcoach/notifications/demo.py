"""Demo notifications: the reminders the demo coaching calls for, and the demo people's choices.

The notifications come from the real rules (overdue actions, evidence to review, the
weekly digest), whatever the hour, for demo accounts only. Their unique keys make a
second run add nothing; the preferences are set to the same values each time.
"""

import datetime

from django.utils import timezone

from pevcoach.accounts.models import User
from pevcoach.notifications import occasions, services
from pevcoach.notifications.models import Kind
from pevcoach.notifications.timing import local

PREFERENCES = {
    # An agent on a basic phone: SMS for what is urgent, no e-mail.
    "agent.kadiolo": {"channels": {Kind.SESSION_TOMORROW: {"email": False, "sms": True},
                                   Kind.ACTION_OVERDUE: {"email": False, "sms": True},
                                   Kind.WEEKLY_DIGEST: {"email": False, "sms": False}},
                      "quiet": (datetime.time(20), datetime.time(7))},
    # A coach who reads e-mail: the digest by e-mail, reminders by SMS.
    "coach.kadiolo": {"channels": {Kind.WEEKLY_DIGEST: {"email": True, "sms": False},
                                   Kind.EVIDENCE_TO_REVIEW: {"email": True, "sms": False}},
                      "quiet": (datetime.time(21), datetime.time(6))},
}


def load_notifications():
    people = {u.username: u for u in User.objects.filter(is_demo=True)}
    for username, choice in PREFERENCES.items():
        if username in people:
            services.save_preferences(by=people[username], channels=choice["channels"],
                                      quiet_start=choice["quiet"][0], quiet_end=choice["quiet"][1])
    now = timezone.now()
    found = [*occasions.sessions(now), *occasions.actions(now), *occasions.goals(now), *occasions.evidence(now),
             *occasions.proposals(now), *occasions.weekly_digests(now, local(now).strftime("%G-W%V"))]
    services.notify([o for o in found if o.recipient.is_demo], now=now)
