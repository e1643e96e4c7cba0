"""Hostile input is normal input: every attack on the store's edges, as a regression test.

Each refusal asserts the contract's exit code, the message (with file:line where there
is one) and that every file in the data directory is byte-for-byte as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wijkctl import fileio, store, transaction
from wijkctl.errors import WriteFailed
from wijkctl.output import csv_cell, to_json

from .conftest import MEMBERS, add_wijkraad, git, line_of, snapshot_bytes
from .test_concurrency import WIJKCTL

REGISTER = ("register", "molenwijk", "--name", "Wijkplatform Molenwijk", "--from", "2025-03-01", *MEMBERS)


def edit(datadir: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = datadir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


def refused(run, datadir, args, code, *says):
    before = snapshot_bytes(datadir)
    result = run(*args)
    assert result.exit_code == code, result.output
    for text in says:
        assert text in result.stderr + result.stdout, (text, result.output)
    assert "Traceback" not in result.output
    assert snapshot_bytes(datadir) == before
    return result


# --- bounded parsing ---------------------------------------------------------------


def alias_bomb(levels: int = 30) -> str:
    """Aliases written straight after quoted keys in flow mappings, each level nine times
    the one below: read as a tree, the last wijk would hold 9**levels organisations."""
    lines = ["versie: 1", "wijken:",
             '- {"code": a0, "naam": A0, "gebied": centrum, "organisaties":&o0 [{"soort": wijkraad, '
             '"naam": R, "van": 2000-01-01, "kern":&k [{"naam": X}, {"naam": Y}]}]}']
    for i in range(1, levels):
        refs = ", ".join([f"*o{i - 1}"] * 9)
        lines.append(f'- {{"code": a{i}, "naam": A{i}, "gebied": centrum, "organisaties":&o{i} [{refs}]}}')
    return "\n".join(lines) + "\n"


def test_alias_bomb_after_quoted_keys_is_refused_at_once(run, datadir):
    (datadir / "wijken.yaml").write_text(alias_bomb())
    start = time.monotonic()
    result = refused(run, datadir, ["check"], 5, "wijken.yaml:3: anker &o0 is niet toegestaan",
                     "wijken.yaml:4: alias *o0 is niet toegestaan")
    assert time.monotonic() - start < 20  # a hang guard, not a speed test
    assert "anker &k" in result.stdout
    refused(run, datadir, ["list"], 5, "ongeldig")
    refused(run, datadir, ["fmt"], 5)


def test_completion_on_an_alias_bomb_does_not_hang(datadir):
    (datadir / "wijken.yaml").write_text(alias_bomb())
    env = {**os.environ, "_WIJKCTL_COMPLETE": "complete_bash", "COMP_WORDS": "wijkctl show a",
           "COMP_CWORD": "2", "WIJKCTL_DATA": str(datadir)}
    done = subprocess.run([WIJKCTL], env=env, capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "" and done.stderr == ""


@pytest.mark.parametrize("value,says", [
    ("{inwoners: !!int abc}", "'inwoners' moet een geheel getal zijn in gewone cijfers"),
    ("{inwoners: " + "9" * 5000 + "}", "'inwoners' is te groot"),
    ("{inwoners: 0363}", "niet '0363'"),
    ("{inwoners: 0x1F}", "niet '0x1F'"),
    ("{inwoners: 12:30}", "niet '12:30'"),
    ("{inwoners: +5}", "niet '+5'"),
    ("{inwoners: 1_000}", "niet '1_000'"),
    ("{inwoners: ٣٣}", "niet '٣٣'"),
    ("{inwoners: .inf}", "niet '.inf'"),
    ("!!python/object:os.system {inwoners: 5}", "tag !!python/object:os.system is niet toegestaan"),
    ("!!omap [{inwoners: 5}]", "tag !!omap is niet toegestaan"),
    ("{inwoners: !!str 5}", "tag !!str is niet toegestaan"),
    ("{bron: ! tekst}", "tag ! is niet toegestaan"),
    ("{peiljaar: '{0}{x}'}", "niet '{0}{x}'"),
])
def test_numbers_and_tags_other_readers_read_differently_are_refused(run, datadir, value, says):
    line = line_of(datadir, "wijken.yaml", "- naam: Stationsbuurt") + 1
    edit(datadir, "wijken.yaml", "- naam: Stationsbuurt\n", f"- naam: Stationsbuurt\n    cijfers: {value}\n")
    refused(run, datadir, ["check"], 5, f"wijken.yaml:{line}: ", says)
    refused(run, datadir, ["fmt"], 5)


def test_tags_on_sequences_are_refused_by_check_and_fmt(run, datadir):
    edit(datadir, "wijken.yaml", "  buurten:\n  - naam: Stationsbuurt", "  buurten: !!seq\n  - naam: Stationsbuurt")
    refused(run, datadir, ["check"], 5,
            f"wijken.yaml:{line_of(datadir, 'wijken.yaml', '!!seq')}: tag !!seq is niet toegestaan")
    refused(run, datadir, ["fmt"], 5, "tag !!seq")


def test_a_deadline_that_not_every_year_has_is_refused(run, datadir):
    edit(datadir, "subsidieregeling.yaml", "aanvragen_voor: 10-01", "aanvragen_voor: 02-29")
    refused(run, datadir, ["subsidy", "--year", "2025"], 5, "subsidieregeling.yaml:9:", "die elk jaar bestaat")


@pytest.mark.parametrize("old,new,says", [
    ("cbs_code: WK039220", "cbs_code: WK０３９２２０", "cbs_code 'WK０３９２２０' moet WK met 6 cijfers zijn"),
    ("naam: Molenwijk", 'naam: "Molen\\e[31mwijk"', "'naam' bevat een stuurteken (U+001B)"),
    ("naam: Molenwijk", 'naam: "Molen\\rwijk"', "'naam' bevat een stuurteken (U+000D)"),
    ("naam: Molenwijk", 'naam: "Molen\\x9bwijk"', "'naam' bevat een stuurteken (U+009B)"),
])
def test_codes_and_names_with_foreign_digits_or_control_characters(run, datadir, old, new, says):
    line = line_of(datadir, "wijken.yaml", old)
    edit(datadir, "wijken.yaml", old, new)
    refused(run, datadir, ["check"], 5, f"wijken.yaml:{line}: {says}")


def test_duplicate_toeslag_names_are_refused(run, datadir):
    edit(datadir, "subsidieregeling.yaml", "  - naam: Bijstand", "  - naam: inwoners")
    refused(run, datadir, ["check"], 5, "subsidieregeling.yaml:19: toeslag 'inwoners' komt al voor")


# --- files that are not what they seem ------------------------------------------------


def test_a_fifo_or_device_as_data_file_is_refused_at_once(run, datadir):
    (datadir / "verbinders.yaml").unlink()
    os.mkfifo(datadir / "verbinders.yaml")
    refused(run, datadir, ["list"], 5, "verbinders.yaml is een pijp (FIFO), geen gewoon bestand")
    refused(run, datadir, ["check"], 5, "FIFO")
    (datadir / "verbinders.yaml").unlink()
    (datadir / "verbinders.yaml").symlink_to("/dev/zero")
    refused(run, datadir, ["verbinder", "molenwijk"], 5, "is een apparaat")


def test_a_data_file_over_the_size_limit_is_refused(run, datadir, monkeypatch):
    monkeypatch.setattr(store, "MAX_FILE_BYTES", 1000)
    refused(run, datadir, ["list"], 5, "wijken.yaml is groter dan de grens van 1000 bytes")


def test_a_fifo_or_device_as_csv_is_exit_2(run, datadir, tmp_path):
    fifo = tmp_path / "kwb.csv"
    os.mkfifo(fifo)
    refused(run, datadir, ["import-cbs", str(fifo), "--year", "2024"], 2, "FIFO")
    refused(run, datadir, ["import-cbs", "/dev/zero", "--year", "2024"], 2, "apparaat")


def test_hostile_cache_files_are_ignored(run, datadir, tmp_path, monkeypatch):
    from wijkctl import cache

    folder = tmp_path / "cache"
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(folder))
    assert run("list").exit_code == 0
    assert os.stat(folder).st_mode & 0o777 == 0o700
    [cached] = folder.glob("*.json")
    assert os.stat(cached).st_mode & 0o777 == 0o600
    good = cached.read_bytes()
    for hostile in ("fifo", "link", "huge", "type"):
        cached.unlink()
        if hostile == "fifo":
            os.mkfifo(cached)
        elif hostile == "link":
            (tmp_path / "elders.json").write_bytes(good)
            cached.symlink_to(tmp_path / "elders.json")
        elif hostile == "huge":
            cached.write_bytes(good)
            monkeypatch.setattr(cache, "MAX_BYTES", 100)
        else:
            body = good.decode().partition("\n")[2]  # without its digest line
            header, _, rest = body.partition("\n")
            forged = json.dumps({**json.loads(header), "klein": 5}) + "\n" + rest
            cached.write_text(cache._digest(forged.partition("\n")[0].encode()).decode() + "\n" + forged)
        result = run("verbinder", "molenwijk", "-o", "json")
        assert result.exit_code == 0 and json.loads(result.stdout)["naam"] == "Ingrid Hamer", hostile
    os.chmod(folder, 0o777)  # a directory others may write into is not trusted
    assert cache.get(datadir, "x") is None


def test_a_symlinked_data_file_is_read_but_never_replaced(run, datadir, tmp_path):
    target = tmp_path / "echte-wijken.yaml"
    (datadir / "wijken.yaml").rename(target)
    (datadir / "wijken.yaml").symlink_to(target)
    assert run("verbinder", "molenwijk").exit_code == 0
    before = target.read_bytes()
    refused(run, datadir, REGISTER, 5, "wijken.yaml is een symbolische koppeling")
    assert (datadir / "wijken.yaml").is_symlink() and target.read_bytes() == before


def test_files_named_like_ours_are_never_removed(run, datadir):
    for name in (".wijken.yaml.abc.tmp", ".wijken.yaml.0123456789ab.tmp", ".wijkctl-notities"):
        (datadir / name).write_text("van de gebruiker\n")
    refused(run, datadir, ("end", "molenwijk", "--on", "2025-01-01"), 4)
    assert run("fmt", "--check").exit_code == 0
    assert run(*REGISTER).exit_code == 0
    assert run("fmt").exit_code == 0
    for name in (".wijken.yaml.abc.tmp", ".wijken.yaml.0123456789ab.tmp", ".wijkctl-notities"):
        assert (datadir / name).read_text() == "van de gebruiker\n"


# --- comments, BOM and line breaks ---------------------------------------------------


def test_fmt_keeps_a_comment_behind_a_bom(run, datadir):
    path = datadir / "wijken.yaml"
    path.write_bytes(b"\xef\xbb\xbf# kop\n" + path.read_bytes())
    refused(run, datadir, ["fmt"], 5, "Commentaar zou verloren gaan (wijken.yaml regel 1)")
    refused(run, datadir, REGISTER, 5, "commentaar (regel 1)")


def test_a_bom_or_crlf_file_is_read_refused_for_writes_and_normalised_by_fmt(run, datadir):
    path = datadir / "wijken.yaml"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    assert run("verbinder", "molenwijk").exit_code == 0
    assert run("check").exit_code == 0
    refused(run, datadir, ["fmt", "--check"], 5, "Niet in de vaste vorm: wijken.yaml")
    refused(run, datadir, REGISTER, 5, "niet in de vaste vorm")
    assert run("fmt").exit_code == 0
    assert path.read_bytes() == original


def test_crlf_comments_are_found_on_the_right_line(run, datadir):
    path = datadir / "verbinders.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n").replace(b"naam: Oost", b"naam: Oost # het oosten"))
    result = run("check")
    assert "verbinders.yaml:18: waarschuwing: commentaar" in result.stdout  # after the 4 lines of the gemeente
    refused(run, datadir, ["fmt"], 5, "verbinders.yaml regel 18")


@pytest.mark.parametrize("brk,name", [("\r", "CR zonder LF"), ("\x85", "NEL (U+0085)"), ("\u2028", "U+2028"),
                                      ("\u2029", "U+2029")])
def test_other_line_breaks_are_refused_never_dropped(run, datadir, brk, name):
    path = datadir / "verbinders.yaml"
    text = path.read_text().replace("versie: 1\n", "versie: 1 # c\n").replace("\n", brk)
    path.write_text(text, newline="")
    refused(run, datadir, ["fmt"], 5, f"verbinders.yaml:1: regeleinde {name} is niet toegestaan")
    refused(run, datadir, ["check"], 5, "regeleinde")


# --- all or nothing --------------------------------------------------------------------


def _fail_second_replace(monkeypatch):
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    return calls


def test_fmt_is_all_or_nothing_across_files(run, datadir, monkeypatch):
    for name in ("wijken.yaml", "verbinders.yaml"):
        path = datadir / name
        path.write_text(path.read_text().replace("\n", "\n\n", 1))  # not canonical
    before = snapshot_bytes(datadir)
    calls = _fail_second_replace(monkeypatch)
    result = run("fmt")
    assert result.exit_code == 1 and "de schijf is vol" in result.stderr and "niets veranderd" in result.stderr
    assert len(calls) >= 2
    assert snapshot_bytes(datadir) == before


def test_init_force_is_all_or_nothing(run, datadir, monkeypatch):
    for name in ("wijken.yaml", "verbinders.yaml", "subsidieregeling.yaml"):
        (datadir / name).write_text("versie: 1\n")
    before = snapshot_bytes(datadir)
    _fail_second_replace(monkeypatch)
    result = run("init", str(datadir), "--force")
    assert result.exit_code == 1 and "niets veranderd" in result.stderr
    assert snapshot_bytes(datadir) == before


KILL_MID_RENAME = """
import os, sys
real = os.replace
count = [0]
def dying(src, dst):
    real(src, dst)
    count[0] += 1
    if count[0] == 1:
        os._exit(9)  # killed between the first and the second rename
