"""git integration: `merge-driver` (git calls it), `git-setup` (wires it in)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from wijkctl import fileio
from wijkctl.commands.common import FileOpt, OutputOpt, WriteOutputOpt, data_dir, message
from wijkctl.errors import UsageError, WriteFailed
from wijkctl.gitops import ATTRIBUTES
from wijkctl.gitops import git as _git
from wijkctl.output import WriteFormat
from wijkctl.store import DATA_FILES, MAX_FILE_BYTES
from wijkctl.text import aantal

CONFLICT = 1  # git's convention for a merge driver that leaves conflicts


def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="De gemeenschappelijke voorouder (git: %O).")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="Onze versie; hier komt het resultaat (git: %A).")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="Hun versie (git: %B).")],
    path: Annotated[str | None, typer.Argument(metavar="[PATH]", help="Het pad in de repository (git: %P).")] = None,
) -> None:
    """Git-merge-driver: voegt een gegevensbestand per record en veld samen en controleert het resultaat."""
    from wijkctl.merge import CannotMerge, merge_text

    if ours.is_symlink():  # git gives its own temporary file; never write through a link
        raise UsageError(f"wijkctl merge-driver: {ours} is een symbolische koppeling; daar schrijft wijkctl niet "
                         "doorheen. Er is niets veranderd.")
    texts = [_read(p) for p in (base, ours, theirs)]
    name = _data_file(path, texts[1])
    shown = path or name or str(ours)
    if name is None or any(t is None for t in texts):
        _fallback(base, ours, theirs, shown, "geen gegevensbestand van wijkctl of niet als UTF-8 te lezen", name, path)
        return
    try:
        result = merge_text(name, texts[0] or "", texts[1] or "", texts[2] or "", _others(path, name))
    except CannotMerge as why:
        _fallback(base, ours, theirs, shown, str(why), name, path)
        return
    _write(ours, result.text)
    if result.clean:
        return
    _conflict(shown, result.conflicts, "Tussen <<<<<<< en >>>>>>> staan alleen die records, eerst onze versie en "
                                       "dan die van de ander. Kies of combineer")


def _conflict(shown: str, conflicts: list[Any], hint: str) -> None:
    """Report the conflicts (names and fields, never kern contact data) and exit 1."""
    records = sorted({c.record for c in conflicts})
    lines = [f"  {c}" for c in conflicts[:20]]
    if len(conflicts) > 20:
        lines.append(f"  … en nog {len(conflicts) - 20}.")
    message(
        f"wijkctl merge-driver: conflict in {shown}, in {', '.join(records)}:\n" + "\n".join(lines) + "\n"
        f"{hint}, draai 'wijkctl check --strict' en daarna 'git add'."
    )
    raise typer.Exit(CONFLICT)


def _read(path: Path) -> str | None:
    try:
        return fileio.read_regular(path, MAX_FILE_BYTES).decode("utf-8")
    except FileNotFoundError:
        return ""  # git passes an empty base when both sides added the file
    except (fileio.Unreadable, UnicodeDecodeError):
        return None


def _data_file(path: str | None, ours: str | None) -> str | None:
    """Which data file this is: by git's path, else by the list key in the text."""
    if path:
        base = path.replace("\\", "/").rsplit("/", 1)[-1]
        return base if base in DATA_FILES else None
    from wijkctl.schema import FILES

    for name, list_key in ((n, f.list_key) for n, f in FILES.items()):
        if ours and f"\n{list_key}:" in ours:
            return name
    return None


def _others(path: str | None, name: str) -> dict[str, list[Any]]:
    """The records of the other data files as they are in the work tree (git runs the
    driver from the top of the work tree), for the rules that look across files; a
    file that does not load cleanly (it may be mid-merge itself) counts as empty."""
    from wijkctl.schema import FILES
    from wijkctl.yamlio import load_text

    folder = Path(path).parent if path else Path()
    out: dict[str, list[Any]] = {}
    for other in FILES:
        if other == name:
            continue
        text = _read(folder / other)
        if text:
            loaded = load_text(other, text)
            if not loaded.problems:
                out.update(loaded.parts(other))
    return out


def _write(target: Path, text: str) -> None:
    """Replace git's file OURS by the result (a temporary file renamed over it)."""
    import tempfile

    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".wijkctl-merge-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8"))
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        raise WriteFailed(f"Kan het resultaat niet naar {target} schrijven: {fileio.reason(exc)}.") from None


