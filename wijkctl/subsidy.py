"""The subsidy computation of CONTRACT §2, pure: records and Decimals in, Decimals out.

`bereken` gives one wijk's amount with every part it was made of, so `uitleg` can tell
the whole computation in Dutch and a reader can recompute it by hand. Averages are
computed once per regeling and data set (`gemiddelden`, kept in a `Grondslag` with the
rest of what a year's computation shares), not once per wijk or platform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from decimal import ROUND_HALF_UP, Decimal

from wijkctl import model
from wijkctl.errors import NotFound
from wijkctl.records import record
from wijkctl.text import datum, euro, getal, opsomming

ONE = Decimal(1)


def round_half_up(value: Decimal) -> int:
    """Whole euros, halves rounded away from zero (never banker's rounding)."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))


def regeling_voor(regelingen: list[model.Regeling], jaar: int) -> model.Regeling:
    """The regeling in force in `jaar`: the largest `jaar` <= the year asked."""
    kandidaten = [r for r in regelingen if r.jaar <= jaar]
    if not kandidaten:
        eerste = min((r.jaar for r in regelingen), default=None)
        extra = f" De eerste regeling geldt vanaf {eerste}." if eerste else " Er is geen enkele regeling."
        raise NotFound(f"Geen subsidieregeling voor {jaar}.{extra} Een regeling voeg je toe met "
                       f"'wijkctl regeling add --year {jaar}'.")
    return max(kandidaten, key=lambda r: r.jaar)


def gemiddelden(wijken: list[model.Wijk], regeling: model.Regeling) -> dict[str, Decimal | None]:
    """The average of every maatstaf the regeling compares with (None: nothing known).

    A count's average is the mean over the wijken whose value is known; a ratio's is the
    city-wide ratio: sum of numerators / sum of denominators over the wijken knowing both.
    """
    return {m.naam: _gemiddelde(m, [m.breuk(w.cijfers) for w in wijken if w.cijfers is not None])
            for m in _vergeleken(regeling)}


def gemiddelden_van(data: model.Dataset, regeling: model.Regeling) -> dict[str, Decimal | None]:
    """`gemiddelden` over every wijk of `data`: from each wijk's figures in its index when the
    wijken were not built as a list (no wijk is built for them), else from the wijken."""
    if not data.lazy:
        return gemiddelden(data.wijken, regeling)
    from wijkctl.index import CIJFERS, figure_values

    column, built = data.index.column(CIJFERS), data.built  # a wijk built may have changed since it was read
    if built:
        column = [v for pos, v in enumerate(column) if pos not in built]
    column = figure_values([v for v in column if v is not None])
    plek = {f: i for i, f in enumerate(model.FIGURES)}  # the column holds the figures in this order
    out = {}
    for m in _vergeleken(regeling):
        t = plek[m.teller]
        if m.noemer is None:
            breuken = [(v[t], 1) for v in column]
        else:
            n = plek[m.noemer]
            breuken = [(v[t], v[n]) for v in column]
        out[m.naam] = _gemiddelde(m, breuken + [m.breuk(w.cijfers) for w in built.values() if w.cijfers is not None])
    return out


def _vergeleken(regeling: model.Regeling) -> list[model.Maatstaf]:
    """The maatstaven the regeling's toeslagen compare with an average, each once, in order."""
    out: list[model.Maatstaf] = []
    for toeslag in regeling.toeslagen:
        m = model.MAATSTAF.get(toeslag.maatstaf)
        if m is not None and m not in out and isinstance(soort(toeslag), BovenGemiddelde):
            out.append(m)
    return out


def _gemiddelde(m: model.Maatstaf, breuken: list[tuple[int | None, int | None]]) -> Decimal | None:
    """The average of `m` from the (numerator, denominator) of every wijk with figures."""
    tellers = noemers = 0
    for teller, noemer in breuken:
        if teller is not None and noemer is not None:
            tellers += teller
            noemers += noemer
    return Decimal(tellers) * m.schaal / noemers if noemers else None


def met_organisatie(data: model.Dataset) -> list[model.Wijk]:
    """The wijken of `data` that have an organisation (any other has no platform in any
    year), in file order; found by the index when the wijken were not built, so that only
    these are built."""
    if not data.lazy:
        return data.wijken
    from wijkctl.index import IDS

    built = data.built
    return [data.wijk_at(pos) for pos, ids in enumerate(data.index.column(IDS)) if ids or pos in built]


def platforms_in(wijk: model.Wijk, jaar: int) -> list[model.Organisatie]:
    """The wijkplatforms of `wijk` active on at least one day of `jaar`, oldest first."""
    begin, einde = dt.date(jaar, 1, 1), dt.date(jaar + 1, 1, 1)
    return [org for org in wijk.organisaties if org.soort == model.WIJKPLATFORM and org.overlapt(begin, einde)]


def cijfers_van(wijk: model.Wijk, platform: model.Organisatie | None) -> model.Cijfers | None:
    """The figures a platform's subsidy uses: the wijk's, or for a platform with buurten
    the sums of those buurten's figures (every declared figure, `model.FIGURES`; a sum is
    unknown when one buurt lacks it)."""
    if platform is None or not platform.buurten:
        return wijk.cijfers
    buurten = [wijk.buurt(naam) for naam in platform.buurten]
    sums: dict[str, int | None] = {}
    for f in model.FIGURES:
        values = [getattr(b.cijfers, f) if b is not None and b.cijfers else None for b in buurten]
        sums[f] = None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]
    return model.Cijfers(**sums)


