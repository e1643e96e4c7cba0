"""Whether a write landed is a result, returned and passed on (issue 21 item 7): the
replacement returns the files it replaced, the write commands hand that to what they
print, and a stdout that fails after the write is still a success. No module state."""

from __future__ import annotations

import subprocess

from wijkctl import fileio

from .conftest import MEMBERS
from .test_concurrency import WIJKCTL

REGISTER = ("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-03-01", *MEMBERS)


def test_replace_files_returns_what_it_replaced(tmp_path):
    (tmp_path / "a.yaml").write_text("oud\n")
    assert fileio.replace_files(tmp_path, {"a.yaml": b"nieuw\n", "b.yaml": b"ook\n"}) == ["a.yaml", "b.yaml"]
    assert (tmp_path / "a.yaml").read_text() == "nieuw\n" and (tmp_path / "b.yaml").read_text() == "ook\n"
    assert fileio.replace_files(tmp_path, {}) == []
    assert not hasattr(fileio, "landed")  # no module state left to reset between runs


def _shell(command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, shell=True, capture_output=True, text=True)


def test_fmt_with_a_closed_stdout_after_rewriting_is_still_a_success(datadir):
    wijken = datadir / "wijken.yaml"
    text = wijken.read_text()
    first = text.index("naam: ") + len("naam: ")
    end = text.index("\n", first)
    wijken.write_text(text[:first] + f'"{text[first:end]}"' + text[end:])  # quoted: not canonical
    done = _shell(f"'{WIJKCTL}' --data-dir '{datadir}' fmt -o json >&-")
    assert done.returncode == 0, done.stderr
    assert "wel opgeslagen" in done.stderr and "Traceback" not in done.stderr
    assert wijken.read_text() == text


def test_a_write_whose_json_meets_a_full_stdout_is_still_a_success(datadir):
    with open("/dev/full", "w") as full:
        done = subprocess.run([WIJKCTL, "--data-dir", str(datadir), *REGISTER, "-o", "json"], stdout=full,
                              stderr=subprocess.PIPE, text=True)
    assert done.returncode == 0, done.stderr
    assert "de schijf is vol" in done.stderr and "wel opgeslagen" in done.stderr
    assert "Wijkplatform Molenwijk" in (datadir / "wijken.yaml").read_text()


def test_a_look_up_after_a_write_in_the_same_process_is_not_taken_for_one(datadir):
    """One process may run several commands (tests, embedding): a write before never makes a
    later look-up's failed output a success."""
    script = (
        "import sys\n"
        "from wijkctl.cli import build_app\n"
        f"args = ['--data-dir', {str(datadir)!r}]\n"
        "try:\n"
        f"    build_app('register')(args + {list(REGISTER)!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "sys.stdout.close()\n"
        "build_app('list')(args + ['list'])\n"
    )
    venv_python = WIJKCTL.rsplit("/", 1)[0] + "/python"
    done = subprocess.run([venv_python, "-c", script], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "Kan de uitvoer niet schrijven" in done.stderr and "wel opgeslagen" not in done.stderr