def _fallback(base: Path, ours: Path, theirs: Path, shown: str, why: str, name: str | None, path: str | None) -> None:
    """git's own line merge (`git merge-file`), so nothing is lost; its result in OURS.
    For a data file the result is then read and checked like any merge: what it breaks,
    or what cannot be checked, is a conflict (exit 1). A missing BASE is an empty one."""
    import stat
    import tempfile

    for p in (base, ours, theirs):
        try:
            regular = stat.S_ISREG(os.stat(p).st_mode)
        except FileNotFoundError:
            if p is base:
                continue
            raise UsageError(f"wijkctl merge-driver: {p} is niet te lezen: bestaat niet.") from None
        except OSError as exc:
            raise UsageError(f"wijkctl merge-driver: {p} is niet te lezen: {fileio.reason(exc)}.") from None
        if not regular:  # git merge-file would wait on a FIFO for ever
            raise UsageError(f"wijkctl merge-driver: {p} is geen gewoon bestand.")
    before = [_read(ours), _read(theirs)]
    message(f"wijkctl merge-driver: {shown}: {why}; git voegt dit bestand regel voor regel samen.")
    with tempfile.TemporaryDirectory(prefix="wijkctl-merge-") as tmp:
        if not base.exists():
            base = Path(tmp) / "base"
            base.write_bytes(b"")
        try:
            done = subprocess.run(
                ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)],
                stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
            )
        except OSError as exc:
            raise WriteFailed(f"git merge-file start niet: {fileio.reason(exc)}.") from None
    if done.returncode < 0 or done.returncode > 127:
        raise WriteFailed(f"git merge-file mislukte: {done.stderr.strip()}")
    if done.returncode:
        raise typer.Exit(CONFLICT)
    if name is not None:
        _check_line_merge(ours, shown, name, path, before)


def _check_line_merge(ours: Path, shown: str, name: str, path: str | None, before: list[str | None]) -> None:
    """A clean line merge of a data file stands only when its result passes the rules."""
    from wijkctl.merge import Conflict, check_merged

    merged = _read(ours)
    if merged is None or None in before:
        conflicts = [Conflict(name, "", "een kant of het resultaat is niet als UTF-8 te lezen; niet te controleren")]
    else:
        conflicts = check_merged(name, merged, before[0] or "", before[1] or "", _others(path, name))
    if conflicts:
        _conflict(shown, conflicts, "git voegde de regels samen zonder markeringen, maar het resultaat breekt een "
                                    "regel; herstel het")


# --- git-setup ---------------------------------------------------------------------

# Hunk headers of `git diff` name the record: the line that starts a wijk, gebied, regeling or subsidie.
XFUNCNAME = "^(- (code|jaar|id): .*)$"  # git shows the first group
# git looks for that line above a hunk's leading context: with its default 3 lines a change to
# a gebied's verbinder (lines 3 and 4 of its record) would be named after the gebied before it
HUNK_CONTEXT = "1"


