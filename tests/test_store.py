"""Finding the data, locking, and atomic writes under failure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wijkctl import store, transaction
from wijkctl.errors import Busy, InvalidData, WriteFailed

from .conftest import snapshot_bytes


def test_data_dir_precedence(datadir, tmp_path, monkeypatch):
    other = tmp_path / "elders"
    other.mkdir()
    (other / "wijken.yaml").write_text("versie: 1\nwijken: []\n")
    monkeypatch.setenv("WIJKCTL_DATA", str(other))
    assert store.find_data_dir(str(datadir)) == datadir
    assert store.find_data_dir(None) == other
    monkeypatch.delenv("WIJKCTL_DATA")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert store.find_data_dir(None, cwd=deep) == datadir


def test_no_data_found_names_init(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKCTL_DATA", raising=False)
    with pytest.raises(InvalidData, match="wijkctl init"):
        store.find_data_dir(None, cwd=tmp_path)
    with pytest.raises(InvalidData, match="wijkctl init"):
        store.find_data_dir(str(tmp_path / "nergens"))


def test_crash_during_replace_leaves_original_and_no_temp_file(datadir, monkeypatch):
    before = snapshot_bytes(datadir)

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WriteFailed, match="de schijf is vol"):
        transaction.write(datadir, {"wijken.yaml": "versie: 1\nwijken: []\n"})
    assert snapshot_bytes(datadir) == before


def test_write_keeps_file_mode(datadir):
    path = datadir / "wijken.yaml"
    os.chmod(path, 0o640)
    transaction.write(datadir, {"wijken.yaml": path.read_text()})
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_write_refused_by_file_size_limit_leaves_originals(datadir):
    """Under `ulimit -f` the write fails with EFBIG: exit 1, Dutch message, nothing left."""
    before = snapshot_bytes(datadir)
    big = "Wijkplatform " + "x" * 100_000
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        sys.argv = ["wijkctl", "--data-dir", {str(datadir)!r}, "register", "molenwijk", "--name", {big!r},
                    "--from", "2025-01-01", "-m", "A <a@example.org>", "-m", "B <b@example.org>",
                    "-m", "C <c@example.org>"]
        from wijkctl.cli import main
        main()
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "te groot" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot_bytes(datadir) == before


def test_write_without_permission(datadir, monkeypatch):
    """Simulated: CI runs as root, whom chmod does not stop."""
    before = snapshot_bytes(datadir)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "link", denied)
    with pytest.raises(WriteFailed, match="geen toestemming"):
        transaction.write(datadir, {"wijken.yaml": "x"})
    assert snapshot_bytes(datadir) == before


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


def _holder(datadir: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(datadir)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_lock_is_exclusive_and_times_out_with_busy(datadir, monkeypatch):
    monkeypatch.setenv("WIJKCTL_LOCK_TIMEOUT", "0.3")
    holder = _holder(datadir)
    try:
        start = time.monotonic()
        with pytest.raises(Busy, match="bezet"):
            with store.locked(datadir):
                pass
        assert time.monotonic() - start >= 0.3
    finally:
        holder.kill()
        holder.wait()


def test_killed_holder_never_blocks_the_next_run(datadir, monkeypatch):
    monkeypatch.setenv("WIJKCTL_LOCK_TIMEOUT", "2")
    holder = _holder(datadir)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with store.locked(datadir):
        pass
    assert not [p for p in datadir.iterdir() if p.name.startswith(".")]  # no lock file


def test_bad_lock_timeout_is_a_usage_error(datadir, monkeypatch):
    from wijkctl.errors import UsageError

    monkeypatch.setenv("WIJKCTL_LOCK_TIMEOUT", "lang")
    with pytest.raises(UsageError):
        with store.locked(datadir):
            pass


def test_a_busy_data_directory_is_exit_6_and_changes_nothing(run, datadir):
    from .conftest import MEMBERS

    holder = _holder(datadir)
    try:
        before = snapshot_bytes(datadir)
        result = run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS,
                     env={"WIJKCTL_LOCK_TIMEOUT": "0.2"})
        assert result.exit_code == 6 and "bezet" in result.stderr
        assert snapshot_bytes(datadir) == before
        assert run("verbinder", "molenwijk").exit_code == 0  # readers never wait for the lock
    finally:
        holder.kill()
        holder.wait()
