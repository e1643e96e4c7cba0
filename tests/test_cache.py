"""The validated parse cache: used only for exactly the bytes on disk, never required."""

from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given, settings

from wijkctl import cache, store
from wijkctl.schema import WIJK, from_plain, to_plain

from .conftest import BUNDLED, MEMBERS
from .test_yamlio import wijken as wijken_strategy


def test_load_from_cache_equals_parse(datadir):
    parsed = store.snapshot(datadir).require_valid()
    first = store.load(datadir)  # parses and fills the cache
    second = store.load(datadir)  # served from the cache
    assert first == parsed == second


def test_a_changed_file_is_never_served_from_the_cache(run, datadir):
    assert json.loads(run("verbinder", "molenwijk", "-o", "json").stdout)["naam"] == "Ingrid Hamer"
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text().replace("Ingrid Hamer", "Ingrid Hamer-Smit"))
    assert json.loads(run("verbinder", "molenwijk", "-o", "json").stdout)["naam"] == "Ingrid Hamer-Smit"


def test_an_invalid_file_is_refused_even_after_a_valid_one_was_cached(run, datadir):
    assert run("list").exit_code == 0
    path = datadir / "wijken.yaml"
    path.write_text(path.read_text().replace("gebied: schalkwijk", "gebied: nergens", 1))
    assert run("list").exit_code == 5


def _signed(body: str) -> str:
    """A cache file of `body` (header and lines) with the digest that makes its header verify."""
    return cache._digest(body.partition("\n")[0].encode()).decode() + "\n" + body


def _parts(path) -> tuple[str, str]:
    """The header line and the rest of a cache file (its digest line left off)."""
    _digest, _, body = path.read_text().partition("\n")
    header, _, lines = body.partition("\n")
    return header, lines


