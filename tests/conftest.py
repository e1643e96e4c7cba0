"""Shared fixtures: a fresh copy of the bundled data in tmp_path, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wijkctl.cli import app

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "wijkctl" / "data"
# The bundled data without its organisations: the tests' own starting point, which a
# change to the bundled history does not move.
BASE = REPO / "tests" / "fixtures" / "base-data"
FILES = ("wijken.yaml", "verbinders.yaml", "subsidieregeling.yaml")


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    """Each test its own parse cache, never the user's; and every write in every test
    proves that its spliced text equals a full canonical dump (else exit 1)."""
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", "1")


def copy_data(source: Path, parent: Path) -> Path:
    """A writable copy of the data set in `source`, as `parent/data`."""
    target = parent / "data"
    target.mkdir()
    for name in FILES:
        shutil.copy(source / name, target / name)
    return target


@pytest.fixture
def datadir(tmp_path: Path) -> Path:
    """A writable copy of the base data set (the bundled one without organisations)."""
    return copy_data(BASE, tmp_path)


def git(cwd: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(datadir: Path, monkeypatch) -> Path:
    """The data directory committed in a fresh git repository (its parent)."""
    for var, value in (("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "t@example.org"),
                       ("GIT_COMMITTER_NAME", "Test"), ("GIT_COMMITTER_EMAIL", "t@example.org")):
        monkeypatch.setenv(var, value)
    root = datadir.parent
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "data")
    return root


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    """Every file in `folder`, byte for byte (also catches leftover temp files)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class Run:
    """Invoke wijkctl in-process against one data directory."""

    def __init__(self, datadir: Path):
        self.datadir = datadir
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None):
        return self.runner.invoke(app, ["--data-dir", str(self.datadir), *args], env=env)


@pytest.fixture
def run(datadir: Path) -> Run:
    return Run(datadir)


@pytest.fixture
def unchanged(datadir: Path):
    """Assert, after the test body, that no data file changed: use as `with unchanged():`."""
    from contextlib import contextmanager

    @contextmanager
    def guard():
        before = snapshot_bytes(datadir)
        yield
        assert snapshot_bytes(datadir) == before

    return guard


MEMBERS = ("-m", "Anna de Vries <anna@example.org>", "-m", "Bram Jansen <bram@example.org> 0612345678",
           "-m", "Cor Bakker <cor@example.org>")


def on_terminal(argv: list[str], env: dict[str, str], stream: str = "stdout") -> tuple[int, str]:
    """Run `argv` with stdout (or stderr) on a pseudo-terminal; its exit code and what showed."""
    import os
    import pty
    import subprocess

    master, slave = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: slave}
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, **streams)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc.wait(), shown.decode()


def line_of(folder: Path, name: str, text: str) -> int:
    """The 1-based line of `name` in `folder` that holds `text` first."""
    for n, line in enumerate((folder / name).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {name}")


def add_wijkraad(datadir: Path, code: str = "meerwijk", naam: str = "Wijkraad Meerwijk", van: str = "1990-01-01",
                 *more: str) -> None:
    """Record a wijkraad with the command a user would type."""
    result = Run(datadir)("register", code, "--wijkraad", "--name", naam, "--from", van, *more)
    assert result.exit_code == 0, result.output



def records_built(monkeypatch) -> list[int]:
    """A spy on the positions of subsidies.yaml's records the cache builds (`store._Deferred`)."""
    from wijkctl import store

    built: list[int] = []
    at = store._Deferred._at

    def spy(self, plains, positions):
        positions = list(positions)
        built.extend(positions)
        return at(self, plains, positions)

    monkeypatch.setattr(store._Deferred, "_at", spy)
    return built
