"""Implementation exercises of lesson 01: paging through an OPTIMADE result, parsing a formula."""

from __future__ import annotations

import numpy as np

from matsci_ml.exercises.implementation import compare_arrays, describe, implement

# -- 01.follow-pages ---------------------------------------------------------------------------


class _PagedProvider:
    """An in-memory OPTIMADE provider: ``get_page(url)`` returns the JSON:API body of one page.

    Some providers write ``links.next`` as a URL, some as a link object ``{"href": url}`` (JSON:API
    allows both); the last page has ``next`` null or no ``next`` at all; a faulty provider keeps
    returning empty pages that still carry a ``next`` link, forever.
    """

    def __init__(self, entries: list[dict], page_size: int, *, link_objects: bool, endless: bool,
                 omit_last_next: bool, max_requests: int):
        self.entries, self.page_size = entries, page_size
        self.link_objects, self.endless, self.omit_last_next = link_objects, endless, omit_last_next
        self.requests: list[str] = []
        self.max_requests = max_requests

    def url(self, page: int) -> str:
        return f"https://example.org/optimade/v1/structures?filter=nelements%3D2&page_offset={page * self.page_size}"

    def __call__(self, url: str) -> dict:
        self.requests.append(url)
        if len(self.requests) > self.max_requests:
            raise RuntimeError(f"your loop asked for more than {self.max_requests} pages: it does not stop "
                               "(empty pages that still carry a `next` link are a real provider bug)")
        try:
            page = int(url.rsplit("page_offset=", 1)[1]) // self.page_size
        except (IndexError, ValueError):
            raise ValueError(f"not a URL this provider gave out: {url!r}") from None
        data = self.entries[page * self.page_size:(page + 1) * self.page_size]
        more = self.endless or (page + 1) * self.page_size < len(self.entries)
        links: dict = {}
        if more:
            links["next"] = {"href": self.url(page + 1)} if self.link_objects else self.url(page + 1)
        elif not self.omit_last_next:
            links["next"] = None
        return {"data": data, "links": links, "meta": {"data_returned": len(self.entries), "more_data_available": more}}


def _page_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    for k in range(24):
        n = int(rng.integers(0, 60))
        cases.append({"n_entries": n, "page_size": int(rng.integers(1, 12)), "max_pages": int(rng.integers(1, 9)),
                      "link_objects": bool(k % 2), "endless": k % 5 == 3, "omit_last_next": k % 3 == 0})
    return cases


