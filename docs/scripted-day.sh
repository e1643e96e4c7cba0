#!/usr/bin/env bash
# A gebiedsverbinder's year, by commands only: no YAML file is touched by hand.
#
#   bash docs/scripted-day.sh WORKDIR [STEP_DAYS]
#
# Makes a fresh data repository in WORKDIR (which must not exist), records a new
# platform and the year's events in it (with --commit, and once by forgetting it and
# running `wijkctl commit`), passes the gate the hooks run, runs `wijkctl due` every
# STEP_DAYS days of 2027 (default 1: nightly, as cron would) and prints how many lines
# it said and what was new, then opens the finance export as Dutch Excel would read it.
# The tests run it with a step of 21 days (2027-10-01, the deadline, is one of them).
set -euo pipefail
work=${1:?usage: scripted-day.sh WORKDIR [STEP_DAYS]}
step=${2:-1}
mkdir "$work"
cd "$work"
# the parse cache lives outside the repository (wijkctl ignores one inside it)
export WIJKCTL_CACHE_DIR="$PWD.cache" NO_COLOR=1
git init -q .
git config user.name "Ingrid Hamer"
git config user.email "ihamer@haarlem.nl"
printf 'subsidie-*.csv\n' > .gitignore && git add .gitignore && git commit -qm "ignore the finance export"
say() { printf '\n$ %s\n' "$*"; "$@" 2>&1; }

say wijkctl init data --commit
say wijkctl register europawijk --name "Wijkplatform Europawijk" --from 2027-01-01 \
    --legal-form stichting --kvk 87654321 --email info@europawijk.example \
    -m "Anna de Vries <anna@example.org>" -m "Bram Jansen <bram@example.org> 0612345678" \
    -m "Cor Bakker <cor@example.org>" --commit
# the platform starts next year: update finds it with --on
say wijkctl update europawijk --on 2027-01-01 --remove-member "Cor Bakker" --commit
say wijkctl update europawijk --on 2027-01-01 --add-member "Dewi Pinas <dewi@example.org>" --commit
say wijkctl update europawijk --on 2027-01-01 --change-member bram@example.org \
    "Bram Jansen <b.jansen@example.org> 0612345678" --commit
say wijkctl set-verbinder schalkwijk --name "Kees de Boer" --email kdboer@haarlem.nl --commit
# a registration made by mistake, and removed
say wijkctl register boerhaavewijk --name "Wijkplatform Europawijk" --from 2027-01-01 \
    -m "Anna de Vries <anna@example.org>" -m "Bram Jansen <bram@example.org>" \
    -m "Dewi Pinas <dewi@example.org>" --commit
say wijkctl unregister boerhaavewijk --reason "in de verkeerde wijk ingevoerd" --commit
# in reality a member leaves and nobody replaces her yet: recorded with a warning, and due flags it
say wijkctl update europawijk --on 2027-01-01 --remove-member anna@example.org --commit
# Binnenstad's platform stops at the end of the year
say wijkctl end oude-stad --org wijkplatform-binnenstad --on 2028-01-01 --reason "opgegaan in een nieuw platform" --commit
# Vogelenwijk's wijkraad, and its conversion agreed for 1 February: due gives no convert advice
say wijkctl register vogelenwijk --wijkraad --name "Wijkraad Vogelenwijk" --from onbekend --commit
say wijkctl convert vogelenwijk --from 2027-02-01 -m "Dewi Pinas <dewi@example.org>" \
    -m "Eva Smit <eva@example.org>" -m "Fatima el Idrissi <fatima@example.org>"
# forgot --commit: the commit wijkctl would have made
say wijkctl commit
# the gate of the hooks: a kern of 2 in Europawijk is not this change's
say wijkctl check --strict --changed

printf '\n# wijkctl due --within 14, every %s day(s) of 2027: per night the number of lines, then the new ones\n' "$step"
day=2027-01-01
previous=""
most=0
while [[ $day < 2028-01-01 ]]; do
    out=$(wijkctl due --on "$day" --within 14)
    lines=$(grep -c . <<<"$out" || true)
    (( lines > most )) && most=$lines
    # an item stays due for days; show what is new since the previous night (the item, not its date)
    new=$(comm -13 <(cut -d' ' -f3- <<<"$previous" | sort) <(cut -d' ' -f3- <<<"$out" | sort))
    printf '== %s: %s\n' "$day" "$lines"
    if [[ -n $new ]]; then
        grep -F -- "$new" <<<"$out" || true
    fi
    previous=$out
    day=$(date -d "$day + $step day" +%F)
done
printf '# at most %s lines on a night\n' "$most"

printf '\n$ wijkctl subsidy --year 2027 -o csv-nl\n'
wijkctl subsidy --year 2027 -o csv-nl > subsidie-2027.csv
cat subsidie-2027.csv
printf '\n# the finance export as Python csv (dialect excel, delimiter ;) reads it\n'
python3 - subsidie-2027.csv <<'PY'
import csv
import sys

with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f, dialect="excel", delimiter=";"))
for row in rows:
    print(f"{row['Wijk']:<10} {row['Platform'] or '':<24} kvk={row['KvK'] or '-':<9} "
          f"{row['Rechtsvorm'] or '-':<10} bedrag={row['Bedrag']:>6}  regeling {row['Regelingsjaar']} ({row['Status regeling']})")
PY

printf '\n# the history, one commit per event\n'
git log --reverse --format='%s'
say wijkctl check
test -z "$(git status --porcelain)"
