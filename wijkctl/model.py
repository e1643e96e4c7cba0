"""The domain records. Plain dataclasses: no I/O, no YAML, no terminal.

Every record remembers where it came from (`regel`, the 1-based line of the record,
and `regels`, the line of each key) so validation can point at `file:line`. Those
fields take no part in equality.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import field
from typing import TYPE_CHECKING, Any, NamedTuple

from wijkctl.records import record

if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal

    from wijkctl.index import Index

WIJKRAAD = "wijkraad"
WIJKPLATFORM = "wijkplatform"
SOORTEN = (WIJKRAAD, WIJKPLATFORM)
RECHTSVORMEN = ("stichting", "vereniging", "cooperatie", "vereniging-beperkt", "informeel")
KVK_VERPLICHT = ("stichting", "vereniging", "cooperatie")
GEEN = "geen"  # a wijk's status when nothing is active in it


class Maatstaf(NamedTuple):
    """What a toeslag measures: a figure (`teller`), or a ratio of two figures scaled
    (`teller` × `schaal` / `noemer`). Adding a maatstaf is one row in MAATSTAF."""

    naam: str  # as written in subsidieregeling.yaml
    label: str  # as a person reads it
    teller: str  # a field of Cijfers
    noemer: str | None = None  # a field of Cijfers, for a ratio
    schaal: int = 1

    @property
    def is_ratio(self) -> bool:
        return self.noemer is not None

    def breuk(self, cijfers: Cijfers) -> tuple[int | None, int | None]:
        """Numerator and denominator (the denominator is 1 for a count)."""
        return getattr(cijfers, self.teller), (getattr(cijfers, self.noemer) if self.noemer else 1)

    def waarde(self, cijfers: Cijfers) -> Decimal | None:
        """The wijk's value, or None when it is unknown (or a ratio over zero)."""
        from decimal import Decimal

        teller, noemer = self.breuk(cijfers)
        if teller is None or not noemer:
            return None
        return Decimal(teller) if not self.is_ratio else Decimal(teller) * self.schaal / Decimal(noemer)


MAATSTAF: dict[str, Maatstaf] = {m.naam: m for m in (
    Maatstaf("inwoners", "inwoners", "inwoners"),
    Maatstaf("woningen", "woningen", "woningen"),
    Maatstaf("sociale_huurwoningen", "sociale huurwoningen", "sociale_huurwoningen"),
    Maatstaf("uitkeringen", "mensen met een bijstandsuitkering", "uitkeringen"),
    Maatstaf("aandeel_sociale_huur", "aandeel sociale huurwoningen (%)", "sociale_huurwoningen", "woningen", 100),
    Maatstaf("uitkeringen_per_1000", "bijstandsuitkeringen per 1000 inwoners", "uitkeringen", "inwoners", 1000),
)}
MAATSTAVEN = tuple(MAATSTAF)
REGELING_STATUS = ("concept", "vastgesteld")
MIN_KERN = 3
ROLLEN = ("contactpersoon", "voorzitter", "secretaris", "penningmeester", "lid")


class Optie(NamedTuple):
    """How the commands that set a field take it (`register`, `convert`, `update`): the
    option, its metavar (None for a choice: Typer shows the choices), its help, how a
    change of it is said, and whether a wijkraad may hold it too (CONTRACT §1)."""

    vlag: str
    metavar: str | None
    help: str
    woord: str
    wijkraad: bool = False


class CbsKolom(NamedTuple):
    """Where `import-cbs` reads a figure in CBS Kerncijfers wijken en buurten: the column's
    stem (CBS renumbers the `_N` suffix every year), and for a column of percentages the
    figure it is a percentage of (corporation-owned homes: of `woningen`)."""

    stem: str
    procent_van: str | None = None