os.replace = dying
from wijkctl.cli import main
sys.argv = ["wijkctl", "--data-dir", sys.argv[1], "fmt"]
main()
"""


def test_a_writer_killed_between_renames_is_rolled_back_by_the_next_run(run, datadir):
    for name in ("wijken.yaml", "verbinders.yaml"):
        path = datadir / name
        path.write_text(path.read_text().replace("\n", "\n\n", 1))
    before = snapshot_bytes(datadir)
    done = subprocess.run([sys.executable, "-c", KILL_MID_RENAME, str(datadir)], capture_output=True)
    assert done.returncode == 9
    assert (datadir / fileio.JOURNAL).exists()  # one file new, one old: the journal knows
    assert run("verbinder", "molenwijk").exit_code == 0  # a reader repairs it first
    assert snapshot_bytes(datadir) == before


def test_text_that_does_not_load_back_as_the_records_is_never_written(run, datadir, monkeypatch):
    from wijkctl import canonical, yamlio

    real, real_fast = yamlio.dump_records, canonical.record_text

    def lossy(name, records, head=None):
        return real(name, records, head).replace("naam: Wijkplatform Molenwijk\n", "naam: Wijkplatform Molenwij\n")

    def lossy_fast(schema, record):  # the fast writer of one record (`yamlio.dump_record`) too
        text = real_fast(schema, record)
        return text.replace("naam: Wijkplatform Molenwijk\n", "naam: Wijkplatform Molenwij\n") if text else text

    monkeypatch.setattr(yamlio, "dump_records", lossy)
    monkeypatch.setattr(canonical, "record_text", lossy_fast)
    refused(run, datadir, REGISTER, 1, "leest niet terug")


def test_a_fast_written_record_unlike_pyyamls_is_never_written_under_check_writes(run, datadir, monkeypatch):
    from wijkctl import canonical

    real = canonical.record_text
    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", "1")
    monkeypatch.setattr(canonical, "record_text", lambda schema, record: (real(schema, record) or "") + "  x: y\n")
    refused(run, datadir, REGISTER, 1, "snelle schrijver")


def test_a_refounded_wijkraad_with_an_earlier_name_converts_and_ends_correctly(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "1990-01-01", "--to", "2000-01-01")
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "2010-01-01")
    assert run("check", "--strict").exit_code == 0
    result = run("convert", "meerwijk", "--from", "2024-07-01", *MEMBERS)
    assert result.exit_code == 0, result.stderr  # the re-founded one is converted
    shown = json.loads(run("show", "meerwijk", "-o", "json").stdout)["organisaties"]
    assert [o.get("tot") for o in shown] == ["2000-01-01", "2024-07-01", None]
    refused(run, datadir, ("end", "meerwijk", "--on", "2020-01-01"), 4, "1 juli 2024")


# --- git inside the lock -------------------------------------------------------------




HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def test_commit_checks_for_edits_inside_the_lock(repo, datadir):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(datadir)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    writer = subprocess.Popen([WIJKCTL, "--data-dir", str(datadir), *REGISTER, "--commit"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "WIJKCTL_LOCK_TIMEOUT": "30"})
    time.sleep(0.5)  # the writer now waits for the lock
    edit(datadir, "verbinders.yaml", "Rosa Kant", "Rosa Kant-de Boer")  # a racing hand edit
    holder.communicate("\n")
    _out, err = writer.communicate(timeout=60)
    assert writer.returncode == 2 and "nog niet gecommit" in err
    assert git(repo, "log", "--format=%s").splitlines() == ["data"]
    assert "Wijkplatform Molenwijk" not in (datadir / "wijken.yaml").read_text()


def test_a_failed_commit_rolls_back_the_write_and_the_index(repo, datadir):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'geweigerd door de hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = snapshot_bytes(datadir)
    result = subprocess.run([WIJKCTL, "--data-dir", str(datadir), *REGISTER, "--commit"],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "teruggedraaid" in result.stderr and "geweigerd door de hook" in result.stderr
    assert snapshot_bytes(datadir) == before
    assert git(repo, "status", "--porcelain") == ""


def test_discovery_stops_at_the_git_root(tmp_path, datadir, monkeypatch):
    inner = tmp_path / "project"
    (inner / "sub").mkdir(parents=True)
    git(inner, "init", "-q")
    monkeypatch.delenv("WIJKCTL_DATA", raising=False)
    from wijkctl.errors import InvalidData

    with pytest.raises(InvalidData, match="git-repository"):
        store.find_data_dir(None, cwd=inner / "sub")  # tmp_path/data lies outside it


# --- arguments, environment and output --------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e9", "lang"])
def test_bad_lock_timeouts_are_exit_2(run, datadir, value):
    refused_result = run(*REGISTER, env={"WIJKCTL_LOCK_TIMEOUT": value})
    assert refused_result.exit_code == 2 and "WIJKCTL_LOCK_TIMEOUT" in refused_result.stderr


def test_write_commands_need_an_exact_wijk(run, datadir):
    assert run("verbinder", "indisch").exit_code == 0  # a look-up may take a prefix
    refused(run, datadir, ("register", "indisch", "--name", "P", "--from", "2025-01-01", *MEMBERS), 3,
            "Bedoelde je Indischewijk?")
    refused(run, datadir, ("end", "i", "--on", "2025-01-01"), 3)


@pytest.mark.parametrize("args,says", [
    (("register", "molenwijk", "--name", "P\x1b[2J", "--from", "2025-01-01", *MEMBERS), "stuurteken (U+001B)"),
    (("register", "molenwijk", "--name", "P\r=HYPERLINK()", "--from", "2025-01-01", *MEMBERS), "stuurteken (U+000D)"),
    (("verbinder", "mol\udcffen"), "geen geldige UTF-8"),
    (("register", "molenwijk", "--name", "P", "--from", "2025-01-01", "--legal-form", "stichting",
      "--kvk", "１２３４５６７８", *MEMBERS), "8 cijfers"),
])
def test_hostile_arguments_are_exit_2(run, datadir, args, says):
    result = refused(run, datadir, args, 2, says)
    assert "\x1b" not in result.stderr and "\r" not in result.stderr


def test_csv_cells_never_split_a_record_or_start_a_formula():
    assert csv_cell("Molen\r=HYPERLINK()") == "Molen\\r=HYPERLINK()"
    assert csv_cell("\r=1+1") == "\\r=1+1"  # escaped, so it cannot start a record or a formula
    assert csv_cell("=1+1") == "'=1+1"
    assert "\x9b" not in to_json({"naam": "a\x9bb"}) and "\\u009b" in to_json({"naam": "a\x9bb"})


def _wijkctl(*args, **kwargs):
    return subprocess.run([WIJKCTL, *args], capture_output=True, **kwargs)


def test_closed_stdout_after_a_successful_write_is_still_a_success(datadir):
    done = subprocess.run(f"'{WIJKCTL}' --data-dir '{datadir}' " + " ".join(f"'{a}'" for a in REGISTER) + " >&-",
                          shell=True, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Wijkplatform Molenwijk" in (datadir / "wijken.yaml").read_text()


def test_closed_or_full_stdout_on_a_look_up_is_exit_1_in_dutch(datadir):
    done = subprocess.run(f"'{WIJKCTL}' --data-dir '{datadir}' list >&-", shell=True, capture_output=True, text=True)
    assert done.returncode == 1 and "Kan de uitvoer niet schrijven" in done.stderr and "Traceback" not in done.stderr
    with open("/dev/full", "w") as full:
        done = subprocess.run([WIJKCTL, "--data-dir", str(datadir), "list"], stdout=full, stderr=subprocess.PIPE,
                              text=True)
    assert done.returncode == 1 and "de schijf is vol" in done.stderr


def test_a_dry_run_diff_to_a_full_stdout_reports_and_changes_nothing(datadir):
    before = snapshot_bytes(datadir)
    with open("/dev/full", "w") as full:
        done = subprocess.run([WIJKCTL, "--data-dir", str(datadir), *REGISTER, "--dry-run"], stdout=full,
                              stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1 and "de schijf is vol" in done.stderr
    assert snapshot_bytes(datadir) == before


def test_stdout_without_the_euro_sign(datadir):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = _wijkctl("--data-dir", str(datadir), "show", "molenwijk", env=env, text=True)
    assert done.returncode == 0 and "\\u20ac " in done.stderr and "Traceback" not in done.stderr
    done = _wijkctl("--data-dir", str(datadir), "subsidy", "molenwijk", "--year", "2025", env=env, text=True)
    assert done.returncode == 0 and "\\u20ac " in done.stdout and "Traceback" not in done.stderr
    done = _wijkctl("--data-dir", str(datadir), "subsidy", "--year", "2025", "-o", "json", env=env, text=True)
    assert done.returncode == 0 and json.loads(done.stdout)["jaar"] == 2025


def test_a_deleted_working_directory(tmp_path, datadir):
    gone = tmp_path / "weg"
    gone.mkdir()
    script = textwrap.dedent(f"""
        import os, subprocess, sys
        os.chdir({str(gone)!r}); os.rmdir({str(gone)!r})
        env = {{k: v for k, v in os.environ.items() if k != "WIJKCTL_DATA"}}
        sys.exit(subprocess.run([{WIJKCTL!r}, "verbinder", "molenwijk"], env=env).returncode)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 5 and "bestaat niet meer" in done.stderr


