"""schemathesis over the whole API: every operation of /api/v1/openapi.json, every check.

The schema is read from the app itself (WSGI, in process); requests go through the whole Django
stack with a real bearer token of a coach of the world (tests/security/conftest.py), and every
check runs: no server error, status codes, content types, headers and bodies as documented,
invalid input refused, valid input accepted, authentication enforced (the token is taken off and
spoilt, the answer must change to 401), and so on.

Each operation gets FUZZ_EXAMPLES (default 200) valid examples and as many invalid ones. Path
ids are drawn at random and from the world's records (the coach's own, and others' the coach may
not touch), so the fuzzing reaches the code behind the lookups. Lower FUZZ_EXAMPLES while
working: `FUZZ_EXAMPLES=20 pytest -m fuzz`; the examples are the same at every run unless
FUZZ_RANDOM=1, which draws new ones (run it now and then to find what the fixed ones miss).
The test runs in one database transaction, rolled back after it: nothing it writes reaches
another test.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis import GenerationMode

from pevcoach.accounts.services import issue_api_token

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# The same examples at every run (CI stays reproducible); FUZZ_RANDOM=1 explores new ones each time.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") not in ("1", "True", "true")

# Valid input may still be refused for what no schema can say: a record that does not exist or that
# the caller may not see (404), may see but not change (403), a business rule (400: "the due date is
# already past"), an id already used by other content (409, contract C4), too much at once (413), too
# many failed sign-ins (429: the fuzzer itself trips the login throttle).
ACCEPTED_VALID = ["2xx", "400", "401", "403", "404", "409", "413", "429"]

# Which world record a path id may name, by the path's first segment.
RECORDS = {"relationships": "relationship", "sessions": "session", "goals": "goal", "actions": "action",
           "evidence": "evidence", "feedback": "feedback", "checklists": "checklist", "conflicts": "conflict",
           "notifications": "notification", "org-units": "unit"}


def _known_ids(world, path):
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    kind = next((RECORDS[s] for s in reversed(segments) if s in RECORDS), None)
    if kind is None:
        return []
    return [world["places"][place][kind].pk for place in ("own", "sibling", "other")]


def _strategy(operation, world, mode):
    strategies = [operation.as_strategy(generation_mode=mode)]
    names = [p.name for p in operation.path_parameters]
    if len(names) == 1 and mode == GenerationMode.POSITIVE:
        strategies += [operation.as_strategy(generation_mode=mode, path_parameters={names[0]: str(pk)})
                       for pk in _known_ids(world, operation.path)]
    return st.one_of(strategies)


def _fuzz(strategy, headers):
    """Run FUZZ_EXAMPLES cases of one operation with every check; return how many ran."""
    seen = []

    @hypothesis.settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
                         suppress_health_check=list(hypothesis.HealthCheck),
                         phases=[hypothesis.Phase.generate, hypothesis.Phase.target])
    @hypothesis.given(case=strategy)
    def run(case):
        seen.append(case)
        case.call_and_validate(headers=headers)

    run()
    return len(seen)


@pytest.fixture
def in_process():
    """Serve requests in the test's transaction, as Django's test client does: a request's end must not
    close the database connection that holds it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.fuzz
def test_the_api_survives_fuzzing(world, settings, in_process):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    token = issue_api_token(user=world["roles"]["coach"], label="fuzz")
    # A phone's HTTP stack inflates gzip itself; the in-process client does not, so ask for none.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    config = schemathesis.Config.from_dict({
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED_VALID}},
    })
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=config)
    failures, examples = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                examples += _fuzz(_strategy(operation, world, mode), headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every failure, report all
                failures.append(f"{operation.label} ({mode}): {exc}"[:3000])
    print(f"fuzzing: {examples} examples over {len(list(schema.get_all_operations()))} operations")  # noqa: T201
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
