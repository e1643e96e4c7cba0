"""The installed `wijkctl` command as a person and a script meet it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .conftest import on_terminal
from .test_concurrency import WIJKCTL


def wijkctl(*args, **kwargs):
    assert WIJKCTL
    return subprocess.run([WIJKCTL, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, **kwargs)


def test_readme_main_job(datadir):
    result = wijkctl("--data-dir", str(datadir), "verbinder", "Molenwijk")
    assert result.returncode == 0
    assert "Ingrid Hamer" in result.stdout and "iphamer@haarlem.nl" in result.stdout


def test_python_dash_m_and_version():
    result = subprocess.run([sys.executable, "-m", "wijkctl", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("wijkctl ")


def test_data_found_from_a_subdirectory_and_env(datadir, tmp_path):
    sub = tmp_path / "ergens" / "diep"
    sub.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "WIJKCTL_DATA"}
    shown = json.loads(wijkctl("verbinder", "molenwijk", "-o", "json", cwd=sub, env=env).stdout)
    assert shown["naam"] == "Ingrid Hamer"
    env["WIJKCTL_DATA"] = str(datadir)
    assert wijkctl("verbinder", "molenwijk", cwd="/", env=env).returncode == 0


def test_broken_pipe_is_quiet(datadir):
    proc = subprocess.run(f"'{WIJKCTL}' --data-dir '{datadir}' list | head -n 1",
                          shell=True, capture_output=True, text=True)
    assert proc.stdout.startswith("Wijk")
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr


def test_terminal_gets_a_rich_table_and_no_color_is_honoured(datadir):
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    code, shown = on_terminal([WIJKCTL, "--data-dir", str(datadir), "list"], env)
    assert code == 0
    assert "┃" in shown or "│" in shown
    assert "Totaal: 21 wijken" in shown  # the totals line is for the terminal
    _code, plain = on_terminal([WIJKCTL, "--data-dir", str(datadir), "list"], {**env, "NO_COLOR": "1"})
    assert not re.search(r"\x1b\[[0-9;]*3[0-9](;[0-9]+)*m", plain)  # no foreground colour codes


def test_the_wijkctl_under_test_is_this_checkout():
    """The suite tests this tree: the `wijkctl` it runs imports the package beside tests/."""
    from pathlib import Path

    script = Path(WIJKCTL).read_text(errors="replace").splitlines()[0]
    assert script.startswith("#!") and Path(script[2:].strip()).parent == Path(sys.executable).parent, script
    done = subprocess.run([sys.executable, "-c", "import wijkctl; print(wijkctl.__file__)"],
                          capture_output=True, text=True, check=True)
    here = Path(__file__).resolve().parent.parent / "wijkctl"
    assert Path(done.stdout.strip()).resolve().parent == here


_COLLECTOR_PROBE = """
import gc, sys
from wijkctl import store
loaded = store.load
def load(*args, **kwargs):
    print("collector", gc.isenabled(), gc.get_freeze_count() > 1000, file=sys.stderr)
    return loaded(*args, **kwargs)
store.load = load
sys.argv = ["wijkctl", "--data-dir", sys.argv[1], "verbinder", "molenwijk"]
from wijkctl.__main__ import main
main()
"""


def test_start_up_is_frozen_and_the_command_runs_with_the_collector_on(datadir):
    """The console script (`wijkctl.__main__:main`) pauses the collector for start-up only:
    what start-up built is frozen (never scanned again, nor at exit), the command collects as ever."""
    probe = subprocess.run([sys.executable, "-c", _COLLECTOR_PROBE, str(datadir)], capture_output=True, text=True)
    assert probe.returncode == 0, probe.stderr
    assert "collector True True" in probe.stderr and "Ingrid Hamer" in probe.stdout
    assert subprocess.run([sys.executable, "-c", "import gc, wijkctl.cli; assert gc.isenabled()"]).returncode == 0
    script = open(WIJKCTL, encoding="utf-8").read() if not WIJKCTL.endswith(".exe") else ""
    assert "from wijkctl.__main__ import main" in script