def test_messages_escape_control_characters_from_the_environment(run, datadir):
    result = run("verbinder", "molenwijk", env={"WIJKCTL_LOCK_TIMEOUT": "\x1b[31m"})
    assert result.exit_code == 0  # a look-up takes no lock
    result = run(*REGISTER, env={"WIJKCTL_LOCK_TIMEOUT": "\x1b[31m"})
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "\\x1b[31m" in result.stderr


# --- import-cbs -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-5", "NaN", "Infinity", "1e400", "12abc", "5,5", "١٢"])
def test_import_refuses_a_figure_that_is_no_whole_number(run, datadir, tmp_path, value):
    from .cbsfixture import kerncijfers

    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Wijk", "WK039220", value, 3968, "52,9", 310)]))
    refused(run, datadir, ["import-cbs", str(csv_file), "--year", "2024"], 2, "kwb.csv regel 2, kolom AantalInwoners_5")


def test_import_refuses_a_percentage_over_100(run, datadir, tmp_path):
    from .cbsfixture import kerncijfers

    csv_file = tmp_path / "kwb.csv"
    csv_file.write_text(kerncijfers(2024, [("Wijk", "WK039220", 8000, 3968, "152,9", 310)]))
    refused(run, datadir, ["import-cbs", str(csv_file), "--year", "2024"], 2, "meer dan 100 procent")


