"""The "Voorbeelden" block of every command's help, in one table: command -> examples.

The help of a command shows them (`wijkctl COMMAND --help`, `wijkctl help COMMAND`) and
docs/cli.md lists them; a test fails when a command has none. Pure data, read only when
help is shown.
"""

from __future__ import annotations

import re

VOORBEELDEN: dict[str, tuple[tuple[str, str], ...]] = {
    "verbinder": (
        ("wijkctl verbinder molenwijk", "de gebiedsverbinder van een wijk"),
        ("wijkctl verbinder Schalkwijk", "van een gebied"),
        ("wijkctl verbinder \"Ingrid Hamer\"", "de gebieden van een gebiedsverbinder"),
    ),
    "list": (
        ("wijkctl list --gebied schalkwijk", "de wijken van één gebied"),
        ("wijkctl list --status geen --on 2026-01-01", "wijken zonder wijkraad of wijkplatform op een dag"),
        ("wijkctl list -o csv-nl --file wijken.csv", "voor Excel"),
    ),
    "show": (
        ("wijkctl show molenwijk", "alles over een wijk, zonder kernleden"),
        ("wijkctl show molenwijk --contact", "met de kernleden, hun rol en contactgegevens"),
    ),
    "register": (
        ("wijkctl register molenwijk --name \"Wijkplatform Molenwijk\" --from 2025-03-01 --legal-form stichting "
         "--kvk 12345678 --member \"Anna de Vries <anna@example.org> [contactpersoon]\" "
         "--member \"Bram Jansen <bram@example.org>\" --member \"Cor Bakker <cor@example.org>\"",
         "een wijkplatform met een kern van drie"),
        ("wijkctl register meerwijk --wijkraad --name \"Wijkraad Meerwijk\" --from onbekend",
         "een bestaande wijkraad vastleggen"),
    ),
    "convert": (
        ("wijkctl convert molenwijk --from 2025-07-01 --member \"Anna de Vries <anna@example.org>\" "
         "--member \"Bram Jansen <bram@example.org>\" --member \"Cor Bakker <cor@example.org>\" --commit",
         "de wijkraad wordt een wijkplatform"),
    ),
    "update": (
        ("wijkctl update molenwijk --add-member \"Dewi Pinas <dewi@example.org>\"", "een kernlid erbij"),
        ("wijkctl update molenwijk --change-member \"Anna de Vries\" --role voorzitter", "een andere rol"),
        ("wijkctl update molenwijk --email info@wpmolenwijk.nl --dry-run", "eerst zien wat verandert"),
    ),
    "end": (
        ("wijkctl end molenwijk --on 2026-01-01 --reason \"opgeheven\" --commit", "een organisatie stopt"),
    ),
    "subsidy": (
        ("wijkctl subsidy --year 2025", "alle wijkplatforms en het totaal"),
        ("wijkctl subsidy molenwijk --explain", "de berekening stap voor stap"),
        ("wijkctl subsidy -o csv-nl --file subsidie.csv", "voor financiën, met totaal en status"),
    ),
    "check": (
        ("wijkctl check", "alle bestanden controleren"),
        ("wijkctl check --strict -o json", "voor een script: waarschuwingen tellen als fout"),
    ),
    "fmt": (
        ("wijkctl fmt --check", "alleen melden wat niet canoniek is"),
        ("wijkctl fmt", "de bestanden canoniek herschrijven"),
    ),
    "import-cbs": (
        ("wijkctl import-cbs kerncijfers-2024.csv --year 2024 --dry-run", "eerst zien wat verandert"),
        ("wijkctl import-cbs kerncijfers-2024.csv --year 2024 --commit", "de cijfers bijwerken"),
    ),
    "init": (
        ("wijkctl init ~/wijkdata", "de gegevens van Haarlem in een nieuwe map"),
        ("wijkctl init ~/wijkdata --from-cbs kerncijfers.csv --year 2024 --gemeente Zandvoort",
         "een andere gemeente uit de CBS-tabel"),
    ),
    "set-verbinder": (
        ("wijkctl set-verbinder schalkwijk --name \"Kees de Boer\" --email kdboer@haarlem.nl --commit",
         "een nieuwe gebiedsverbinder"),
        ("wijkctl set-verbinder schalkwijk --none", "de verbinder vertrekt"),
    ),
    "unregister": (
        ("wijkctl unregister boerhaavewijk --org wijkplatform-europawijk-2 --reason \"in de verkeerde wijk "
         "ingevoerd\" --commit", "een vergissing ongedaan maken"),
    ),
    "due": (
        ("wijkctl due", "wat vandaag en de komende 30 dagen aandacht vraagt"),
        ("wijkctl due --within 90 -o json", "voor een cronjob die mailt"),
    ),
    "edit": (
        ("wijkctl edit wijken", "wijken.yaml bewerken in $EDITOR, gecontroleerd voor het schrijven"),
    ),
    "merge-driver": (
        ("git config merge.wijkctl.driver \"wijkctl merge-driver %O %A %B %P\"",
         "zo roept git het aan (wijkctl git-setup zet dit)"),
    ),
    "git-setup": (
        ("wijkctl git-setup", "in de gegevensrepository, één keer"),
    ),
    "diff": (
        ("wijkctl diff", "wat er sinds de laatste commit veranderde"),
        ("wijkctl diff HEAD~3 HEAD --contact", "tussen twee revisies, met contactgegevens"),
    ),
    "apply": (
        ("wijkctl apply molenwijk --year 2026 --received 2025-11-12 --case Z-2025-0123", "een aanvraag vastleggen"),
    ),
    "award": (
        ("wijkctl award molenwijk --year 2026 --on 2025-12-20 --commit", "verlenen: het berekende bedrag"),
        ("wijkctl award molenwijk --year 2026 --on 2025-12-20 --amount 6000 --reason \"begroting lager\"",
         "een ander bedrag, met reden"),
    ),
    "refuse": (
        ("wijkctl refuse molenwijk --year 2026 --on 2025-12-20 --reason \"geen kern\"", "weigeren"),
    ),
    "pay": (
        ("wijkctl pay molenwijk --year 2026 --on 2026-01-15 --amount 6500", "een voorschot"),
    ),
    "account": (
        ("wijkctl account molenwijk --year 2026 --received 2027-02-10 --spent 6100", "de verantwoording"),
    ),
    "settle": (
        ("wijkctl settle molenwijk --year 2026 --on 2027-04-01", "vaststellen; toont het saldo"),
    ),
    "correct": (
        ("wijkctl correct molenwijk --year 2026 --step betaling --date 2026-01-15 --amount 6000 "
         "--reason \"verkeerd bedrag getypt\"", "een vastgelegde stap verbeteren"),
    ),
    "grants": (
        ("wijkctl grants --year 2026", "status, verleend, betaald en saldo per platform"),
        ("wijkctl grants --year 2026 -o xlsx --file subsidies.xlsx", "een spreadsheet voor financiën"),
    ),
    "payments": (
        ("wijkctl payments --from 2026-01-01 --to 2026-03-31", "de betalingen van een kwartaal"),
    ),
    "add-wijk": (
        ("wijkctl add-wijk nieuwland --name Nieuwland --gebied noord --cbs-code WK039299", "een nieuwe wijk"),
    ),
    "add-buurt": (
        ("wijkctl add-buurt molenwijk --name Molenbuurt --cbs-code BU03922099", "een buurt erbij"),
    ),
    "rename": (
        ("wijkctl rename molenwijk --name \"Molenwijk-Zuid\"", "een wijk hernoemen; de code blijft"),
        ("wijkctl rename molenwijk --buurt Molenbuurt --name Molenhoek", "een buurt hernoemen"),
    ),
    "move-wijk": (
        ("wijkctl move-wijk spaarndam --gebied noord", "een wijk naar een ander gebied"),
    ),
    "add-gebied": (
        ("wijkctl add-gebied west --name West --verbinder-name \"Kees de Boer\" --verbinder-email k@haarlem.nl",
         "een nieuw gebied met zijn verbinder"),
    ),
    "remove-buurt": (
        ("wijkctl remove-buurt molenwijk --buurt Molenbuurt", "een buurt weg"),
    ),
    "remove-wijk": (
        ("wijkctl remove-wijk nieuwland", "een wijk zonder organisaties weg"),
    ),
    "remove-gebied": (
        ("wijkctl remove-gebied west", "een gebied zonder wijken weg"),
    ),
    "publish": (
        ("wijkctl publish site", "de publieke pagina met de contactgegevens in de map site"),
        ("wijkctl publish /var/www/wijkplatforms --on 2026-01-01", "zoals die op een dag was"),
    ),
    "commit": (
        ("wijkctl commit", "leg de openstaande wijziging vast met de melding die --commit had gegeven"),
        ("wijkctl commit --dry-run", "toon alleen die melding"),
    ),
    "sync": (
        ("wijkctl sync", "haal de wijzigingen van anderen op (samenvoegen) en stuur de eigen"),
        ("wijkctl sync --continue", "na het oplossen van een conflict met 'wijkctl edit wijken'"),
    ),
    "regeling": (
        ("wijkctl regeling add --year 2026 --plafond 60.000", "de regeling van een nieuw jaar, als concept"),
        ("wijkctl regeling set --year 2026 --toeslag Inwoners --staffel 7500=1000 --staffel 10.000=2000",
         "een toeslag in staffels"),
        ("wijkctl regeling set --year 2026 --status vastgesteld --commit", "vastgesteld door de gemeente"),
        ("wijkctl regeling set --year 2026 --verantwoording-voor 04-01 --vaststelling-weken 8",
         "de termijnen van de verantwoording en de vaststelling"),
    ),
    "help": (
        ("wijkctl help", "alle commando's"),
        ("wijkctl help subsidy", "de hulp bij één commando"),
    ),
}

# Rich reads help text as markup: a `[rol]` in an example must stay text
_MARKUP = re.compile(r"(\[[a-z#/@][^[]*?])")


def lines(command: str) -> list[tuple[str, str]]:
    """The examples of `command`: (what to type, what it does)."""
    return list(VOORBEELDEN.get(command, ()))


def epilog(command: str, markup: bool = True) -> str | None:
    """The "Voorbeelden" block of `command`'s help, as kubectl writes it: what it does as a
    `#` line, then what to type; markup escaped for Rich (Typer keeps single line breaks)."""
    examples = lines(command)
    if not examples:
        return None
    out = []
    for typed, wat in examples:
        out += [f"# {wat}", f"  {typed}"]
    body = "\n".join(_MARKUP.sub(r"\\\1", line) if markup else line for line in out)
    return f"Voorbeelden:\n\n{body}"