def maanden(org: model.Organisatie, jaar: int) -> int:
    """The calendar months of `jaar` in which `org` is active on at least one day
    (`van` inclusive, `tot` exclusive; an unknown `van`: active since before any date)."""
    begin, tot = org.begin, org.tot
    eerste = 1 if begin.year < jaar else begin.month if begin.year == jaar else 13
    if tot is None or tot.year > jaar:
        laatste = 12
    elif tot.year < jaar:
        laatste = 0
    else:  # month m has a day before `tot` when it starts before `tot`
        laatste = tot.month if tot.day > 1 else tot.month - 1
    return max(0, laatste - eerste + 1)


@record(kw_only=False)
class ToeslagUitkomst:
    naam: str
    maatstaf: str
    waarde: Decimal | None
    bedrag: int
    vergeleken: str  # "staffel" | "gemiddelde"
    drempel: Decimal | None = None  # the staffel's vanaf, or the average
    toeslag: model.Toeslag | None = field(default=None, repr=False)


class Staffels:
    """A toeslag paid by the highest staffel whose `vanaf` the value reaches."""

    vergeleken = "staffel"

    def __init__(self, toeslag: model.Toeslag):
        self.toeslag = toeslag

    def bedrag(self, waarde: Decimal | None, gem: dict[str, Decimal | None]) -> tuple[int, Decimal | None]:
        """The amount, and the `vanaf` of the staffel that paid it (None: none did)."""
        staffel = None
        if waarde is not None:
            for s in self.toeslag.staffels or []:
                if Decimal(str(s.vanaf)) <= waarde:
                    staffel = s
        return (staffel.bedrag, Decimal(str(staffel.vanaf))) if staffel else (0, None)

    def uitleg(self, t: ToeslagUitkomst, label: str) -> str:
        staffels = ", ".join(f"vanaf {getal(s.vanaf)}: {euro(s.bedrag)}" for s in self.toeslag.staffels or [])
        if t.drempel is None:
            return f"{label} {_getal(t.waarde)} ligt onder de laagste staffel ({staffels}), dus € 0."
        return (f"{label} {_getal(t.waarde)}, hoogste passende staffel vanaf {_getal(t.drempel)} ({staffels}): "
                f"{euro(t.bedrag)}.")


class BovenGemiddelde:
    """A toeslag paid when the value is strictly above the average (`gemiddelden`)."""

    vergeleken = "gemiddelde"

    def __init__(self, toeslag: model.Toeslag):
        self.toeslag = toeslag

    def bedrag(self, waarde: Decimal | None, gem: dict[str, Decimal | None]) -> tuple[int, Decimal | None]:
        """The amount, and the average it was compared with."""
        gemiddelde = gem.get(self.toeslag.maatstaf)
        boven = waarde is not None and gemiddelde is not None and waarde > gemiddelde
        return ((self.toeslag.boven_gemiddelde or 0) if boven else 0), gemiddelde

    def uitleg(self, t: ToeslagUitkomst, label: str) -> str:
        m = model.MAATSTAF[self.toeslag.maatstaf]
        hoe = "stadsbreed" if m.is_ratio else "gemiddeld over de wijken waarvan het bekend is"
        oordeel = "boven" if t.bedrag else "niet boven"
        return (f"{label} {_getal(t.waarde)} ligt {oordeel} het gemiddelde ({hoe}: {_getal(t.drempel)}), "
                f"dus {euro(t.bedrag)}.")


def soort(toeslag: model.Toeslag) -> Staffels | BovenGemiddelde:
    """The kind of a toeslag: by staffels, or above the average (`check` ensures one)."""
    return Staffels(toeslag) if toeslag.staffels is not None else BovenGemiddelde(toeslag)


