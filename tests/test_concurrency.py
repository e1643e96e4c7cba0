"""Parallel, racing and killed writers, as separate processes of the installed command."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wijkctl.yamlio import load_text

from .conftest import MEMBERS

WIJKCTL = shutil.which("wijkctl", path=str(Path(sys.executable).parent)) or shutil.which("wijkctl")


@pytest.fixture(autouse=True)
def _installed():
    assert WIJKCTL, "the wijkctl command is not installed next to this Python"


def start(datadir: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WIJKCTL_LOCK_TIMEOUT": "60"}
    return subprocess.Popen([WIJKCTL, "--data-dir", str(datadir), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


CODES = ["oude-stad", "duinwijk", "parkwijk", "delftwijk", "spaarndam", "europawijk", "molenwijk", "meerwijk"]


def test_eight_writers_on_eight_wijken_all_land(datadir):
    procs = [start(datadir, "register", code, "--name", f"Wijkplatform {code}", "--from", "2025-01-01", *MEMBERS)
             for code in CODES]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    assert [rc for rc, _ in results] == [0] * 8, results
    rows = json.loads(subprocess.run([WIJKCTL, "--data-dir", str(datadir), "list", "--on", "2025-06-01", "-o", "json"],
                                     capture_output=True, text=True, check=True).stdout)
    assert sorted(r["code"] for r in rows if r["status"] == "wijkplatform") == sorted(CODES)


def test_six_racers_for_one_wijk_give_one_success(datadir):
    procs = [start(datadir, "register", "molenwijk", "--name", f"Platform {i}", "--from", "2025-01-01", *MEMBERS)
             for i in range(6)]
    codes = sorted(p.wait() for p in procs)
    assert codes == [0, 4, 4, 4, 4, 4]
    text = (datadir / "wijken.yaml").read_text()
    assert text.count("soort: wijkplatform") == 1


def test_writers_killed_at_random_moments_never_corrupt_or_block(datadir):
    """SIGKILL at random moments; every survivor's file is whole, valid and canonical."""
    rng = random.Random(20261128)
    original = (datadir / "wijken.yaml").read_text()
    for round_ in range(12):
        code = CODES[round_ % len(CODES)]
        proc = start(datadir, "update" if round_ % 2 else "register", code, *(
            ("--add-member", f"Lid {round_} <lid{round_}@example.org>") if round_ % 2 else
            ("--name", f"P{round_}", "--from", "2025-01-01", *MEMBERS)))
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for leftover in datadir.iterdir():
            assert leftover.name in ("wijken.yaml", "verbinders.yaml", "subsidieregeling.yaml", ".wijkctl-journal") or \
                leftover.name.startswith(".wijken.yaml."), leftover
        text = (datadir / "wijken.yaml").read_text()
        loaded = load_text("wijken.yaml", text)
        assert loaded.problems == [], round_
        assert text == original or "soort: wijkplatform" in text
    # the next writer is never blocked by a killed holder, and clears its temp files
    done = subprocess.run([WIJKCTL, "--data-dir", str(datadir), "fmt"], capture_output=True, text=True,
                          env={**os.environ, "WIJKCTL_LOCK_TIMEOUT": "1"})
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in datadir.iterdir()) == ["subsidieregeling.yaml", "verbinders.yaml", "wijken.yaml"]