def decl(kind: str, label: str, *, required: bool = False, fmt: str | None = None,
         keuze: tuple[str, ...] | None = None, of: type | None = None, default: Any = None,
         multiline: bool = False, nullable: bool = False, optie: Optie | None = None,
         cijfer: bool = False, cbs: CbsKolom | None = None) -> Any:
    """One key of a data file, declared once.

    `kind` is str | int | num | date | mmdd | strlist | record | records; `label` the
    Dutch name a person reads; `required` whether the file must have it; `fmt` a format
    of `formats.FORMATS` or `keuze` the allowed values; `of` the record class of a nested
    record or list; `multiline` text may span lines. The field's position in its class is
    its canonical position in the file. A list is empty when absent, or None when
    `nullable` (absent and empty then differ). `optie`: the commands set the field with
    that option (`settable`; one option group for register, convert and update). `cijfer`:
    a figure of a wijk or buurt (`FIGURES`: what maatstaven read, summed over a platform's
    buurten), `cbs` the CBS column `import-cbs` reads it from. The loader, the canonical writer, the validator,
    the command-line checks, the parse cache and docs/data-format.md all read it from here
    (`schema.py`); `tests/test_declarations.py` fails when one is missing.
    """
    meta = {"kind": kind, "label": label, "required": required, "fmt": fmt, "keuze": keuze,
            "of": of, "multiline": multiline, "optie": optie, "cijfer": cijfer, "cbs": cbs}
    if kind in ("records", "strlist") and not nullable:
        return field(default_factory=list, metadata=meta)
    if required and default is None:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


def settable(cls: type) -> tuple[tuple[str, Optie], ...]:
    """The fields of `cls` that commands set, in declaration order, each with its option."""
    return tuple((f.name, f.metadata["optie"]) for f in dataclasses.fields(cls) if f.metadata.get("optie"))


def _place() -> Any:
    """Where a record came from: its line, and the line of each key (not part of equality)."""
    return field(default=0, compare=False, repr=False)


def _places() -> Any:
    return field(default_factory=dict, compare=False, repr=False)


@record(kw_only=False)
class Change:
    """What a change to the data did: a Dutch summary, a git commit message, and
    whatever the change wants to hand back to its command (`resultaat`)."""

    samenvatting: str
    commit_bericht: str
    resultaat: Any = None


def identity(cls: type, record: Any) -> Any:
    """The identity of a record of class `cls` (a record or its plain dict): the value of
    the key its class declares as `IDENTITY` (for a tuple of keys, the tuple of their
    values), folded as look-ups fold names where the class
    says `IDENTITY_FOLDED`. None for a class that declares no identity (its lists are
    compared whole). The commands, `check`, the merge driver and `diff` all ask this."""
    key = getattr(cls, "IDENTITY", None)
    if key is None:
        return None
    if isinstance(key, tuple):  # known by several values together (a payment: date, amount and kind)
        return tuple(_value(record, k) for k in key)
    value = _value(record, key)
    if getattr(cls, "IDENTITY_FOLDED", False) and isinstance(value, str):
        from wijkctl.text import fold

        return fold(value)
    return value


def _value(record: Any, key: str) -> Any:
    return record.get(key) if isinstance(record, dict) else getattr(record, key, None)


def shown_identity(cls: type, record: dict) -> str:
    """A record's identity as a person reads it (its values joined, when it has several)."""
    key = cls.IDENTITY  # type: ignore[attr-defined]
    keys = key if isinstance(key, tuple) else (key,)
    return ", ".join(str(record.get(k, "?")) for k in keys)


