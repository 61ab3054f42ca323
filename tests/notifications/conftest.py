"""Fixtures of the notification tests: a relationship, a real SMTP server, an SMS gateway stub, frozen time.

The SMTP server is aiosmtpd on 127.0.0.1 (a free port); the SMS gateway is a stdlib HTTP
server in a thread that answers what the test asks: success, 500, 400, or slowly.
"""

import contextlib
import datetime
import json
import socket
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from pevcoach.coaching import services as coaching

BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")


def bamako(*args):
    """An aware moment in Bamako time: bamako(2025, 3, 11, 8) is 11 March 2025 at 08:00."""
    return datetime.datetime(*args, tzinfo=BAMAKO)


@pytest.fixture
def clock():
    """clock.go(moment) freezes time at moment (and moves it on later calls)."""

    class Clock:
        traveller = None

        def go(self, moment):
            self.stop()
            self.traveller = time_machine.travel(moment, tick=False)
            self.traveller.start()
            return moment

        def stop(self):
            if self.traveller is not None:
                self.traveller.stop()
                self.traveller = None

    clock = Clock()
    yield clock
    clock.stop()


@pytest.fixture
def relationship(cast):
    r = coaching.propose_relationship(by=cast["coach"], coach=cast["coach"], coachee=cast["coachee"],
                                      aims="Réduire l'abandon", rhythm="Une visite par mois")
    return coaching.accept_relationship(by=cast["coachee"], relationship=r)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server; Django's SMTP backend pointed at it. Yields the mailbox."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield mailbox
    controller.stop()


class Gateway:
    """Plays an SMS gateway. `answers` is a queue of (status, body); empty means 200 with an id."""

    def __init__(self):
        self.requests, self.answers, self.delay = [], [], 0.0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with gateway.lock:
                    gateway.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    answer = gateway.answers.pop(0) if gateway.answers else (200, {"id": len(gateway.requests)})
                if gateway.delay:
                    time.sleep(gateway.delay)
                data = json.dumps(answer[1]).encode()
                self.send_response(answer[0])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def bodies(self):
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    """The generic HTTP SMS gateway, configured to post JSON to the stub with a bearer header."""
    stub = Gateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"{stub.url}/send"
    settings.SMS_HTTP_AUTH_HEADER = "Authorization"
    settings.SMS_HTTP_AUTH_VALUE = "Bearer s3cret"
    settings.SMS_HTTP_CONTENT_TYPE = "application/json"
    settings.SMS_HTTP_BODY_TEMPLATE = '{"to": "$to", "text": "$text", "id": "$id"}'
    settings.SMS_TIMEOUT = 2
    yield stub
    stub.close()


@pytest.fixture
def english(cast):
    """The cast reads English: for tests that check message wording (French is the default)."""
    for user in cast.values():
        user.language = "en"
        user.save(update_fields=["language"])
    return cast