@record(kw_only=False)
class Uitkomst:
    wijk: model.Wijk
    jaar: int
    regeling: model.Regeling
    platform: model.Organisatie | None
    maanden: int
    toeslagen: list[ToeslagUitkomst]
    som: int  # basisbedrag + toeslagen
    begrensd: int  # min(som, maximum)
    onafgerond: Decimal  # begrensd x maanden / 12
    bedrag: int
    onvolledig: bool
    indicatief: bool
    termijn_verstreken: bool


class Grondslag:
    """What the computation of one year shares over every platform, made once per run
    (not once per platform): the regeling, the averages of step 4 over the wijken, the
    first day on which a starting platform gets nothing, and each toeslag's kind."""

    __slots__ = ("deadline", "gem", "jaar", "regeling", "soorten")

    def __init__(self, jaar: int, regeling: model.Regeling, gem: dict[str, Decimal | None]):
        self.jaar, self.regeling, self.gem = jaar, regeling, gem
        self.deadline = regeling.deadline(jaar)
        self.soorten = [(t, soort(t), model.MAATSTAF.get(t.maatstaf)) for t in regeling.toeslagen]


def _toeslag(toeslag: model.Toeslag, kind: Staffels | BovenGemiddelde, m: model.Maatstaf | None,
             cijfers: model.Cijfers | None, gem: dict[str, Decimal | None]) -> ToeslagUitkomst:
    waarde = (m.waarde(cijfers) if m is not None else cijfers.waarde(toeslag.maatstaf)) if cijfers else None
    bedrag, drempel = kind.bedrag(waarde, gem)
    return ToeslagUitkomst(toeslag.naam, toeslag.maatstaf, waarde, bedrag, kind.vergeleken, drempel, toeslag)


_LATEST = object()


def bereken(
    wijk: model.Wijk, jaar: int, regeling: model.Regeling, gem: dict[str, Decimal | None],
    platform: model.Organisatie | None | object = _LATEST,
) -> Uitkomst:
    """The subsidy for `jaar` under `regeling` (CONTRACT §2, steps 2-5) of one platform of
    `wijk` (by default its latest in `jaar`); with none, indicative for the whole wijk."""
    if platform is _LATEST:
        platform = next(reversed(platforms_in(wijk, jaar)), None)
    assert platform is None or isinstance(platform, model.Organisatie)
    return bereken_met(Grondslag(jaar, regeling, gem), wijk, platform)


def bereken_met(g: Grondslag, wijk: model.Wijk, platform: model.Organisatie | None) -> Uitkomst:
    """`bereken` on the year's shared part `g`, for `platform` of `wijk` (None: indicative)."""
    jaar, regeling, deadline = g.jaar, g.regeling, g.deadline
    indicatief = platform is None
    n = 12 if platform is None else maanden(platform, jaar)
    verstreken = bool(
        platform is not None and platform.van is not None and deadline is not None
        and platform.van.year == jaar and platform.van >= deadline
    )
    cijfers = cijfers_van(wijk, platform)
    uitkomsten = [_toeslag(t, kind, m, cijfers, g.gem) for t, kind, m in g.soorten]
    onvolledig = any(t.waarde is None for t in uitkomsten)
    som = regeling.basisbedrag + sum(t.bedrag for t in uitkomsten)
    begrensd = min(som, regeling.maximum)
    onafgerond = Decimal(begrensd) * n / 12
    bedrag = 0 if verstreken else round_half_up(onafgerond)
    return Uitkomst(
        wijk, jaar, regeling, platform, n, uitkomsten, som, begrensd, onafgerond, bedrag,
        onvolledig, indicatief, verstreken,
    )


@record(kw_only=False)
class Overzicht:
    jaar: int
    regeling: model.Regeling
    uitkomsten: list[Uitkomst]
    zonder_platform: str | None = None  # the gemeente's sentence for a wijk without organisation

    @property
    def totaal(self) -> int:
        """What would be paid: indicative amounts (no platform) do not count."""
        return sum(u.bedrag for u in self.uitkomsten if not u.indicatief)

    @property
    def plafond_saldo(self) -> int | None:
        """Plafond minus total: negative when the total exceeds the plafond."""
        if self.regeling.plafond is None:
            return None
        return self.regeling.plafond - self.totaal


