"""Random mutations of a valid data directory: only contract exit codes, no traceback, no
hang, and `fmt` never loses a comment or changes a file it refuses."""

from __future__ import annotations

import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wijkctl.cli import app

from .conftest import BUNDLED, FILES, snapshot_bytes

# Characters that mean something to YAML, to line counting or to a terminal.
SPECIAL = list("&*!#:-[]{}\"'|>?%@`,\t\r\n ") + ["\x85", "\u2028", "\ufeff", "\x1b", "\x00", "é", "0", "9"]

byte_edit = st.tuples(st.just("byte"), st.integers(0, 10**6),
                      st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=2))
line_edit = st.tuples(st.sampled_from(["dup", "drop", "indent", "dedent", "comment", "swap"]), st.integers(0, 10**6),
                      st.none())
ending_edit = st.tuples(st.sampled_from(["crlf", "cr", "bom", "nel"]), st.just(0), st.none())
mutation = st.tuples(st.sampled_from(FILES), st.lists(byte_edit | line_edit | ending_edit, min_size=1, max_size=4))


def mutate(raw: bytes, edits) -> bytes:
    for kind, where, value in edits:
        if kind == "byte":
            insert = value.encode() if isinstance(value, str) else value
            pos = where % (len(raw) + 1)
            raw = raw[:pos] + insert + raw[pos + (where % 2):]  # insert, or replace one byte
            continue
        if kind in ("crlf", "cr", "nel"):
            raw = raw.replace(b"\n", {"crlf": b"\r\n", "cr": b"\r", "nel": "\x85".encode()}[kind])
            continue
        if kind == "bom":
            raw = b"\xef\xbb\xbf" + raw
            continue
        lines = raw.split(b"\n")
        i = where % len(lines)
        if kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "drop":
            del lines[i]
        elif kind == "indent":
            lines[i] = b"  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith(b"  ") else lines[i]
        elif kind == "comment":
            lines[i] = lines[i] + b" # notitie"
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        raw = b"\n".join(lines)
    return raw


@contextmanager
def hang_guard(seconds: int):
    def expire(*_args):
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation)
def test_mutated_data_gets_contract_answers_only(change):
    name, edits = change
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        for f in FILES:
            shutil.copy(BUNDLED / f, data / f)
        (data / name).write_bytes(mutate((data / name).read_bytes(), edits))
        for args, codes in ((["check"], {0, 5}), (["list", "-o", "json"], {0, 5}),
                            (["verbinder", "molenwijk"], {0, 5})):
            before = snapshot_bytes(data)
            with hang_guard(20):
                result = runner.invoke(app, ["--data-dir", str(data), *args])
            assert result.exit_code in codes, (args, result.output)
            assert "Interne fout" not in result.output and "Traceback" not in result.output
            assert snapshot_bytes(data) == before
        before = snapshot_bytes(data)
        with hang_guard(20):
            result = runner.invoke(app, ["--data-dir", str(data), "fmt"])
        assert result.exit_code in (0, 5), result.output
        assert "Interne fout" not in result.output
        after = snapshot_bytes(data)
        if result.exit_code != 0:
            assert after == before
        else:
            for f in FILES:  # every '#' survives: one in a value stays in it, a comment refuses
                assert after[f].count(b"#") >= before[f].count(b"#"), f
            assert sorted(after) == sorted(before)  # no file left behind
            check = runner.invoke(app, ["--data-dir", str(data), "fmt", "--check"])
            assert check.exit_code == 0, check.output
