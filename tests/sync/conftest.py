from tests.coaching.conftest import action, relationship, session, soon, template  # noqa: F401 - shared fixtures
