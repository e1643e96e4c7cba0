"""An organisation's public contact (CONTRACT §1: `email`/`website`, also for a wijkraad),
set through the one declared option group and shown by show, list and verbinder without
`--contact`; the kern's personal data stays behind `--contact` (issue 24 item 1)."""

from __future__ import annotations

import json

import pytest
import typer

from wijkctl import model
from wijkctl.cli import build_app

from .conftest import MEMBERS, add_wijkraad, snapshot_bytes

RAAD = "wijkraad@meerwijk.example.org"
SITE = "https://wijkraadmeerwijk.example.org"
KERN_DATA = ("anna@example.org", "bram@example.org", "cor@example.org", "0612345678")


def _ok(result):
    assert result.exit_code == 0, result.output
    return result


def _refused(run, datadir, code, *args):
    before = snapshot_bytes(datadir)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert snapshot_bytes(datadir) == before
    assert "Traceback" not in result.output
    return result


def _org(datadir, naam):
    from wijkctl.store import load

    return next(o for w in load(datadir).wijken for o in w.organisaties if o.naam == naam)


def test_register_a_wijkraad_with_its_public_contact_and_source(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "1990-01-01", "--email", RAAD, "--website", SITE,
                 "--source", "https://haarlem.nl/wijkraden")
    org = _org(datadir, "Wijkraad Meerwijk")
    assert (org.email, org.website, org.bron) == (RAAD, SITE, "https://haarlem.nl/wijkraden")


@pytest.mark.parametrize(("args", "says"), [
    (("--kvk", "12345678"), "KvK"),
    (("--legal-form", "stichting"), "rechtsvorm"),
    (MEMBERS, "kern"),
    (("--email", RAAD, "--kvk", "12345678"), "--kvk"),
])
def test_a_wijkraad_gets_no_kern_legal_form_or_kvk(run, datadir, args, says):
    result = _refused(run, datadir, 2, "register", "meerwijk", "--wijkraad", "--name", "Wijkraad Meerwijk",
                      "--from", "1990-01-01", *args)
    assert "Een wijkraad krijgt geen" in result.stderr and says in result.stderr


def test_a_bad_contact_is_refused_before_the_data_is_read(run, datadir):
    result = _refused(run, datadir, 2, "register", "meerwijk", "--wijkraad", "--name", "Wijkraad Meerwijk",
                      "--email", "geen-adres")
    assert "e-mailadres" in result.stderr
    _refused(run, datadir, 2, "register", "meerwijk", "--wijkraad", "--name", "Wijkraad Meerwijk", "--website", "")


def test_update_sets_and_clears_a_wijkraads_contact(run, datadir):
    add_wijkraad(datadir)
    result = _ok(run("update", "meerwijk", "--email", RAAD, "--website", SITE))
    assert "e-mail" in result.stderr and "website" in result.stderr
    org = _org(datadir, "Wijkraad Meerwijk")
    assert (org.email, org.website) == (RAAD, SITE)
    _ok(run("update", "meerwijk", "--email", ""))
    assert _org(datadir, "Wijkraad Meerwijk").email is None
    again = _ok(run("update", "meerwijk", "--website", SITE))  # already so: exit 0, nothing written
    assert "Niets te wijzigen" in again.stderr


@pytest.mark.parametrize("args", [
    ("--kvk", "12345678"),
    ("--legal-form", "informeel"),
    ("--email", RAAD, "--kvk", "12345678"),
    ("--name", "Wijkraad Meerwijk-Oost"),
    ("--email", RAAD, "--add-member", "Anna <anna@example.org>"),
])
@pytest.mark.parametrize("org", [(), ("--org", "wijkraad-meerwijk")])
def test_update_refuses_for_a_wijkraad_what_it_does_not_hold(run, datadir, args, org):
    """Found in the data to be a wijkraad: refused by a rule (exit 4), whether found as the
    one active or by --org."""
    add_wijkraad(datadir)
    result = _refused(run, datadir, 4, "update", "meerwijk", *org, *args)
    assert "wijkraad" in result.stderr