def _verify_pages(function, case) -> str | None:
    entries = [{"id": f"emt-{i}", "type": "structures"} for i in range(case["n_entries"])]
    provider = _PagedProvider(entries, case["page_size"], link_objects=case["link_objects"], endless=case["endless"],
                              omit_last_next=case["omit_last_next"], max_requests=case["max_pages"] + 20)
    got = function(provider, provider.url(0), max_pages=case["max_pages"])
    pages_available = 10**9 if case["endless"] else max(1, -(-len(entries) // case["page_size"]))
    expected_pages = min(case["max_pages"], pages_available)
    expected = entries[: expected_pages * case["page_size"]]
    if got is None:
        return "returned None: return the list of entries"
    if list(got) != expected:
        ids = [e.get("id") if isinstance(e, dict) else e for e in list(got)]
        return (f"expected {len(expected)} entries ({expected_pages} page(s) of {case['page_size']}), got {len(ids)}: "
                f"{describe(ids, 100)}")
    if len(provider.requests) != expected_pages:
        return f"the entries are right, but your loop requested {len(provider.requests)} pages instead of {expected_pages}"
    return None


def _describe_provider(case: dict) -> str:
    ending = ("empty pages with a `next` link forever" if case["endless"] else
              "no `next` key on the last page" if case["omit_last_next"] else "`next: null` on the last page")
    style = "link objects {'href': url}" if case["link_objects"] else "URL strings"
    return (f"collect_entries(get_page, url, max_pages={case['max_pages']}) on a provider with {case['n_entries']} "
            f"entries in pages of {case['page_size']}, `next` written as {style}, {ending}")


implement(
    id="01.follow-pages",
    describe_case=_describe_provider,
    prompt=("An OPTIMADE provider returns a long result in pages. Write collect_entries(): follow `links.next` from "
            "page to page and return every entry, but never read more than `max_pages` pages (some providers send "
            "empty pages with a `next` link forever). The checker runs it against 24 simulated providers."),
    scaffold='''def collect_entries(get_page, url, max_pages=10):
    """Every entry of a paginated OPTIMADE response, reading at most ``max_pages`` pages.

    get_page(url) returns one page's JSON body as a dict: ``body["data"]`` is the list of entries and
    ``body["links"]["next"]`` the URL of the next page -- written as a string, or as a link object
    ``{"href": url}``, and null or absent on the last page.
    Returns the list of entries of all pages read, in order.
    """
    raise NotImplementedError''',
    solution_code='''def collect_entries(get_page, url, max_pages=10):
    entries = []
    for _ in range(max_pages):
        body = get_page(url)
        entries.extend(body["data"])
        url = (body.get("links") or {}).get("next")
        if isinstance(url, dict):          # a JSON:API link object
            url = url.get("href")
        if not url:
            break
    return entries''',
    hints=("Loop: read a page, append its `data`, then take `links.next`; stop when there is no next URL.",
           "`next` can be a dict {'href': ...}: take its 'href'. A missing key and a None both mean 'last page': "
           "use body.get('links', {}).get('next').",
           "Use `for _ in range(max_pages):` instead of `while True:` so the loop ends even when `next` never does."),
    cases=_page_cases,
    verify=_verify_pages,
)


# -- 01.parse-formula --------------------------------------------------------------------------

_SYMBOLS = ("H", "Li", "Be", "B", "C", "N", "O", "F", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "K", "Ca", "Ti", "V",
            "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Sr", "Y", "Zr", "Nb", "Mo", "Ag",
            "Sn", "Sb", "I", "Ba", "La", "W", "Pt", "Au", "Pb", "Bi", "U")
_AMOUNTS = ("", "", "2", "3", "4", "5", "12", "0.5", "0.25", "1.5", "0.1")


def _formula_cases(rng: np.random.Generator) -> list[dict]:
    cases = [{"formula": f} for f in ("Fe2O3", "NaCl", "CO", "Co", "CH3COOH")]
    while len(cases) < 25:
        parts = []
        for _ in range(int(rng.integers(1, 6))):
            parts.append(str(rng.choice(_SYMBOLS)) + str(rng.choice(_AMOUNTS)))
        cases.append({"formula": "".join(parts)})
    return cases


def _verify_formula(function, case) -> str | None:
    from pymatgen.core import Composition

    expected = {str(el): float(amount) for el, amount in Composition(case["formula"]).items()}
    got = function(case["formula"])
    if not isinstance(got, dict):
        return f"expected a dict such as {describe(expected)}, got {describe(got)}"
    if sorted(map(str, got)) != sorted(expected):
        return f"expected the elements {sorted(expected)}, got {sorted(map(str, got))}"
    keys = sorted(expected)
    return compare_arrays([got[k] for k in keys], [expected[k] for k in keys], what=f"amounts of {keys}")


implement(
    id="01.parse-formula",
    prompt=("Before a formula from an API becomes a pymatgen Composition, it is a string. Write parse_formula(): "
            "element symbol -> amount for formulas without brackets, e.g. 'Fe2O3', 'Ba0.5Sr0.5TiO3', 'CH3COOH'. "
            "Checked against pymatgen's Composition on 25 formulas."),
    scaffold='''def parse_formula(formula):
    """``{symbol: amount}`` of a formula without brackets: parse_formula("Fe2O3") == {"Fe": 2.0, "O": 3.0}.

    A symbol is one capital letter, optionally followed by one lower-case letter; its amount is the
    number right after it (integer or decimal, 1 when there is none). An element written twice
    counts twice: "CH3COOH" is C2 H4 O2.
    """
    raise NotImplementedError''',
    solution_code='''import re

def parse_formula(formula):
    amounts = {}
    for symbol, number in re.findall(r"([A-Z][a-z]?)(\\d*\\.?\\d*)", formula):
        amounts[symbol] = amounts.get(symbol, 0.0) + (float(number) if number else 1.0)
    return amounts''',
    hints=("A regular expression finds each symbol with its number: re.findall(r'([A-Z][a-z]?)(\\d*\\.?\\d*)', formula).",
           "An empty number means 1; decimals such as 0.5 need the '\\.?' part of the pattern.",
           "Add to the amount already stored for a symbol instead of overwriting it: CH3COOH has C and O twice."),
    cases=_formula_cases,
    verify=_verify_formula,
)
