"""CSV files in the real shape of CBS "Kerncijfers wijken en buurten" for the tests.

Quoted, space-padded codes and SoortRegio, `;`-separated, UTF-8 BOM, decimal comma,
CBS's `.`, `x` and `-` marks, and each year's own column suffixes (../shared/HAARLEM.md).
"""

from __future__ import annotations

SUFFIXES = {  # year -> (Woningvoorraad, InBezitWoningcorporatie, PersonenPerSoortUitkeringBijstand)
    2022: (34, 42, 83),
    2023: (35, 43, 92),
    2024: (35, 49, 87),
}


def kerncijfers(year: int, rows: list[tuple[str, str, object, object, object, object]], bom: bool = True) -> str:
    """rows: (soort, code, inwoners, woningen, corporatie_pct, bijstand); values as CBS writes them."""
    w, c, b = SUFFIXES[year]
    header = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
              "IndelingswijzigingWijkenEnBuurten_4", "AantalInwoners_5", "Mannen_6",
              f"Woningvoorraad_{w}", f"InBezitWoningcorporatie_{c}", f"PersonenPerSoortUitkeringBijstand_{b}"]
    lines = [";".join(f'"{h}"' for h in header)]
    for i, (soort, code, inw, won, pct, bij) in enumerate(rows):
        cells = [str(i), f'"{code:<10}"', '"Haarlem                                 "', f'"{soort:<10}"',
                 f'"{code:<10}"', '"1"', str(inw), ".", str(won), str(pct), str(bij)]
        lines.append(";".join(cells))
    return ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n"


HAARLEM_CODES = [f"WK0392{n:02d}" for n in range(1, 22)]


def haarlem(year: int) -> str:
    rows = [("Gemeente", "GM0392", 162902, 76000, "45,0", 4500)]
    for n, code in enumerate(HAARLEM_CODES, 1):
        rows.append(("Wijk", code, 5000 + n * 100, 2000 + n * 50, f"{30 + n},5", 100 + n))
    rows[20] = ("Wijk", "WK039220", 8060, 3968, "52,9", 310)          # Molenwijk
    rows[17] = ("Wijk", "WK039217", "x", ".", "-", "   .")            # Spaarndam: all marks
    rows.append(("Wijk", "WK039299", 10, 5, "1,0", 0))               # a Haarlem code no wijk has
    rows.append(("Wijk", "WK036301", 9000, 4000, "40,0", 200))       # another gemeente: not reported
    for n, (inw, won, pct, bij) in enumerate([(1200, 700, "20,0", 30), (800, 500, "10,5", 20), (600, 300, ".", 10)], 1):
        rows.append(("Buurt", f"BU039201{n:02d}", inw, won, pct, bij))
    return kerncijfers(year, rows)
