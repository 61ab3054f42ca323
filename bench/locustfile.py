"""Load scenario of bench/load.py: coaches and coachees of the Sikasso demo, mixing pages and API.

A coach: home, coaching list, a relationship and a session page, open actions, API lists, an action
created through the API, the offline sync pull. A coachee: home, their actions, an action page, the
sync pull and a push marking an action's note, notifications. Each virtual user has its own web
session and API token, opened before the run by bench/load.py.
"""

import itertools
import json
import os
import random
import uuid
from datetime import date, timedelta
from urllib.parse import quote

from locust import HttpUser, between, task


def _signed_in():
    """Sessions and tokens that bench/load.py opened before the run (PEV_LOAD_USERS): signing in is
    measured apart, so the 60 s measure the journeys, not a burst of Argon2 hashes."""
    with open(os.environ["PEV_LOAD_USERS"], encoding="utf-8") as handle:
        return json.load(handle)


PEOPLE = _signed_in() if "PEV_LOAD_USERS" in os.environ else {}
TAKEN = itertools.count()


class Journey(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    accounts = ()

    def on_start(self):
        self.username = self.accounts[next(TAKEN) % len(self.accounts)]
        person = random.choice(PEOPLE[self.username])
        self.client.cookies.set("sessionid", person["session"])
        self.bearer = {"Authorization": f"Bearer {person['token']}"}
        self.relationships = [r["id"] for r in self.api("/api/v1/relationships").json()]
        self.actions = [a["id"] for a in self.api("/api/v1/actions").json()]
        self.sessions = [s["id"] for s in self.api("/api/v1/sessions").json()]
        self.cursor = None

    def api(self, path, name=None):
        return self.client.get(path, headers=self.bearer, name=name or path.split("?")[0])

    def pull(self):
        query = f"?since={quote(self.cursor)}" if self.cursor else ""
        answer = self.client.get("/api/v1/sync/pull" + query, headers=self.bearer, name="/api/v1/sync/pull")
        if answer.ok:
            self.cursor = answer.json()["cursor"]

    @task(3)
    def home(self):
        self.client.get("/", name="/")

    @task(2)
    def my_actions(self):
        self.client.get("/coaching/actions/", name="/coaching/actions/")

    @task(2)
    def sync_pull(self):
        self.pull()


class Coach(Journey):
    weight = 1
    accounts = ("coach.kadiolo", "coach.bougouni")

    @task(2)
    def coaching_pages(self):
        self.client.get("/coaching/", name="/coaching/")
        if self.relationships:
            self.client.get(f"/coaching/r/{random.choice(self.relationships)}/", name="/coaching/r/[id]/")

    @task(2)
    def session_page(self):
        if self.sessions:
            self.client.get(f"/coaching/s/{random.choice(self.sessions)}/", name="/coaching/s/[id]/")

    @task(2)
    def api_lists(self):
        self.api("/api/v1/sessions")
        self.api("/api/v1/goals")

    @task(1)
    def add_action(self):
        if not self.relationships:
            return
        relationship = self.api(f"/api/v1/relationships/{self.relationships[0]}", name="/api/v1/relationships/[id]")
        if relationship.ok and relationship.json()["status"] == "active":
            self.client.post("/api/v1/actions", headers=self.bearer, name="/api/v1/actions POST", json={
                "id": str(uuid.uuid4()), "relationship": self.relationships[0], "owner": relationship.json()["coachee"],
                "description": "Vérifier le registre de vaccination", "due_date": str(date.today() + timedelta(14))})


class Coachee(Journey):
    weight = 1
    accounts = ("agent.kadiolo", "agent.bougouni")

    @task(2)
    def action_page(self):
        if self.actions:
            self.client.get(f"/coaching/a/{random.choice(self.actions)}/", name="/coaching/a/[id]/")

    @task(1)
    def push_a_note(self):
        if not self.actions:
            return
        action = random.choice(self.actions)
        self.client.post("/api/v1/sync/push", headers=self.bearer, name="/api/v1/sync/push", json={"changes": [{
            "op": str(uuid.uuid4()), "kind": "update", "model": "actions", "id": action,
            "data": {"completion_note": f"Note {random.randint(1, 10**6)}"}}]})

    @task(1)
    def notifications(self):
        self.api("/api/v1/notifications/unread-count")
        self.api("/api/v1/notifications")