def git_setup(ctx: typer.Context, output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Laat git de gegevensbestanden per record samenvoegen (wijkctl merge-driver) en wijken noemen in diffs."""
    root = data_dir(ctx)
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(f"{root} staat niet in een git-werkmap; 'git init' eerst.")
    said = [_attributes(root)]
    driver = f"{shlex.quote(sys.executable)} -m wijkctl merge-driver %O %A %B %P"
    config = {"merge.wijkctl.name": "wijkctl: per wijk, organisatie en veld samenvoegen",
              "merge.wijkctl.driver": driver, "diff.wijkctl.xfuncname": XFUNCNAME, "diff.context": HUNK_CONTEXT}
    gezet = []
    for key, value in config.items():
        now = _git(root, "config", "--local", "--get", key).stdout.strip()
        if now == value:
            said.append(f"git config {key}: was al zo.")
            continue
        if _git(root, "config", "--local", key, value).returncode != 0:
            raise WriteFailed(f"git config {key} zetten mislukte.")
        said.append(f"git config {key} = {value}")
        gezet.append(key)
    if output != WriteFormat.table:  # for scripts: what is set now, and what this run changed
        from wijkctl.output import Report, render

        render(Report({"gitattributes": str(root / ".gitattributes"), "config": config, "gezet": gezet,
                       "samenvatting": said[0]}, []), output)
    message("\n".join(said) + "\nKlaar: git voegt de gegevensbestanden nu per record samen. Gebruik nooit merge=union "
            "voor deze bestanden: dat plakt beide versies achter elkaar en kan ongemerkt ongeldige gegevens maken.")


def _attributes(root: Path) -> str:
    path = root / ".gitattributes"
    try:
        text = fileio.read_regular(path, 1024 * 1024).decode("utf-8")
    except FileNotFoundError:
        text = ""
    except (fileio.Unreadable, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is niet te lezen: {getattr(exc, 'reden', exc)}.") from None
    present = {line.strip() for line in text.splitlines()}
    union = [line for line in present if "merge=union" in line and any(n in line for n in DATA_FILES)]
    if union:
        raise UsageError(f"{path} zet merge=union voor gegevensbestanden ({union[0]}); haal die regel weg: "
                         "union plakt beide versies achter elkaar en maakt ongemerkt ongeldige gegevens.")
    missing = [line for line in ATTRIBUTES if line not in present]
    if not missing:
        return f"{path}: was al zo."
    new = text + ("" if not text or text.endswith("\n") else "\n") + "".join(f"{line}\n" for line in missing)
    try:
        fileio.replace_files(root, {".gitattributes": new.encode("utf-8")})
    except OSError as exc:
        raise WriteFailed(f"Kan {path} niet schrijven: {fileio.reason(exc)}.") from None
    return f"{path}: {aantal(len(missing), 'regel', 'regels')} toegevoegd."


# --- diff ----------------------------------------------------------------------------


def diff(
    ctx: typer.Context,
    rev: Annotated[str | None, typer.Argument(metavar="[REV]", help="De oude revisie (standaard HEAD).")] = None,
    rev2: Annotated[str | None, typer.Argument(metavar="[REV2]", help="De nieuwe revisie (standaard de "
                                                                      "werkmap).")] = None,
    contact: Annotated[bool, typer.Option("--contact", help="Toon ook e-mail en telefoon van kernleden.")] = False,
    output: OutputOpt = "table",  # type: ignore[assignment]
    file: FileOpt = None,
) -> None:
    """Wat er veranderde tussen twee versies van de gegevens, per wijk, organisatie en veld, en wat het kost."""
    from wijkctl import semdiff, store, text
    from wijkctl.output import Block, Column, Report, render

    root = data_dir(ctx)
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        raise UsageError(f"{root} staat niet in een git-werkmap; 'wijkctl diff' vergelijkt git-revisies.")
    old_rev = rev or "HEAD"
    old = _revision(root, prefix.stdout.strip(), old_rev)
    new = _revision(root, prefix.stdout.strip(), rev2) if rev2 else store.load(root)
    rows = semdiff.changes(old, new, contact=contact)
    geld = semdiff.money(old, new, semdiff.years(old, new, text.today()))
    waar = f"{old_rev} en {rev2 or 'de werkmap'}"
    if not rows and not geld:
        message(f"Geen verschil in de gegevens tussen {waar}.")
    columns = [Column("bestand", "Bestand", drop=3), Column("wijk", "Wijk", unknown="–"),
               Column("organisatie", "Organisatie", unknown="–", drop=1), Column("veld", "Veld", unknown="–"),
               Column("wijziging", "Wijziging", drop=2), Column("oud", "Oud", unknown="–"),
               Column("nieuw", "Nieuw", unknown="–")]
    money_cols = [Column("jaar", "Jaar", "year"), Column("wijk", "Wijk"), Column("naam", "Platform", drop=1),
                  Column("oud", "Oud", "money", unknown="–"), Column("nieuw", "Nieuw", "money", unknown="–")]
    public = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]  # the words are for people
    shown = [{k: (_cell(v) if k in ("oud", "nieuw") else v) for k, v in r.items()} for r in public]
    blocks = [Block(columns, shown, title=f"Gewijzigd tussen {waar}")] if rows else []
    if geld:
        blocks.append(Block(money_cols, geld, title="Subsidie die daardoor anders uitkomt"))
    render(Report(public + geld, blocks, plain=_lines(rows, geld, waar, old, new), wrap=True), output, file)


def _lines(rows: list[dict[str, Any]], geld: list[dict[str, Any]], waar: str, old: Any, new: Any) -> list[str]:
    """The change as a reviewer reads it: one sentence per field, in words (semdiff.in_words),
    then the subsidies that change with it."""
    from wijkctl import semdiff
    from wijkctl.text import euro

    lines = [f"Gewijzigd tussen {waar}:", *(f"  {semdiff.in_words(r, old, new)}" for r in rows)] if rows else []
    if geld:
        names = {w.code: w.naam for d in (old, new) for w in d.wijken}
        lines += ["" if lines else None, "Subsidie die daardoor anders uitkomt:"]
        lines += [f"  {r['jaar']} {names.get(r['wijk'], r['wijk'])}, {r['naam']}: "
                  f"{euro(r['oud']) if r['oud'] is not None else '–'} → "
                  f"{euro(r['nieuw']) if r['nieuw'] is not None else '–'}" for r in geld]
    return [line for line in lines if line is not None]


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _revision(root: Path, prefix: str, rev: str) -> Any:
    """The data set as committed in `rev`; a file absent there counts as empty."""
    from wijkctl import model
    from wijkctl.errors import InvalidData
    from wijkctl.schema import FILES
    from wijkctl.yamlio import load_text

    if rev.startswith("-") or _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise UsageError(f"Onbekende git-revisie '{rev}'.")
    records = {}
    for name, attr in ((n, f.attr) for n, f in FILES.items()):
        shown = _git(root, "show", f"{rev}:{prefix}{name}")
        if shown.returncode != 0:
            records[attr] = []
            continue
        loaded = load_text(name, shown.stdout)
        if loaded.problems:
            raise InvalidData(f"{name} in {rev} is ongeldig: {loaded.problems[0]}")
        records.update(loaded.parts(name))
    return model.Dataset(**records)


COMMANDS = {"merge-driver": merge_driver, "git-setup": git_setup, "diff": diff}
