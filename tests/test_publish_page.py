"""The pure side of the public page (wijkctl/publish.py): whatever a name holds, the page
says it as text, its markup stays the same, and the open data says the same."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from wijkctl import publish

VOID = {"meta", "link", "br", "img", "hr", "input"}
# Text as a data file may hold it: no control characters, no surrogates.
TEKST = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


class _Markup(HTMLParser):
    """The tags of a page in order, whether they nest properly, and the text of each h4."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.nested = True
        self.h4: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "h4":
            self.h4.append("")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.nested = False

    def handle_data(self, data):
        if self.open and self.open[-1] == "h4":
            self.h4[-1] += data


def _model(naam: str, wijk: str = "Molenwijk") -> dict:
    org = {"id": "p", "soort": "wijkplatform", "naam": naam, "buurten": None, "van": "2025-01-01",
           "email": "info@example.org", "website": "https://example.org/?a=1&b=2"}
    return {"gemeente": "Haarlem", "gemeente_cbs_code": None, "datum": "2026-12-02", "correcties": None,
            "zonder_platform": None,
            "gebieden": [{"code": "schalkwijk", "naam": "Schalkwijk", "verbinder": None,
                          "wijken": [{"code": "molenwijk", "naam": wijk, "cbs_code": None, "organisaties": [org],
                                      "buurten_zonder": []}]}]}


def _markup(model: dict) -> _Markup:
    parser = _Markup()
    parser.feed(publish.files(model)[publish.INDEX].decode())
    parser.close()
    return parser


BASELINE = _markup(_model("Wijkplatform Molenwijk"))


@settings(max_examples=40, deadline=None)
@given(naam=TEKST, wijk=TEKST)
def test_any_name_is_text_and_leaves_the_markup_as_it_is(naam, wijk):
    model = _model(naam, wijk)
    page = _markup(model)
    assert page.tags == BASELINE.tags and page.nested and not page.open
    assert page.h4 == [naam]
    assert json.loads(publish.files(model)[publish.JSON])["gebieden"][0]["wijken"][0]["naam"] == wijk


def test_the_baseline_page_nests_properly():
    assert BASELINE.nested and not BASELINE.open
    assert BASELINE.tags.count("h1") == 1 and "script" not in BASELINE.tags
    assert {"header", "nav", "main", "footer"} <= set(BASELINE.tags)


def test_the_csv_has_a_row_for_the_ground_no_organisation_covers():
    model = _model("P")
    model["gebieden"][0]["wijken"][0]["buurten_zonder"] = ["Erasmusbuurt", "Meerwijkplas"]
    model["gebieden"][0]["wijken"].append({"code": "leeg", "naam": "Leeg", "cbs_code": None, "organisaties": [],
                                           "buurten_zonder": []})
    rows = list(csv.DictReader(io.StringIO(publish.to_csv(model))))
    assert [(r["wijk"], r["organisatie"], r["buurten"]) for r in rows] == [
        ("molenwijk", "p", ""), ("molenwijk", "", "Erasmusbuurt; Meerwijkplas"), ("leeg", "", "")]
    assert list(rows[0]) == list(publish.CSV_COLUMNS)
