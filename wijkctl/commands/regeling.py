"""`regeling add` and `regeling set`: the subsidieregeling by command. Thin: parse the typed
input, `wijkctl.regeling` changes the data, `transaction` writes."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer

from wijkctl import invoer, model, transaction
from wijkctl.commands.common import CommitOpt, DryRunOpt, WriteOutputOpt, data_dir, written
from wijkctl.output import WriteFormat

Status = Enum("Status", {v: v for v in model.REGELING_STATUS}, type=str)  # type: ignore[misc]
Maatstaf = Enum("Maatstaf", {v: v for v in model.MAATSTAVEN}, type=str)  # type: ignore[misc]

YearOpt = Annotated[str, typer.Option("--year", "-j", metavar="JAAR", help="Het jaar waarin de regeling ingaat.")]
SetYearOpt = Annotated[str, typer.Option(
    "--year", "-j", metavar="JAAR", help="De regeling van dit jaar (het jaar waarin ze ingaat).")]
LikeOpt = Annotated[str | None, typer.Option(
    "--like", metavar="JAAR", help="Neem de regeling van dit jaar over (anders: de laatste van vóór --year).")]
NameOpt = Annotated[str | None, typer.Option("--name", metavar="NAAM", help="De naam van de regeling.")]
SourceOpt = Annotated[str | None, typer.Option(
    "--source", metavar="BRON", help="Waar de regeling staat, bijvoorbeeld CVDR716154.")]
StatusOpt = Annotated[Status | None, typer.Option(
    "--status", metavar="STATUS", help="concept of vastgesteld.")]
PlafondOpt = Annotated[str | None, typer.Option(
    "--plafond", metavar="BEDRAG", help="Het subsidieplafond per jaar in hele euro's, of 'geen'.")]
BasisOpt = Annotated[str | None, typer.Option(
    "--basisbedrag", metavar="BEDRAG", help="Het basisbedrag voor een volledig jaar, in hele euro's.")]
MaximumOpt = Annotated[str | None, typer.Option(
    "--maximum", metavar="BEDRAG", help="Het maximum voor een volledig jaar, in hele euro's.")]
ToeslagOpt = Annotated[str | None, typer.Option(
    "--toeslag", metavar="NAAM", help="De toeslag die --amount, --staffel of --maatstaf wijzigt (of toevoegt).")]
MaatstafOpt = Annotated[Maatstaf | None, typer.Option(
    "--maatstaf", metavar="MAATSTAF", help="Waar de toeslag naar kijkt; nodig voor een nieuwe toeslag.")]
AmountOpt = Annotated[str | None, typer.Option(
    "--amount", metavar="BEDRAG", help="De toeslag: dit bedrag als de wijk boven het gemiddelde zit.")]
StaffelOpt = Annotated[list[str] | None, typer.Option(
    "--staffel", metavar="VANAF=BEDRAG", help="De toeslag in staffels: 7500=1000 (een decimaal met een komma: "
                                              "35,5=1500); de hoogste staffel tot de waarde telt.")]

_PROCEDURE_HELP = {
    "aanvragen_vanaf": "De eerste dag voor aanvragen, in het jaar vóór het subsidiejaar: MM-DD ('geen': 11-01).",
    "aanvragen_voor": "De dag waarvóór een aanvraag binnen moet zijn: MM-DD, of 'geen'.",
    "beslistermijn_weken": "Weken na de aanvraag tot het besluit ('geen': 8).",
    "verantwoording_voor": "De dag waarvóór de verantwoording binnen moet zijn, in het jaar na het subsidiejaar: "
                           "MM-DD, of 'geen' (onbekend).",
    "vaststelling_weken": "Weken na de verantwoording tot de vaststelling, of 'geen' (onbekend).",
}


def _termijn(key: str, metavar: str) -> Any:
    """The option of one of the regeling's terms: its flag from `regeling.PROCEDURE`."""
    from wijkctl.regeling import PROCEDURE

    return Annotated[str | None, typer.Option(PROCEDURE[key][1], metavar=metavar, help=_PROCEDURE_HELP[key])]


VanafOpt = _termijn("aanvragen_vanaf", "MM-DD")
VoorOpt = _termijn("aanvragen_voor", "MM-DD")
BeslisOpt = _termijn("beslistermijn_weken", "WEKEN")
VerantwoordingOpt = _termijn("verantwoording_voor", "MM-DD")
VaststellingOpt = _termijn("vaststelling_weken", "WEKEN")


def _procedure(**typed: str | None) -> dict[str, Any]:
    """The procedure options as typed: MM-DD days and numbers of weeks, `geen` to remove (exit 2 for a bad value)."""
    import dataclasses

    from wijkctl import regeling

    kinds = {f.name: f.metadata.get("kind") for f in dataclasses.fields(model.Regeling)}
    gelezen: dict[str, Any] = {}
    for key, value in typed.items():
        if value is None:
            continue
        option = regeling.PROCEDURE[key][1]
        if value.strip(" ").lower() in (regeling.GEEN, "onbekend"):
            gelezen[key] = regeling.GEEN
        elif kinds[key] == "int":  # weeks; the days are `mmdd`
            gelezen[key] = invoer.weken(value, option)
        else:
            gelezen[key] = invoer.maanddag(value, option)
    return gelezen