def test_update_of_the_contact_still_means_the_platform_where_one_is_active(run, datadir):
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "1990-01-01", "--buurt", "Archimedesbuurt")
    _ok(run("register", "meerwijk", "--name", "Wijkplatform Meerwijk", "--from", "2024-07-01", "--buurt",
            "Erasmusbuurt", *MEMBERS))
    _ok(run("update", "meerwijk", "--email", "info@platform.example.org"))
    assert _org(datadir, "Wijkplatform Meerwijk").email == "info@platform.example.org"
    assert _org(datadir, "Wijkraad Meerwijk").email is None
    _ok(run("update", "meerwijk", "--org", "wijkraad-meerwijk", "--email", RAAD))
    assert _org(datadir, "Wijkraad Meerwijk").email == RAAD


def test_update_sets_the_source_too(run, datadir):
    _ok(run("register", "meerwijk", "--name", "Wijkplatform Meerwijk", "--from", "2024-07-01", *MEMBERS))
    _ok(run("update", "meerwijk", "--source", "https://example.org/besluit"))
    assert _org(datadir, "Wijkplatform Meerwijk").bron == "https://example.org/besluit"


@pytest.fixture
def both(run, datadir):
    """Meerwijk with a wijkraad on one buurt and a platform with a kern on another, both
    with a public contact; today is after both started."""
    add_wijkraad(datadir, "meerwijk", "Wijkraad Meerwijk", "1990-01-01", "--buurt", "Archimedesbuurt",
                 "--email", RAAD)
    _ok(run("register", "meerwijk", "--name", "Wijkplatform Meerwijk", "--from", "2024-07-01", "--buurt",
            "Erasmusbuurt", "--email", "info@platform.example.org", "--website", SITE, *MEMBERS))
    return run


def _no_kern_data(text: str) -> None:
    for personal in KERN_DATA:
        assert personal not in text


def test_show_gives_the_public_contact_without_contact_and_never_the_kerns(both):
    table = _ok(both("show", "meerwijk"))
    assert "Contact vandaag" in table.stdout
    assert RAAD in table.stdout and "info@platform.example.org" in table.stdout and SITE in table.stdout
    _no_kern_data(table.stdout + table.stderr)
    record = json.loads(_ok(both("show", "meerwijk", "-o", "json")).stdout)
    emails = {o["naam"]: o.get("email") for o in record["organisaties"]}
    assert emails == {"Wijkraad Meerwijk": RAAD, "Wijkplatform Meerwijk": "info@platform.example.org"}
    _no_kern_data(json.dumps(record))
    asked = _ok(both("show", "meerwijk", "--contact"))
    assert "anna@example.org" in asked.stdout and "0612345678" in asked.stdout


def test_list_json_lists_each_organisations_public_contact(both):
    rows = json.loads(_ok(both("list", "-o", "json")).stdout)
    meerwijk = next(r for r in rows if r["code"] == "meerwijk")
    contact = {o["id"]: (o["email"], o["website"]) for o in meerwijk["organisaties"]}
    assert contact == {"wijkraad-meerwijk": (RAAD, None),
                       "wijkplatform-meerwijk": ("info@platform.example.org", SITE)}
    _no_kern_data(json.dumps(rows))


def test_verbinder_json_names_the_organisations_covering_the_wijk_or_buurt(both):
    wijk = json.loads(_ok(both("verbinder", "meerwijk", "-o", "json")).stdout)
    assert {o["id"]: o["email"] for o in wijk["organisaties"]} == {
        "wijkraad-meerwijk": RAAD, "wijkplatform-meerwijk": "info@platform.example.org"}
    buurt = json.loads(_ok(both("verbinder", "Erasmusbuurt", "-o", "json")).stdout)
    assert [(o["id"], o["email"], o["website"]) for o in buurt["organisaties"]] == [
        ("wijkplatform-meerwijk", "info@platform.example.org", SITE)]
    nobody = json.loads(_ok(both("verbinder", "Meerwijkplas", "-o", "json")).stdout)
    assert nobody["organisaties"] == [] and nobody["organisatie"] is None
    for result in (wijk, buurt):
        _no_kern_data(json.dumps(result))


def test_every_declared_detail_is_an_option_of_register_convert_and_update():
    """The option group comes from the declarations: a settable field declared in
    model.py is an option of the three commands, with its declared help."""
    settable = model.settable(model.Organisatie)
    assert {key for key, _optie in settable} >= {"bron", "rechtsvorm", "kvk", "email", "website"}
    for name in ("register", "convert", "update"):
        command = typer.main.get_command(build_app(name)).commands[name]
        options = {opt: p for p in command.params for opt in p.opts}
        for _key, optie in settable:
            assert optie.vlag in options, (name, optie.vlag)
            assert options[optie.vlag].help == optie.help