@record
class KernLid:
    IDENTITY = "naam"  # a member is its name, folded: "Jan Smit" is "jan smit" (CONTRACT §1)
    IDENTITY_FOLDED = True
    PERSONAL = ("email", "telefoon")  # personal data: never shown where not asked for
    naam: str = decl("str", "naam", required=True, fmt="naam")
    email: str | None = decl("str", "e-mailadres", fmt="email")
    telefoon: str | None = decl("str", "telefoonnummer", fmt="telefoon")
    rol: str | None = decl("str", "rol in de kern", keuze=ROLLEN)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Organisatie:
    IDENTITY = "id"
    id: str = decl("str", "id", required=True, fmt="slug")
    soort: str = decl("str", "soort", required=True, keuze=SOORTEN)
    naam: str = decl("str", "naam", required=True, fmt="naam")
    van: dt.date | None = decl("date", "eerste actieve dag (ontbreekt: onbekend)")
    tot: dt.date | None = decl("date", "eerste dag niet meer actief")
    reden_einde: str | None = decl("str", "reden van het einde")
    bron: str | None = decl("str", "bron", multiline=True, optie=Optie(
        "--source", "BRON", "Waar de gegevens vandaan komen: een URL of vindplaats.", "bron", wijkraad=True))
    opvolger_van: list[str] = decl("strlist", "opvolger van (id)", fmt="slug")
    buurten: list[str] = decl("strlist", "buurt")
    rechtsvorm: str | None = decl("str", "rechtsvorm", keuze=RECHTSVORMEN, optie=Optie(
        "--legal-form", None, "Rechtsvorm; stichting, vereniging en cooperatie vragen om --kvk.", "rechtsvorm"))
    kvk: str | None = decl("str", "kvk", fmt="kvk", optie=Optie(
        "--kvk", "NUMMER", "KvK-nummer, 8 cijfers (spaties of punten mogen).", "KvK"))
    email: str | None = decl("str", "e-mailadres", fmt="email", optie=Optie(
        "--email", "E-MAIL", 'Openbaar e-mailadres van de organisatie, ook van een wijkraad; bij update haalt "" '
        "het weg (zo ook bij --website, --kvk en --source).", "e-mail", wijkraad=True))
    website: str | None = decl("str", "website", fmt="website", optie=Optie(
        "--website", "URL", "Website van de organisatie (https://...), ook van een wijkraad.", "website",
        wijkraad=True))
    kern: list[KernLid] = decl("records", "kern", of=KernLid)
    opmerking: str | None = decl("str", "opmerking", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()

    @property
    def begin(self) -> dt.date:
        """`van`, or, when the start is unknown, a day before any known date."""
        return self.van or dt.date.min

    def actief_op(self, dag: dt.date) -> bool:
        """True when the organisation is active on `dag` (`van` inclusive, `tot` exclusive)."""
        return self.begin <= dag and (self.tot is None or dag < self.tot)

    def overlapt(self, van: dt.date | None, tot: dt.date | None) -> bool:
        """True when [van, tot) shares at least one day with this organisation."""
        eigen_tot = self.tot or dt.date.max
        ander_tot = tot or dt.date.max
        return self.begin < ander_tot and (van or dt.date.min) < eigen_tot

    def dekt(self, buurt: str) -> bool:
        """True when the organisation covers the buurt (no `buurten`: the whole wijk)."""
        return not self.buurten or buurt in self.buurten

    def deelt_grond(self, other: Organisatie) -> bool:
        """True when the two cover a common buurt (one covering the whole wijk covers all)."""
        return not self.buurten or not other.buurten or not set(self.buurten).isdisjoint(other.buurten)

    def botst(self, other: Organisatie) -> bool:
        """True when the two are active on a common day on common ground."""
        return self.overlapt(other.van, other.tot) and self.deelt_grond(other)


@record
class Cijfers:
    peiljaar: int | None = decl("int", "peiljaar", fmt="jaar")
    bron: str | None = decl("str", "bron", multiline=True)
    inwoners: int | None = decl("int", "inwoners", cijfer=True, cbs=CbsKolom("AantalInwoners"))
    woningen: int | None = decl("int", "woningen", cijfer=True, cbs=CbsKolom("Woningvoorraad"))
    sociale_huurwoningen: int | None = decl("int", "sociale huurwoningen", cijfer=True,
                                            cbs=CbsKolom("InBezitWoningcorporatie", procent_van="woningen"))
    uitkeringen: int | None = decl("int", "mensen met een bijstandsuitkering", cijfer=True,
                                   cbs=CbsKolom("PersonenPerSoortUitkeringBijstand"))
    regel: int = _place()
    regels: dict[str, int] = _places()

    def waarde(self, maatstaf: str) -> Decimal | None:
        """The value of a maatstaf (CONTRACT §1), or None when it is unknown."""
        return MAATSTAF[maatstaf].waarde(self)


def figures() -> dict[str, dataclasses.Field]:
    """The figures of a wijk or buurt (the fields of Cijfers declared `cijfer`), in order:
    what a maatstaf reads, what a platform's buurten sum to, what `import-cbs` may set."""
    return {f.name: f for f in dataclasses.fields(Cijfers) if f.metadata.get("cijfer")}


FIGURES: tuple[str, ...] = tuple(figures())


@record
class Buurt:
    IDENTITY = "naam"
    naam: str = decl("str", "naam", required=True, fmt="naam")
    cbs_code: str | None = decl("str", "cbs_code", fmt="cbs_buurt")
    cijfers: Cijfers | None = decl("record", "cijfers", of=Cijfers)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Wijk:
    IDENTITY = "code"
    code: str = decl("str", "code", required=True, fmt="slug")
    naam: str = decl("str", "naam", required=True, fmt="naam")
    cbs_code: str | None = decl("str", "cbs_code", fmt="cbs_wijk")
    cbs_buurten: list[str] = decl("strlist", "buurtcode", fmt="cbs_buurt")
    gebied: str = decl("str", "gebied", required=True)
    buurten: list[Buurt] = decl("records", "buurten", of=Buurt)
    opmerking: str | None = decl("str", "opmerking", multiline=True)
    cijfers: Cijfers | None = decl("record", "cijfers", of=Cijfers)
    organisaties: list[Organisatie] = decl("records", "organisaties", of=Organisatie)
    regel: int = _place()
    regels: dict[str, int] = _places()

    def actief_op(self, dag: dt.date) -> list[Organisatie]:
        """The organisations active on `dag` (several when each covers its own buurten)."""
        return [org for org in self.organisaties if org.actief_op(dag)]

    def status_op(self, dag: dt.date) -> str:
        """wijkplatform when a platform is active anywhere in the wijk on `dag`, else
        wijkraad when a wijkraad is, else geen."""
        soorten = {org.soort for org in self.actief_op(dag)}
        return WIJKPLATFORM if WIJKPLATFORM in soorten else WIJKRAAD if WIJKRAAD in soorten else GEEN

    def buurt(self, naam: str) -> Buurt | None:
        return next((b for b in self.buurten if b.naam == naam), None)

    def ids(self) -> set[str]:
        return {org.id for org in self.organisaties}


@record
class Verbinder:
    naam: str = decl("str", "naam", required=True, fmt="naam")
    email: str | None = decl("str", "e-mailadres", fmt="email")
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Gemeente:
    """Whose register this is (verbinders.yaml versie 2, optional): messages and titles
    that name the municipality take its name from here ("de gemeente" without one)."""

    naam: str = decl("str", "naam", required=True, fmt="naam")
    cbs_code: str | None = decl("str", "cbs_code", fmt="cbs_gemeente")
    email: str | None = decl("str", "e-mailadres voor correcties", fmt="email")
    zonder_platform: str | None = decl("str", "zin bij een wijk zonder organisatie", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Gebied:
    IDENTITY = "code"
    code: str = decl("str", "code", required=True, fmt="slug")
    naam: str = decl("str", "naam", required=True, fmt="naam")
    verbinder: Verbinder | None = decl("record", "gebiedsverbinder", of=Verbinder)
    opmerking: str | None = decl("str", "opmerking", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Staffel:
    FLOW = True  # written as a one-line {vanaf: ..., bedrag: ...}
    vanaf: int | float = decl("num", "vanaf", required=True)
    bedrag: int = decl("int", "bedrag", required=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Toeslag:
    IDENTITY = "naam"  # unique in its regeling, folded (validate.check_regelingen)
    IDENTITY_FOLDED = True
    naam: str = decl("str", "naam", required=True, fmt="naam")
    maatstaf: str = decl("str", "maatstaf", required=True, keuze=MAATSTAVEN)
    staffels: list[Staffel] | None = decl("records", "staffels", of=Staffel, nullable=True)
    boven_gemiddelde: int | None = decl("int", "bedrag boven het gemiddelde")
    opmerking: str | None = decl("str", "opmerking", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()


@record
class Regeling:
    IDENTITY = "jaar"
    jaar: int = decl("int", "jaar", required=True, fmt="jaar")
    naam: str = decl("str", "naam", required=True, fmt="naam")
    bron: str | None = decl("str", "bron", multiline=True)
    status: str = decl("str", "status", required=True, keuze=REGELING_STATUS, default="concept")
    basisbedrag: int = decl("int", "basisbedrag", required=True)
    maximum: int = decl("int", "maximum", required=True)
    aanvragen_voor: str | None = decl("mmdd", "aanvragen vóór")
    aanvragen_vanaf: str | None = decl("mmdd", "aanvragen vanaf (in het jaar ervoor; ontbreekt: 11-01)")
    beslistermijn_weken: int | None = decl("int", "beslistermijn in weken (ontbreekt: 8)")
    verantwoording_voor: str | None = decl("mmdd", "verantwoording vóór (in het jaar erna; ontbreekt: onbekend)")
    vaststelling_weken: int | None = decl("int", "weken na de verantwoording tot de vaststelling (ontbreekt: onbekend)")
    plafond: int | None = decl("int", "plafond")
    toeslagen: list[Toeslag] = decl("records", "toeslagen", of=Toeslag)
    opmerking: str | None = decl("str", "opmerking", multiline=True)
    regel: int = _place()
    regels: dict[str, int] = _places()

    def deadline(self, jaar: int) -> dt.date | None:
        """The first day of `jaar` on which a starting platform gets nothing."""
        if not self.aanvragen_voor:
            return None
        return dag_van(jaar, self.aanvragen_voor)

    def venster_open(self, jaar: int) -> dt.date:
        """The first day an application for `jaar` is on time (`aanvragen_vanaf` of jaar - 1)."""
        return dag_van(jaar - 1, self.aanvragen_vanaf or AANVRAGEN_VANAF)

    def venster_dicht(self, jaar: int) -> dt.date | None:
        """The first day an application for `jaar` is late (None: the regeling sets no end)."""
        return self.deadline(jaar)

    def besluit_uiterlijk(self, ontvangen: dt.date) -> dt.date:
        """The last day of the beslistermijn for an application received on `ontvangen`."""
        weken = BESLISTERMIJN_WEKEN if self.beslistermijn_weken is None else self.beslistermijn_weken
        return ontvangen + dt.timedelta(weeks=weken)

    def verantwoording_uiterlijk(self, jaar: int) -> dt.date | None:
        """The day before which the verantwoording of `jaar` is due (None: not known)."""
        return dag_van(jaar + 1, self.verantwoording_voor) if self.verantwoording_voor else None

    def vaststelling_uiterlijk(self, ontvangen: dt.date) -> dt.date | None:
        """The last day to settle after a verantwoording received on `ontvangen` (None: not known)."""
        if self.vaststelling_weken is None:
            return None
        return ontvangen + dt.timedelta(weeks=self.vaststelling_weken)


AANVRAGEN_VANAF = "11-01"  # the window for year Y opens on this day of Y - 1 unless the regeling says otherwise
BESLISTERMIJN_WEKEN = 8  # Awb 4:13 lid 2: a reasonable term, at most eight weeks


def dag_van(jaar: int, mmdd: str) -> dt.date:
    """The day MM-DD of `jaar` (the loader admits only days that every year has)."""
    maand, dag = (int(x) for x in mmdd.split("-"))
    return dt.date(jaar, maand, dag)


class Dataset:
    """The records of every data file, keyed by the file's `Dataset` attribute
    (`schema.DataFile.attr`): `data.wijken`, `data.gebieden`, `data.regelingen`, and any
    other declared file's records by its attribute as well (`records`). A file that is
    absent, or not given, has no records.

    The wijken may come from the parse cache one at a time (`lazy`: the index of the
    wijken as read and a function that builds the wijk at a position): a look-up or a
    write then builds only the wijken it asks for (`wijk_at`, found through `index`),
    and the whole list only when something reads `wijken`. A wijk is built once, so a
    change made to it is seen through `wijken` too.
    """

    def __init__(self, wijken: list[Wijk] | None = None, gebieden: list[Gebied] | None = None,
                 regelingen: list[Regeling] | None = None, *,
                 lazy: tuple[Index, Callable[[int], Wijk]] | None = None,
                 deferred: dict[str, Callable[[], list[Any]]] | None = None, **others: list[Any]):
        self._records: dict[str, list[Any]] = {"gebieden": gebieden if gebieden is not None else [],
                                               "regelingen": regelingen if regelingen is not None else [], **others}
        # attribute -> a function that builds that file's records from the cache, when first asked
        # for (subsidies.yaml: a look-up that never reads them never imports their classes)
        self._deferred = dict(deferred or {})
        self._sources = dict(self._deferred)  # kept when resolved, for `as_read`
        self._wijken = wijken if wijken is not None or lazy is not None else []
        self._index = lazy[0] if lazy else None
        self._build = lazy[1] if lazy else None
        self.built: dict[int, Wijk] = {}  # position -> a wijk built from `lazy`

    @property
    def records(self) -> dict[str, list[Any]]:
        """The records of every file but wijken.yaml, by `Dataset` attribute."""
        for attr in list(self._deferred):
            self._resolve(attr)
        return self._records

    def _resolve(self, attr: str) -> None:
        build = self._deferred.pop(attr, None)
        if build is not None:
            self._records[attr] = build()

    def of(self, attr: str) -> list[Any]:
        """The records of the file whose `Dataset` attribute is `attr` (none when absent)."""
        if attr == "wijken":
            return self.wijken
        self._resolve(attr)
        return self._records.setdefault(attr, [])

    def where(self, attr: str, **keys: str | int) -> list[Any]:
        """The records of `attr` whose top-level fields have the values `keys` (texts or
        whole numbers: `jaar=2026`), in file order. Records the cache defers are built only
        where they match (and once: `of` returns the same objects later); otherwise the
        records are filtered. For what reads a year of subsidies.yaml, not every year."""
        select = getattr(self._deferred.get(attr), "where", None)
        if select is not None:
            return select(keys)
        return [r for r in self.of(attr) if all(getattr(r, k) == v for k, v in keys.items())]

    def put(self, attr: str, record: Any) -> None:
        """Put `record` among the records of `attr`: in place of the one with its identity
        (its class's `IDENTITY`), else at the end. Records the cache defers are not
        all built for it (a write then costs the records it touched)."""
        source = self._deferred.get(attr)
        if source is not None and hasattr(source, "put"):
            source.put(record)
            return
        ident = type(record).IDENTITY  # as `schema.FILES` declares it for the record's file
        records = self.of(attr)
        at = next((i for i, r in enumerate(records) if getattr(r, ident) == getattr(record, ident)), None)
        self._records[attr] = [*records, record] if at is None else [*records[:at], record, *records[at + 1:]]

    def sharing(self, wijken: list[Wijk]) -> Dataset:
        """A data set of `wijken` with this one's records of the other files, those the
        cache defers still deferred (built as the new one asks, once for both): for the
        rules run on some wijken, which read only their own subsidy records."""
        return Dataset(wijken, **self._records, deferred=dict(self._deferred))

    def rendered(self, attr: str, kind: str, keys: dict[str, str | int],
                 make: Callable[[list[Any], list[dict[str, Any]]], list[str]]) -> list[str] | None:
        """Texts of the records of `attr` whose top-level fields have the values `keys`
        (each record's text as `make` writes it from the records and their plain form,
        `kind` naming what `make` writes), kept by the cache that defers those records, so
        a later run builds none; None when the records do not come from such a cache."""
        rendered = getattr(self._deferred.get(attr), "rendered", None)
        return rendered(kind, keys, make) if rendered is not None else None

    def pending(self, attr: str) -> Any:
        """The cache's source of the records of `attr` while they were never all built
        (None once they were, or when they did not come from the cache)."""
        return self._deferred.get(attr)

    def as_read(self, attr: str, records: list[Any]) -> list[dict[str, Any]] | None:
        """The plain form (`schema.to_plain` with ISO dates) that each of `records` was
        built from, when the cache deferred them; None otherwise. For a command that only
        reads: a record changed after it was built is not seen here."""
        source = getattr(self._sources.get(attr), "as_read", None)
        return source(records) if source is not None else None

    def __getattr__(self, attr: str) -> list[Any]:
        # the records of a declared file without a convenience accessor of its own
        records, deferred = self.__dict__.get("_records"), self.__dict__.get("_deferred", {})
        if records is None or (attr not in records and attr not in deferred):
            raise AttributeError(attr)
        return self.of(attr)

    @property
    def gebieden(self) -> list[Gebied]:
        return self._records["gebieden"]

    @gebieden.setter
    def gebieden(self, value: list[Gebied]) -> None:
        self._records["gebieden"] = value

    @property
    def gemeente(self) -> Gemeente | None:
        """The gemeente of verbinders.yaml (a singleton: a list of none or one record)."""
        found = self.of("gemeente")  # a head record: never resolves a deferred file
        return found[0] if found else None

    @property
    def gemeentenaam(self) -> str:
        """The municipality's name as messages say it: its own, else "de gemeente"."""
        gemeente = self.gemeente
        return gemeente.naam if gemeente else "de gemeente"

    @property
    def zonder_platform(self) -> str | None:
        """The sentence for a wijk without organisation, when the gemeente's data has one."""
        gemeente = self.gemeente
        return gemeente.zonder_platform if gemeente else None

    @property
    def regelingen(self) -> list[Regeling]:
        return self._records["regelingen"]

    @regelingen.setter
    def regelingen(self, value: list[Regeling]) -> None:
        self._records["regelingen"] = value

    @property
    def wijken(self) -> list[Wijk]:
        if self._wijken is None:
            import gc

            # thousands of records at once, none in a reference cycle: the collector's
            # passes over them cost more than building them (as `schema.paused_gc`)
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                self._wijken = [self.wijk_at(pos) for pos in range(len(self.index))]
            finally:
                if was_enabled:
                    gc.enable()
        return self._wijken

    @wijken.setter
    def wijken(self, value: list[Wijk]) -> None:
        self._wijken = value

    @property
    def lazy(self) -> bool:
        """Whether the wijken come from the cache and the list was never asked for whole."""
        return self._wijken is None

    @property
    def index(self) -> Index:
        """The keys of the wijken as read (the rules look up before they change)."""
        if self._index is None:
            from wijkctl.index import Index

            self._index = Index.of(self.wijken)
        return self._index

    def wijk_at(self, pos: int) -> Wijk:
        """The wijk at position `pos` of the index."""
        if self._wijken is not None:
            return self._wijken[pos]
        wijk = self.built.get(pos)
        if wijk is None:
            wijk = self.built[pos] = self._build(pos)  # type: ignore[misc]
        return wijk

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        mine = {k: v for k, v in self.records.items() if v}
        theirs = {k: v for k, v in other.records.items() if v}
        return self.wijken == other.wijken and mine == theirs

    def __repr__(self) -> str:
        wijken = len(self._wijken) if self._wijken is not None else len(self.index)
        return f"Dataset({wijken} wijken, {len(self.gebieden)} gebieden, {len(self.regelingen)} regelingen)"

    def gebied(self, code: str) -> Gebied | None:
        for g in self.gebieden:
            if g.code == code:
                return g
        return None

