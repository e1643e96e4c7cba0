#!/usr/bin/env bash
# The subsidy year of one wijkplatform, from application to settlement, by commands only.
#
#   bash docs/subsidy-year.sh WORKDIR
#
# Makes a fresh data repository in WORKDIR (which must not exist) with `wijkctl init`,
# and records with --commit what finance and the gebiedsverbinder see happen to the 2027
# subsidy of Wijkplatform Molenwijk: the application on 12 November 2026 (its berekening
# frozen), newer CBS figures (today's computation moves, the frozen one does not), the
# award (and another platform's refused past the plafond), the voorschot, the
# verantwoording the next spring, the vaststelling at less than granted and the
# repayment, until `grants` says afgerond. On each key date it runs `wijkctl due` as the
# nightly cron job would, and writes the finance exports (grants-2027-verleend.xlsx after the
# voorschot; grants-2027.xlsx and payments-2027.xlsx at the end).
# The data repository is WORKDIR/repo, the parse cache WORKDIR/cache (never inside it).
#
# Every change is a wijkctl command, the regeling's plafond and terms included
# (`wijkctl regeling set`): no YAML is edited by hand.
set -euo pipefail
work=${1:?usage: subsidy-year.sh WORKDIR}
mkdir "$work"
work=$(cd "$work" && pwd)
mkdir "$work/repo" "$work/cache"
cd "$work/repo"
git init -q .
git config user.name "Fatima el Amrani"
git config user.email "felamrani@haarlem.nl"
export WIJKCTL_CACHE_DIR="$work/cache" NO_COLOR=1
printf '*.xlsx\nkwb-*.csv\n' > .gitignore && git add .gitignore && git commit -qm "ignore the exports"
say() { printf '\n$ %s\n' "$*"; "$@" 2>&1; }
refused() {  # a step wijkctl must refuse (exit 4)
    printf '\n$ %s\n' "$*"
    local rc=0
    "$@" 2>&1 || rc=$?
    if ((rc != 4)); then echo "(verwacht: exit 4, kreeg $rc)"; exit 1; fi
    echo "(exit 4)"
}
# a CBS Kerncijfers CSV of Haarlem's 21 wijken for peiljaar $2, Molenwijk's figures $3..$6
kwb() {
    python3 - "$@" <<'PY'
import sys
path, year, *molenwijk = sys.argv[1:]
rows = [f'"ID";"WijkenEnBuurten";"SoortRegio_2";"Codering_3";"AantalInwoners_5";"Woningvoorraad_35";'
        f'"InBezitWoningcorporatie_49";"PersonenPerSoortUitkeringBijstand_87"']
for n in range(1, 22):
    cells = [5000 + n * 100, 2000 + n * 50, f"{30 + n},5", 100 + n] if n != 20 else molenwijk
    rows.append(f'{n};"WK0392{n:02d}";"Wijk      ";"WK0392{n:02d}  ";' + ";".join(map(str, cells)))
open(path, "w", encoding="utf-8").write("\r\n".join(rows) + "\r\n")
PY
}
due_on() { printf '\n$ wijkctl due --on %s --within %s\n' "$1" "$2"; wijkctl due --on "$1" --within "$2" 2>&1; }

say wijkctl init data --commit
export WIJKCTL_DATA="$PWD/data"
say wijkctl git-setup
git add data/.gitattributes && git commit -qm "git-setup"
# the kern of the two bundled platforms (the bundled data holds no personal data)
for wijk in molenwijk oude-stad; do
    wijkctl update "$wijk" --on 2026-11-01 --add-member "Anna de Vries <anna@$wijk.example>" \
        --add-member "Bram Jansen <bram@$wijk.example>" --add-member "Cor Bakker <cor@$wijk.example>" --commit 2>&1
done
wijkctl update molenwijk --on 2026-11-01 --legal-form stichting --kvk 01234567 --commit 2>&1
# the regeling in force in 2027 (that of 2024) as the council amended it: a plafond, and the two
# terms Haarlem has not published (verantwoording_voor, vaststelling_weken; chosen here only to
# show `due` flag them)
say wijkctl regeling set --year 2024 --plafond 10000 --verantwoording-voor 04-01 --vaststelling-weken 8 --commit
say wijkctl check

echo; echo "# ---- autumn 2026: the window opens, the applications come in"
due_on 2026-10-25 14
say wijkctl apply molenwijk --year 2027 --received 2026-11-12 --case Z-2026-0412 --amount 6500 \
    --attachment plan --attachment kern --commit
say wijkctl apply oude-stad --year 2027 --received 2026-11-20 --case Z-2026-0431 --commit
say wijkctl subsidy molenwijk --year 2027

echo; echo "# ---- CBS publishes newer figures: today's computation moves, the frozen berekening does not"
kwb kwb-2025.csv 2025 8060 3968 52,9 310
wijkctl import-cbs kwb-2025.csv --year 2025 --commit 2>&1 | tail -n 1
say wijkctl subsidy molenwijk --year 2027
printf '\n$ wijkctl diff HEAD~1 HEAD   (the money block)\n'
wijkctl diff HEAD~1 HEAD 2>&1 | sed -n '/^Subsidie die daardoor/,$p'

echo; echo "# ---- the beslistermijn nears: the decisions"
due_on 2026-12-28 14
say wijkctl award molenwijk --year 2027 --on 2027-01-05 --case Z-2026-0412-B --commit
refused wijkctl award oude-stad --year 2027 --on 2027-01-06
say wijkctl refuse oude-stad --year 2027 --on 2027-01-06 --case Z-2026-0431-B \
    --reason "Het subsidieplafond 2027 is bereikt (Awb 4:25 lid 2)." --commit
say wijkctl pay molenwijk --year 2027 --on 2027-01-15 --amount 6500 --commit
say wijkctl grants --year 2027
wijkctl grants --year 2027 -o xlsx --file grants-2027-verleend.xlsx

echo; echo "# ---- the next spring: newer figures again; the decided year 2027 stays as it was decided"
kwb kwb-2026.csv 2026 8010 3990 50,1 100
printf '\n$ wijkctl import-cbs kwb-2026.csv --year 2026 --commit\n'
wijkctl import-cbs kwb-2026.csv --year 2026 --commit 2>&1 | tail -n 1
printf '\n$ wijkctl diff HEAD~1 HEAD   (the money block)\n'
wijkctl diff HEAD~1 HEAD 2>&1 | sed -n '/^Subsidie die daardoor/,$p'

echo; echo "# ---- the verantwoording"
due_on 2028-03-05 30
say wijkctl account molenwijk --year 2027 --received 2028-03-10 --spent 6100 --commit
due_on 2028-04-28 14

echo; echo "# ---- the vaststelling at less than granted, and the repayment"
say wijkctl settle molenwijk --year 2027 --on 2028-04-30 --case Z-2026-0412-V --commit
due_on 2028-05-01 0
say wijkctl pay molenwijk --year 2027 --on 2028-05-20 --amount 400 --kind terugbetaling --commit
due_on 2028-05-21 14
say wijkctl grants --year 2027
say wijkctl payments --year 2027
wijkctl grants --year 2027 -o xlsx --file grants-2027.xlsx
wijkctl payments --year 2027 -o xlsx --file payments-2027.xlsx
printf '\n$ git log --format=%%s\n'
git log --format=%s
