"""The figures of a wijk or buurt are declared once (`model.Cijfers`, `decl(..., cijfer=True)`):
what a maatstaf reads, what a platform's buurten sum to and what `import-cbs` sets all come
from that declaration (issue 21 item 5)."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

from wijkctl import cbs, model, subsidy
from wijkctl.model import decl


def _platform_over(buurten: list[str]) -> model.Organisatie:
    return model.Organisatie(id="p", soort=model.WIJKPLATFORM, naam="P", buurten=buurten)


def _wijk(cijfers: list[model.Cijfers]) -> model.Wijk:
    return model.Wijk(code="w", naam="W", gebied="g", cijfers=model.Cijfers(),
                      buurten=[model.Buurt(naam=f"B{i}", cijfers=c) for i, c in enumerate(cijfers)])


def test_every_declared_figure_is_summed_over_a_platforms_buurten():
    names = model.FIGURES
    assert {"inwoners", "woningen", "sociale_huurwoningen", "uitkeringen"} <= set(names)
    buurten = [model.Cijfers(**{n: (i + 1) * (k + 1) for k, n in enumerate(names)}) for i in range(3)]
    used = subsidy.cijfers_van(_wijk(buurten), _platform_over(["B0", "B2"]))
    assert {n: getattr(used, n) for n in names} == {n: (1 + 3) * (k + 1) for k, n in enumerate(names)}
    # one buurt without a figure makes that sum unknown, and only that one
    buurten[2] = dataclasses.replace(buurten[2], woningen=None)
    used = subsidy.cijfers_van(_wijk(buurten), _platform_over(["B0", "B2"]))
    assert used.woningen is None and used.inwoners == 4


@dataclasses.dataclass(kw_only=True)
class _MetOuderen(model.Cijfers):
    """The figures with one more, declared as a new figure would be (test only)."""

    ouderen: int | None = decl("int", "inwoners van 65 jaar of ouder", cijfer=True)


def test_a_maatstaf_on_a_new_figure_reads_it_for_a_platform_of_buurten(monkeypatch):
    """A figure added by declaration only is summed for a buurt platform, so a maatstaf on
    it reads a value rather than None."""
    monkeypatch.setattr(model, "Cijfers", _MetOuderen)
    monkeypatch.setattr(model, "FIGURES", tuple(model.figures()))
    assert "ouderen" in model.FIGURES
    buurten = [_MetOuderen(inwoners=1000, ouderen=150), _MetOuderen(inwoners=500, ouderen=100)]
    used = subsidy.cijfers_van(_wijk(buurten), _platform_over(["B0", "B1"]))
    maatstaf = model.Maatstaf("ouderen_per_1000", "ouderen per 1000 inwoners", "ouderen", "inwoners", 1000)
    assert model.Maatstaf("ouderen", "ouderen", "ouderen").waarde(used) == 250
    assert maatstaf.waarde(used) == Decimal(250) * 1000 / Decimal(1500)


def test_every_declared_figure_with_a_cbs_column_is_imported():
    kolommen = {n: f.metadata["cbs"] for n, f in model.figures().items() if f.metadata["cbs"]}
    assert set(cbs.FIGURES) == set(kolommen) == set(model.FIGURES)  # CBS publishes each figure today
    header = ["Codering_3", "SoortRegio_2", *(f"{k.stem}_{i}" for i, k in enumerate(kolommen.values(), 10))]
    values = {n: "40" if k.procent_van else str(100 * (i + 1)) for i, (n, k) in enumerate(kolommen.items())}
    text = ";".join(header) + "\n" + ";".join(["WK039220", "Wijk", *values.values()]) + "\n"
    regio = cbs.parse(io.StringIO(text, newline=""), "het bestand").wijken["WK039220"]
    for name, kolom in kolommen.items():
        expected = int(values[name]) if not kolom.procent_van else round(int(values[kolom.procent_van]) * 40 / 100)
        assert regio.cijfer(name) == expected, name


def test_an_import_keeps_a_figure_that_cbs_does_not_publish(monkeypatch):
    """A figure without a CBS column (declared but not published) is never wiped by an import."""
    monkeypatch.setattr(model, "Cijfers", _MetOuderen)
    monkeypatch.setattr(model, "FIGURES", tuple(model.figures()))
    table = cbs.Table(figures=cbs.FIGURES)
    result = cbs.Resultaat([], [], [], [], {})
    nieuw = cbs._updated(_MetOuderen(inwoners=1, ouderen=7), {n: 2 for n in cbs.FIGURES}, table, 2024, "CBS",
                         "W", result)
    assert nieuw.ouderen == 7 and nieuw.inwoners == 2