def test_a_column_absent_from_the_file_keeps_that_figure(run, datadir, tmp_path):
    from .cbsfixture import haarlem

    full = tmp_path / "kwb.csv"
    full.write_text(haarlem(2024))
    assert run("import-cbs", str(full), "--year", "2024").exit_code == 0
    before = json.loads(run("show", "molenwijk", "-o", "json").stdout)["cijfers"]
    lines = haarlem(2024).splitlines()
    header = lines[0].split(";")
    i = next(n for n, h in enumerate(header) if "PersonenPerSoortUitkeringBijstand" in h)
    partial = tmp_path / "zonder-bijstand.csv"
    partial.write_text("\n".join(";".join(c for n, c in enumerate(line.split(";")) if n != i) for line in lines))
    result = run("import-cbs", str(partial), "--year", "2025")
    assert result.exit_code == 0 and "geen kolom voor uitkeringen" in result.stderr
    after = json.loads(run("show", "molenwijk", "-o", "json").stdout)["cijfers"]
    assert after["uitkeringen"] == before["uitkeringen"] == 310 and after["peiljaar"] == 2025


def test_write_failure_names_the_file_and_cleans_up(datadir, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    before = snapshot_bytes(datadir)
    monkeypatch.setattr(os, "link", denied)
    with pytest.raises(WriteFailed, match="geen toestemming"):
        transaction.write(datadir, {"wijken.yaml": "x", "verbinders.yaml": "y"})
    assert snapshot_bytes(datadir) == before
