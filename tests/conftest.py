"""Shared test helpers: the path of ../shared (skipped when absent) and fictional fixtures."""
from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "corpus"


def shared_path(*parts: str) -> pathlib.Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared not found: {p} is needed for this test")
    return p


@pytest.fixture
def seeds_dir() -> pathlib.Path:
    return shared_path("seeds")


@pytest.fixture
def ws(tmp_path):
    from storyscope.workspace import Workspace
    w = Workspace(str(tmp_path / "t.db"))
    yield w
    w.close()
