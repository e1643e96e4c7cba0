"""`publish`: the public page and its open data (CONTRACT §8), through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, MEMBERS, Run, copy_data

DAY = "2026-12-02"
OWN = {"index.html", "wijkplatforms.css", "wijkplatforms.csv", "wijkplatforms.json", ".wijkctl-publish"}
KERN = ("Anna de Vries", "anna@example.org", "Bram Jansen", "bram@example.org", "0612345678", "Cor Bakker",
        "cor@example.org")


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its relative path, byte for byte."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def publish(run: Run, site: Path, *more: str):
    return run("publish", str(site), "--on", DAY, *more)


def register(run: Run, naam: str = "Wijkplatform Molenwijk", *more: str) -> None:
    result = run("register", "molenwijk", "--name", naam, "--from", "2025-01-01", *MEMBERS, *more)
    assert result.exit_code == 0, result.output


@pytest.fixture
def bundled(tmp_path: Path) -> Run:
    return Run(copy_data(BUNDLED, tmp_path))


# --- the page ------------------------------------------------------------------------


def test_the_bundled_page_names_every_verbinder_and_binnenstad_and_is_byte_identical(bundled, tmp_path):
    site = tmp_path / "site"
    result = publish(bundled, site)
    assert result.exit_code == 0, result.output
    assert "Publieke pagina van 2 december 2026 geschreven" in result.stderr and result.stdout == ""
    first = every_file(site)
    assert set(first) == OWN
    html = first["index.html"].decode()
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"nl\">")
    assert "<title>Wijkraden en wijkplatforms in Haarlem</title>" in html and html.count("<h1>") == 1
    assert "2 december 2026" in html and "<script" not in html
    assert '<a href="mailto:contact@binnenstad023.nl">contact@binnenstad023.nl</a>' in html
    for verbinder in ("Michel de Graaf", "Karin Kranendonk", "Rosa Kant", "Ingrid Hamer", "Mirjam Boxhoorn"):
        assert verbinder in html
    assert "budget voor bewonersinitiatieven" in html  # the gemeente's sentence for a wijk without one
    assert publish(bundled, site).exit_code == 0
    assert every_file(site) == first


def test_the_open_data_holds_the_same_content(bundled, tmp_path):
    site = tmp_path / "site"
    assert publish(bundled, site).exit_code == 0
    data = json.loads((site / "wijkplatforms.json").read_text(encoding="utf-8"))
    assert data["gemeente"] == "Haarlem" and data["datum"] == DAY
    oude_stad = next(w for g in data["gebieden"] for w in g["wijken"] if w["code"] == "oude-stad")
    assert oude_stad["organisaties"] == [{
        "id": "wijkplatform-binnenstad", "soort": "wijkplatform", "naam": "Wijkplatform Binnenstad",
        "buurten": ["Binnenstad"], "van": "2024-07-01", "email": "contact@binnenstad023.nl",
        "website": "https://binnenstad023.nl"}]
    assert "Binnenstad" not in oude_stad["buurten_zonder"] and "Burgwal" in oude_stad["buurten_zonder"]
    rows = list(csv.DictReader(io.StringIO((site / "wijkplatforms.csv").read_text(encoding="utf-8"))))
    named = {r["naam"] for r in rows if r["naam"]}
    assert named == {o["naam"] for g in data["gebieden"] for w in g["wijken"] for o in w["organisaties"]}
    assert {r["wijk"] for r in rows} == {w["code"] for g in data["gebieden"] for w in g["wijken"]}
    platform = next(r for r in rows if r["organisatie"] == "wijkplatform-binnenstad")
    assert platform["email"] == "contact@binnenstad023.nl" and platform["verbinder"] == "Michel de Graaf"


def test_the_day_decides_who_is_shown(bundled, tmp_path):
    assert bundled("publish", str(tmp_path / "oud"), "--on", "2024-01-15").exit_code == 0
    html = (tmp_path / "oud" / "index.html").read_text(encoding="utf-8")
    assert "Wijkraad Binnenstad" in html and "Wijkplatform Binnenstad" not in html
    assert "15 januari 2024" in html
    assert '<a href="mailto:wijkraad@wijkraadmeerwijk.nl">' in html  # sourced, with the transition's end
    assert "Wijkraad Parkwijk-Zuiderpolder-Penningsveer" in html
    assert bundled("publish", str(tmp_path / "na"), "--on", "2025-01-01").exit_code == 0
    assert "Wijkraad Meerwijk" not in (tmp_path / "na" / "index.html").read_text(encoding="utf-8")


def test_the_bundled_data_holds_organisation_contacts_and_no_person():
    text = (BUNDLED / "wijken.yaml").read_text(encoding="utf-8")
    assert "kern:" not in text and "telefoon" not in text
    assert "info@wijkraadbinnenstadhaarlem.nl" in text and "contact@binnenstad023.nl" in text


def test_names_are_escaped_everywhere(run, tmp_path):
    register(run, "<script>alert(1)</script>", "--website", "https://x.example/?a=1&b=\"2\"")
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://x.example/?a=1&amp;b=&#34;2&#34;"' in html
    assert json.loads((site / "wijkplatforms.json").read_text())["gebieden"]


def test_a_formula_in_a_name_is_guarded_in_the_csv(run, tmp_path):
    register(run, "=HYPERLINK(\"x\")")
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((site / "wijkplatforms.csv").read_text(encoding="utf-8"))))
    assert [r["naam"] for r in rows if r["naam"]] == ["'=HYPERLINK(\"x\")"]


def test_no_kern_member_appears_in_any_published_byte(run, tmp_path):
    register(run, "Wijkplatform Molenwijk", "--email", "info@molenwijk.example", "--website",
             "https://molenwijk.example")
    site = tmp_path / "site"
    result = publish(run, site)
    assert result.exit_code == 0 and "kernlid" not in result.stderr
    published = b"".join(every_file(site).values())
    assert b"Wijkplatform Molenwijk" in published and b"info@molenwijk.example" in published
    for value in KERN:
        assert value.encode() not in published, value
    assert b"0612" not in published.replace(b" ", b"")


def test_an_organisation_address_of_a_kern_member_is_published_with_a_warning(run, tmp_path):
    register(run, "Wijkplatform Molenwijk", "--email", "Anna@Example.org")
    site = tmp_path / "site"
    result = publish(run, site)
    assert result.exit_code == 0
    assert "Anna@Example.org" in result.stderr and "kernlid" in result.stderr
    assert "Anna de Vries" not in result.stderr  # the member is not named
    assert b"mailto:Anna@Example.org" in (site / "index.html").read_bytes()


def test_without_gemeente_or_verbinder_the_page_says_so(run, datadir, tmp_path):
    path = datadir / "verbinders.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("gemeente:"), text.index("gebieden:")
    text = text[:start] + text[end:]
    text = text.replace("  verbinder:\n    naam: Michel de Graaf\n    email: mbgraaf@haarlem.nl\n", "", 1)
    path.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0, run("check").output
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Wijkraden en wijkplatforms in de gemeente</title>" in html
    assert "Gebiedsverbinder: nog geen gebiedsverbinder bekend" in html
    assert "budget voor bewonersinitiatieven" not in html


def test_the_corrections_address_is_a_mailto_link(run, datadir, tmp_path):
    path = datadir / "verbinders.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  cbs_code: GM0392\n", "  cbs_code: GM0392\n  email: wijkplatforms@haarlem.example\n"), encoding="utf-8")
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'Mail een correctie naar <a href="mailto:wijkplatforms@haarlem.example">' in html
    assert json.loads((site / "wijkplatforms.json").read_text())["correcties"] == "wijkplatforms@haarlem.example"


# --- the folder ------------------------------------------------------------------------


def test_other_files_in_the_folder_are_left_alone(run, tmp_path):
    site = tmp_path / "site"
    (site / ".git" / "objects").mkdir(parents=True)
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (site / "robots.txt").write_text("User-agent: *\n")
    (site / "img").mkdir()
    (site / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    others = every_file(site)
    assert publish(run, site).exit_code == 0
    assert publish(run, site, "--on", "2027-01-01").exit_code == 0
    after = every_file(site)
    assert {k: v for k, v in after.items() if k not in OWN} == others
    assert set(after) == set(others) | OWN


def test_the_folder_is_created_when_absent(run, tmp_path):
    site = tmp_path / "www" / "wijkplatforms"
    assert publish(run, site).exit_code == 0
    assert set(every_file(site)) == OWN


@pytest.mark.parametrize("name", ["index.html", "wijkplatforms.css", ".wijkctl-publish"])
def test_a_foreign_file_it_would_write_is_refused(run, tmp_path, name):
    site = tmp_path / "site"
    site.mkdir()
    (site / name).write_text("van iemand anders\n")
    (site / "robots.txt").write_text("User-agent: *\n")
    before = every_file(site)
    result = publish(run, site)
    assert result.exit_code == 2 and "er is niets geschreven" in result.stderr
    assert every_file(site) == before and sorted(os.listdir(site)) == sorted(before)


def test_a_file_of_an_earlier_publish_no_longer_written_is_removed(run, tmp_path):
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    marker = site / ".wijkctl-publish"
    marker.write_text(marker.read_text() + "oud.html\nweg.txt\nnaar-buiten/../x\n")
    (site / "oud.html").write_text("een oude pagina\n")
    result = publish(run, site)
    assert result.exit_code == 0 and "opgeruimd: oud.html" in result.stderr
    assert set(every_file(site)) == OWN
    assert "oud.html" not in marker.read_text()


def test_an_old_file_that_cannot_go_stays_ours_for_the_next_publish(run, tmp_path, monkeypatch):
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    marker = site / ".wijkctl-publish"
    marker.write_text(marker.read_text() + "oud.html\n")
    (site / "oud.html").write_text("een oude pagina\n")
    real = os.unlink

    def refusing(path, *args, **kwargs):
        if Path(path).name == "oud.html":
            raise OSError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refusing)
    result = publish(run, site)
    assert result.exit_code == 1 and "geen toestemming" in result.stderr and "Traceback" not in result.output
    assert "oud.html" in marker.read_text()  # still listed: not taken for someone else's file
    monkeypatch.setattr(os, "unlink", real)
    assert publish(run, site).exit_code == 0
    assert set(every_file(site)) == OWN


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_folder_that_is_a_symlink_or_a_file_is_refused(run, tmp_path, kind):
    real = tmp_path / "echt"
    real.mkdir()
    site = tmp_path / "site"
    if kind == "symlink":
        site.symlink_to(real)
    else:
        site.write_text("geen map\n")
    result = publish(run, site)
    assert result.exit_code == 2 and "er is niets geschreven" in result.stderr.lower()
    assert os.listdir(real) == []
    assert kind == "symlink" or site.read_text() == "geen map\n"


def test_a_symlink_in_place_of_an_own_file_is_refused(run, tmp_path):
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    (site / "wijkplatforms.css").unlink()
    (site / "wijkplatforms.css").symlink_to(tmp_path / "elders.css")
    before = every_file(site)
    result = publish(run, site)
    assert result.exit_code == 2 and "symbolische koppeling" in result.stderr
    assert every_file(site) == before and not (tmp_path / "elders.css").exists()


def test_a_marker_that_is_not_ours_is_refused(run, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / ".wijkctl-publish").write_text("index.html\n")
    (site / "index.html").write_text("<p>handwerk</p>\n")
    before = every_file(site)
    result = publish(run, site)
    assert result.exit_code == 2 and "merkbestand" in result.stderr
    assert every_file(site) == before


def test_a_folder_another_publish_holds_is_busy(run, tmp_path):
    import fcntl

    site = tmp_path / "site"
    site.mkdir()
    fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = run("publish", str(site), env={"WIJKCTL_LOCK_TIMEOUT": "0.2"})
    finally:
        os.close(fd)
    assert result.exit_code == 6 and "bezet" in result.stderr and "publish" in result.stderr
    assert os.listdir(site) == []


@pytest.mark.parametrize("args", [["--on", "gisteren"], ["--on", "2025-13-01"]])
def test_a_bad_date_writes_nothing(run, tmp_path, args):
    site = tmp_path / "site"
    result = run("publish", str(site), *args)
    assert result.exit_code == 2 and "Ongeldige datum" in result.stderr
    assert not site.exists()


def test_an_empty_folder_name_is_refused(run):
    result = run("publish", " ")
    assert result.exit_code == 2 and "leeg" in result.stderr


def test_a_failed_write_leaves_the_previous_page_whole(run, tmp_path, monkeypatch):
    site = tmp_path / "site"
    assert publish(run, site).exit_code == 0
    before = every_file(site)
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    result = publish(run, site, "--on", "2027-06-01")
    assert result.exit_code == 1 and "de schijf is vol" in result.stderr and "Traceback" not in result.output
    monkeypatch.setattr(os, "replace", real)
    assert every_file(site) == before and len(calls) >= 3


def test_a_refusal_in_a_new_folder_leaves_no_folder(run, tmp_path):
    site = tmp_path / "nieuw"
    datadir = run.datadir
    (datadir / "wijken.yaml").write_text("versie: 3\nwijken: [\n", encoding="utf-8")
    result = publish(run, site)
    assert result.exit_code == 5 and not site.exists()


def test_the_dutch_alias(bundled, tmp_path):
    assert bundled("publiceer", str(tmp_path / "site"), "--on", DAY).exit_code == 0
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_look_up_never_imports_jinja2(datadir):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "wijkctl", "--data-dir", str(datadir),
                           "verbinder", "molenwijk"], capture_output=True, text=True, check=True)
    assert "jinja2" not in done.stderr and "markupsafe" not in done.stderr and "wijkctl.publish" not in done.stderr