def overzicht(data: model.Dataset, jaar: int, wijken: list[model.Wijk] | None = None) -> Overzicht:
    """The subsidies of `jaar` for the given wijken, or for every wijk with a platform in it.

    The year's shared part (`Grondslag`: the averages over every wijk) and each wijk's
    platforms in `jaar` are computed once, however many platforms there are."""
    regeling = regeling_voor(data.regelingen, jaar)
    g = Grondslag(jaar, regeling, gemiddelden_van(data, regeling))
    if wijken is None:
        gebied_volgorde = {gb.code: i for i, gb in enumerate(data.gebieden)}
        gekozen = sorted(
            ((w, p) for w in met_organisatie(data) if (p := platforms_in(w, jaar))),
            key=lambda wp: (gebied_volgorde.get(wp[0].gebied, len(gebied_volgorde)), wp[0].naam.casefold()),
        )
    else:
        gekozen = [(w, platforms_in(w, jaar)) for w in wijken]
    uitkomsten = [bereken_met(g, w, p) for w, platforms in gekozen for p in (platforms or [None])]
    return Overzicht(jaar, regeling, uitkomsten, data.zonder_platform)


def _getal(value: Decimal | None) -> str:
    if value is None:
        return "onbekend"
    return getal(value, 0 if value == value.to_integral_value() else 2)


def zonder_organisatie(u: Uitkomst) -> bool:
    """Whether the wijk of `u` has no organisation at all in its year (not even a wijkraad):
    where the gemeente's sentence for a wijk without organisation belongs."""
    begin, einde = dt.date(u.jaar, 1, 1), dt.date(u.jaar + 1, 1, 1)
    return not any(o.overlapt(begin, einde) for o in u.wijk.organisaties)


def uitleg(u: Uitkomst, zonder_platform: str | None = None) -> list[str]:
    """The computation of `u`, step by step, in Dutch, so it can be recomputed by hand."""
    r = u.regeling
    regels = [
        f"Subsidie {u.jaar} voor {u.wijk.naam} ({u.wijk.code})",
        f"1. Regeling: {r.naam} ({r.jaar}{', bron ' + r.bron if r.bron else ''}), status {r.status}"
        + (": een concept, de bedragen zijn nog niet vastgesteld." if r.status == "concept" else "."),
    ]
    if u.platform is None:
        regels.append(
            f"2. {u.wijk.naam} heeft in {u.jaar} geen wijkplatform. Dit bedrag is indicatief, "
            "berekend alsof er het hele jaar een platform is."
            + (f" {zonder_platform}" if zonder_platform and zonder_organisatie(u) else "")
        )
    else:
        p = u.platform
        periode = f"vanaf {datum(p.van)}" + (f" tot {datum(p.tot)}" if p.tot else "")
        gebied = (f" Het platform dekt de buurten {opsomming(p.buurten)}: de cijfers zijn de sommen van die "
                  "buurten (onbekend als een buurt een cijfer mist)." if p.buurten else "")
        regels.append(f"2. Platform: {p.naam} ({p.id}), actief {periode}: {u.maanden} van de 12 maanden in "
                      f"{u.jaar}.{gebied}")
    stap = 3
    regels.append(f"{stap}. Basisbedrag: {euro(r.basisbedrag)}.")
    for t in u.toeslagen:
        stap += 1
        label = model.MAATSTAF[t.maatstaf].label
        if t.waarde is None:
            regels.append(f"{stap}. Toeslag {t.naam}: {label} onbekend, dus € 0 (de uitkomst is onvolledig).")
        else:
            regels.append(f"{stap}. Toeslag {t.naam}: {soort(t.toeslag).uitleg(t, label)}")  # type: ignore[arg-type]
    stap += 1
    delen = " + ".join([euro(r.basisbedrag)] + [euro(t.bedrag) for t in u.toeslagen])
    regels.append(f"{stap}. Samen: {delen} = {euro(u.som)}; maximum {euro(r.maximum)}, dus {euro(u.begrensd)}.")
    stap += 1
    regels.append(
        f"{stap}. Naar rato: {euro(u.begrensd)} × {u.maanden}/12 = € {getal(u.onafgerond, 2)}, "
        f"afgerond (halve euro's naar boven): {euro(round_half_up(u.onafgerond))}."
    )
    if u.termijn_verstreken:
        stap += 1
        regels.append(
            f"{stap}. Het platform begint op {datum(u.platform.van)}, op of na de aanvraagtermijn "  # type: ignore[union-attr]
            f"({datum(r.deadline(u.jaar))}): aanvraagtermijn verstreken, dus € 0 voor {u.jaar}."
        )
    regels.append(f"Bedrag: {euro(u.bedrag)}" + (" (indicatief)" if u.indicatief else "")
                  + (" (onvolledig)" if u.onvolledig else ""))
    return regels
