from __future__ import annotations

import os

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "corpus")


@pytest.fixture(scope="session")
def analysed_db(tmp_path_factory):
    """A store holding the example corpus, read and grouped (shared by the web tests)."""
    from storyscope.workspace import Workspace
    db = str(tmp_path_factory.mktemp("web") / "web.db")
    with Workspace(db) as ws:
        ws.run_all([EXAMPLES])
    return db