def _wijziging(*, name: str | None, source: str | None, status: Any, plafond: str | None, basisbedrag: str | None,
               maximum: str | None, toeslag: str | None, maatstaf: Any, amount: str | None,
               staffel: list[str] | None, **procedure: str | None) -> Any:
    """The typed options as one `regeling.Wijziging` (exit 2 for a bad value)."""
    from wijkctl import regeling

    return regeling.Wijziging(
        naam=name, bron=source, status=status.value if status else None,
        plafond=regeling.plafond(plafond) if plafond is not None else None,
        basisbedrag=invoer.bedrag(basisbedrag, "--basisbedrag") if basisbedrag is not None else None,
        maximum=invoer.bedrag(maximum, "--maximum") if maximum is not None else None,
        toeslag=toeslag, maatstaf=maatstaf.value if maatstaf else None,
        boven_gemiddelde=invoer.bedrag(amount, "--amount") if amount is not None else None,
        staffels=tuple(regeling.staffel(s) for s in staffel or ()), **_procedure(**procedure))


def _write(ctx: typer.Context, change: Any, dry_run: bool, commit: bool, output: WriteFormat) -> None:
    from wijkctl.schema import REGELING, to_plain

    outcome = transaction.apply(data_dir(ctx), change, dry_run=dry_run, commit=commit)
    record = outcome.resultaat
    written(outcome, output, lambda: {"jaar": record.jaar, "regeling": to_plain(record, REGELING)})


def add(ctx: typer.Context, year: YearOpt, like: LikeOpt = None, name: NameOpt = None, source: SourceOpt = None,
        plafond: PlafondOpt = None, basisbedrag: BasisOpt = None, maximum: MaximumOpt = None,
        toeslag: ToeslagOpt = None, maatstaf: MaatstafOpt = None, amount: AmountOpt = None,
        staffel: StaffelOpt = None, aanvragen_vanaf: VanafOpt = None, aanvragen_voor: VoorOpt = None,
        beslistermijn_weken: BeslisOpt = None, verantwoording_voor: VerantwoordingOpt = None,
        vaststelling_weken: VaststellingOpt = None, dry_run: DryRunOpt = False, commit: CommitOpt = False,
        output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Voeg de regeling van een nieuw jaar toe, als concept.

    Een kopie van de vorige regeling (of die van --like) met de gegeven wijzigingen. Zonder eerdere regeling
    zijn --name, --basisbedrag en --maximum nodig."""
    from wijkctl import regeling

    jaar = invoer.jaar(year, "--year")
    van = invoer.jaar(like, "--like") if like is not None else None
    w = _wijziging(name=name, source=source, status=None, plafond=plafond, basisbedrag=basisbedrag, maximum=maximum,
                   toeslag=toeslag, maatstaf=maatstaf, amount=amount, staffel=staffel,
                   aanvragen_vanaf=aanvragen_vanaf, aanvragen_voor=aanvragen_voor,
                   beslistermijn_weken=beslistermijn_weken, verantwoording_voor=verantwoording_voor,
                   vaststelling_weken=vaststelling_weken)
    _write(ctx, lambda d: regeling.add(d, jaar, van, w), dry_run, commit, output)


def set_(ctx: typer.Context, year: SetYearOpt, status: StatusOpt = None, plafond: PlafondOpt = None,
         basisbedrag: BasisOpt = None, maximum: MaximumOpt = None, toeslag: ToeslagOpt = None,
         maatstaf: MaatstafOpt = None, amount: AmountOpt = None, staffel: StaffelOpt = None,
         name: NameOpt = None, source: SourceOpt = None, aanvragen_vanaf: VanafOpt = None,
         aanvragen_voor: VoorOpt = None, beslistermijn_weken: BeslisOpt = None,
         verantwoording_voor: VerantwoordingOpt = None, vaststelling_weken: VaststellingOpt = None,
         dry_run: DryRunOpt = False, commit: CommitOpt = False,
         output: WriteOutputOpt = "table") -> None:  # type: ignore[assignment]
    """Wijzig de regeling van een jaar: status, plafond, bedragen, termijnen of een toeslag.

    Een plafond onder wat in een jaar van de regeling al is verleend, wordt geweigerd."""
    from wijkctl import regeling

    jaar = invoer.jaar(year, "--year")
    w = _wijziging(name=name, source=source, status=status, plafond=plafond, basisbedrag=basisbedrag,
                   maximum=maximum, toeslag=toeslag, maatstaf=maatstaf, amount=amount, staffel=staffel,
                   aanvragen_vanaf=aanvragen_vanaf, aanvragen_voor=aanvragen_voor,
                   beslistermijn_weken=beslistermijn_weken, verantwoording_voor=verantwoording_voor,
                   vaststelling_weken=vaststelling_weken)
    _write(ctx, lambda d: regeling.set_(d, jaar, w), dry_run, commit, output)


GROUP_HELP = {"regeling": "Beheer de subsidieregeling per jaar: een nieuw jaar toevoegen of een regeling wijzigen."}
COMMANDS = {"regeling": {"add": add, "set": set_}}
