"""Fuzz every operation of the OpenAPI schema in-process: whatever the input, never a server error (5xx).

The app runs over a throw-away database with the small dataset, on SQLite and
on PostgreSQL (which refuses more: NUL characters, 32-bit integer ranges), and
every request carries an admin token, so writes are fuzzed too. Examples are
bounded (20 per operation) to keep the suite quick. The schema is loaded when
the module is imported (schemathesis' lazy fixture loader does not work with
pytest 9); each request is then sent to the app of the engine under test.
"""

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from secnet import registry
from secnet.api.app import create_app
from secnet.api.auth import create_token
from tests.test_api import MINI


def _fuzz_app(url: str):
    registry.load(MINI, db=url)
    app = create_app(url)
    app.state.auth = {"Authorization": f"Bearer {create_token(app.state.engine, 'fuzzer', 'admin')}"}
    return app


_TMP = tempfile.TemporaryDirectory(prefix="secnet-fuzz-")
SQLITE_APP = _fuzz_app(f"sqlite:///{_TMP.name}/fuzz.sqlite")
schema = schemathesis.openapi.from_asgi("/openapi.json", SQLITE_APP)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request):
    if request.param == "sqlite":
        yield SQLITE_APP
        SQLITE_APP.state.engine.dispose()
        _TMP.cleanup()
        return
    pg = _fuzz_app(request.getfixturevalue("pg_server")())
    yield pg
    pg.state.engine.dispose()


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case, app):
    response = case.call(app=app, headers=app.state.auth)
    case.validate_response(response, checks=[not_a_server_error])