def test_a_corrupt_or_foreign_cache_file_is_ignored(datadir, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    expected = store.load(datadir)
    [cached] = list((tmp_path / "c").glob("*.json"))
    header, lines = _parts(cached)
    sleutel = json.loads(header)["sleutel"]
    good = json.loads(header)
    for junk in ("{not json", "[]", json.dumps({"sleutel": sleutel, "gegevens": {"wijken": [{"x": 1}]}}),
                 json.dumps({**good, "lengtes": good["lengtes"][:-1]}) + "\n" + lines,  # lines that do not add up
                 json.dumps({**good, "kolommen": good["kolommen"][:-1]}) + "\n" + lines,  # a column short
                 header + "\n" + lines + "{}\n"):
        for text in (junk, _signed(junk)):  # damaged, or verifying but not an entry this code reads
            cached.write_text(text)
            assert store.load(datadir) == expected


def test_a_damaged_entry_means_a_normal_parse(run, datadir, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    expected = run("verbinder", "molenwijk").stdout
    [cached] = list((tmp_path / "c").glob("*.json"))
    text = cached.read_text()
    for damage in (text.replace('"code":"molenwijk"', '"code" "molenwijk"', 1),  # no longer JSON
                   text[:-40], text + "x", "", text.replace("\n", "", 1)):
        cached.write_text(damage)
        result = run("verbinder", "molenwijk")
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    # an entry forged to verify, whose column of the index is not a list of one value per
    # wijk: a fault this code cannot make; the command parses, and the entry goes
    header, rest = _parts(cached)
    first, _, rest = rest.partition("\n")
    fields = json.loads(header)
    fields["kolommen"][0], fields["sommen"][0][0] = 2, zlib.crc32(b"[]")  # its checksum forged too
    forged = _signed(json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n[]\n" + rest)
    cached.write_text(forged)
    result = run("verbinder", "molenwijk")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert cached.read_text() != forged  # the parse stored a good entry in its place
    assert run("verbinder", "molenwijk").stdout == expected


def _forged_wijk_line(path, code: str, line: bytes) -> None:
    """Replace the cache line of wijk `code` by `line`, with every checksum made to verify."""
    header, rest = _parts(path)
    fields = json.loads(header)
    columns = rest.encode().split(b"\n")
    wijken = columns[len(fields["kolommen"]):-1]
    at = json.loads(columns[0]).index(code)
    wijken[at] = line
    fields["lengtes"][at] = len(line)
    block = at // cache.BLOCK
    fields["sommen"][1][block] = zlib.crc32(b"".join(x + b"\n" for x in wijken[block * cache.BLOCK:][:cache.BLOCK]))
    body = (json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            + b"".join(x + b"\n" for x in [*columns[:len(fields["kolommen"])], *wijken]))
    path.write_bytes(cache._digest(body.partition(b"\n")[0]) + b"\n" + body)


@pytest.mark.parametrize("line", [b'{"code":"molenwijk"}', b"[]", b"{not json"], ids=["no-build", "list", "junk"])
def test_a_verifying_wijk_line_that_does_not_build_means_a_normal_parse(line, run, datadir, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    assert run("register", "molenwijk", "--name", "Platform Molenwijk", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    expected = run("show", "molenwijk", "-o", "json").stdout
    [cached] = list((tmp_path / "c").glob("*.json"))
    _forged_wijk_line(cached, "molenwijk", line)
    forged = cached.read_bytes()
    assert cache.get(datadir, None) is not None  # it verifies
    result = run("show", "molenwijk", "-o", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert cached.read_bytes() != forged  # the parse stored a good entry in its place
    _forged_wijk_line(cached, "molenwijk", line)
    result = run("update", "molenwijk", "--email", "info@molenwijk.example.org")
    assert result.exit_code == 0 and "Interne fout" not in result.stderr
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", "off")  # the files hold the change, and nothing of the forgery
    assert "info@molenwijk.example.org" in run("show", "molenwijk", "-o", "json").stdout
    assert run("check").exit_code == 0


def test_an_unwritable_or_disabled_cache_is_no_error(datadir, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(blocker / "sub"))
    assert store.load(datadir).wijken
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", "off")
    assert store.load(datadir).wijken
    assert cache.get(datadir, "x") is None


def test_the_key_covers_every_byte():
    base = {"wijken.yaml": b"a", "verbinders.yaml": b"b", "subsidieregeling.yaml": b"c"}
    keys = {cache.key(base), cache.key({**base, "wijken.yaml": b"a "}), cache.key({**base, "verbinders.yaml": b"a"})}
    assert len(keys) == 3


def test_cache_files_stay_out_of_the_data_directory(datadir):
    before = sorted(p.name for p in datadir.iterdir())
    store.load(datadir)
    assert sorted(p.name for p in datadir.iterdir()) == before


@settings(max_examples=100, deadline=None)
@given(wijken_strategy)
def test_plain_records_round_trip_through_json(wijk):
    plain = json.loads(json.dumps(to_plain(wijk, WIJK), default=str))
    assert from_plain(plain, WIJK) == wijk


def test_bundled_set_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    snap = store.snapshot(BUNDLED)
    data = snap.require_valid()
    store.remember(BUNDLED, snap.raw, data)
    entry = cache.get(BUNDLED, cache.key(snap.raw))
    assert entry is not None
    assert store.dataset(entry) == data


def test_a_write_leaves_the_cache_warm(run, datadir, monkeypatch):
    from wijkctl import yamlio

    from .conftest import MEMBERS

    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0

    def no_parsing(*args, **kwargs):
        raise AssertionError("a read after a write parsed the YAML again")

    monkeypatch.setattr(yamlio, "load_text", no_parsing)
    shown = json.loads(run("show", "molenwijk", "-o", "json").stdout)
    assert shown["organisaties"][0]["naam"] == "P"


def test_after_a_write_check_and_fmt_check_parse_nothing(run, datadir, monkeypatch):
    from wijkctl import yamlio

    from .conftest import MEMBERS

    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    real = yamlio.load_text

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed the YAML again")

    monkeypatch.setattr(yamlio, "load_text", no_parsing)
    checked = run("check", "--strict", "-o", "json")
    assert checked.exit_code == 0
    assert json.loads(checked.stdout) == {"fouten": [], "waarschuwingen": [], "opmerkingen": []}
    assert "In orde: 21 wijken" in checked.stderr
    formatted = run("fmt", "--check")
    assert formatted.exit_code == 0 and "vaste vorm" in formatted.stderr
    # a warning needs its line: then the files are read again
    monkeypatch.setattr(yamlio, "load_text", real)
    assert run("update", "molenwijk", "--remove-member", "Anna de Vries").exit_code == 0
    warned = run("check")
    assert warned.exit_code == 0 and "wijken.yaml:" in warned.stdout and "heeft 2 kernleden" in warned.stdout


def test_a_file_changed_by_hand_is_proved_canonical_again(run, datadir):
    from .conftest import MEMBERS

    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    path = datadir / "wijken.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("naam: P\n", "naam:   P\n"), encoding="utf-8")
    assert run("fmt", "--check").exit_code == 5
    refused = run("update", "molenwijk", "--email", "x@x.nl")
    assert refused.exit_code == 5 and "niet in de vaste vorm" in refused.stderr


def _text_keys_line(path) -> tuple[bytes, list[bytes]]:
    """The text_keys line of a cache file (the last column), and all its lines."""
    _header, rest = _parts(path)
    fields = json.loads(_header)
    lines = rest.encode().split(b"\n")
    return lines[len(fields["kolommen"]) - 1], lines


def test_a_write_splices_the_text_keys_of_the_wijken_it_changed(run, datadir, tmp_path, monkeypatch):
    """The keys of each wijk's lines are spliced into the stored line, not parsed and dumped;
    the result is what the layout of the file as written gives."""
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    assert run("check").exit_code == 0
    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    assert run("update", "molenwijk", "--email", "info@molenwijk.example.org").exit_code == 0
    [cached] = list((tmp_path / "c").glob("*.json"))
    from wijkctl import yamlio

    head, chunks = yamlio.split_records((datadir / "wijken.yaml").read_text(encoding="utf-8"))
    line, _lines = _text_keys_line(cached)
    assert line == cache.dumps(cache.layout(head, chunks)["text_keys"])
    entry = cache.get(datadir, None)
    assert entry is not None and entry.text_keys_with({0: "0" * 24}) == cache.dumps(
        ["0" * 24, *cache.layout(head, chunks)["text_keys"][1:]])
    assert entry.text_keys_with({0: "0" * 23}) is None  # not of a key's length: never spliced


def test_a_damaged_text_keys_line_is_never_spliced_or_written_back(run, datadir, tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    assert run("check").exit_code == 0
    assert run("register", "molenwijk", "--name", "P", "--from", "2025-01-01", *MEMBERS).exit_code == 0
    assert run("update", "molenwijk", "--email", "a@molenwijk.example.org").exit_code == 0
    [cached] = list((tmp_path / "c").glob("*.json"))
    line, _lines = _text_keys_line(cached)
    edited = line.replace(line[2:4], b"ff" if line[2:4] != b"ff" else b"00", 1)  # same length, checksum now off
    cached.write_bytes(cached.read_bytes().replace(line, edited, 1))
    entry = cache.get(datadir, None)
    assert entry is not None and entry.text_keys_with({}) is None
    result = run("update", "molenwijk", "--email", "b@molenwijk.example.org")
    assert result.exit_code == 0 and "Interne fout" not in result.stderr
    from wijkctl import yamlio

    head, chunks = yamlio.split_records((datadir / "wijken.yaml").read_text(encoding="utf-8"))
    for path in (tmp_path / "c").glob("*.json"):
        assert edited not in path.read_bytes()
    entry = cache.get(datadir, None)
    if entry is not None and entry.text_keys() is not None:  # whatever is stored is the truth
        assert entry.text_keys() == cache.layout(head, chunks)["text_keys"]
    assert run("check").exit_code == 0


def _entry_content(root) -> tuple:
    """What a cache entry for the bytes on disk holds: small files, every column, every wijk."""
    from wijkctl.index import PARTS

    entry = cache.get(root, cache.key(store.read_bytes(root)))
    assert entry is not None
    return (entry.small, [entry.index.column(p) for p in range(len(PARTS))],
            [entry.plain(pos) for pos in range(len(entry.index))], entry.text_keys(), entry.spans, entry.canonical)


@pytest.mark.parametrize("check_writes", ["0", "1"], ids=["production", "check-writes"])
def test_a_subsidy_step_from_the_cache_leaves_the_entry_a_whole_parse_would(check_writes, run, datadir, tmp_path,
                                                                          monkeypatch):
    """A step on subsidies.yaml is validated whole on the records in memory and remembered
    from the entry it started from, every wijk's quiet day anew: the entry is the one that
    parsing the files written and remembering them whole gives."""
    from .test_cache_wing import STEPS

    monkeypatch.setenv("WIJKCTL_CHECK_WRITES", check_writes)
    monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))
    assert run("register", "molenwijk", "--name", "P", "--from", "2024-01-01", *MEMBERS).exit_code == 0
    for i, step in enumerate(STEPS):
        with monkeypatch.context() as m:  # remembered from the entry the step started from, not whole

            def whole(*args, **kwargs):
                raise AssertionError("a subsidy step from the cache remembered the data set whole")

            if i:  # the first writes subsidies.yaml, absent before (and so not known canonical)
                m.setattr(store, "remember", whole)
            done = run(*step)
            assert done.exit_code == 0, (step, done.stderr, done.stdout)
        incremental = _entry_content(datadir)
        monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / f"fresh-{i}"))
        assert run("fmt", "--check").exit_code == 0  # parses, proves and remembers whole
        assert _entry_content(datadir) == incremental, step
        monkeypatch.setenv("WIJKCTL_CACHE_DIR", str(tmp_path / "c"))


def test_the_code_key_covers_the_commands(tmp_path, monkeypatch):
    """An entry may keep texts the commands made (`cache.Rendered`): an edit to a command's
    module, as to any of the package's, gives another code key."""
    package = tmp_path / "wijkctl"
    (package / "commands").mkdir(parents=True)
    (package / "cache.py").write_text("# cache\n")
    (package / "commands" / "grantsview.py").write_text("# view\n")
    monkeypatch.setattr(cache, "__file__", str(package / "cache.py"))

    def key() -> str:
        cache._CODE_KEY.clear()
        return cache.code_key()

    try:
        before = key()
        (package / "commands" / "grantsview.py").write_text("# the view, edited\n")
        assert key() != before
    finally:
        cache._CODE_KEY.clear()
