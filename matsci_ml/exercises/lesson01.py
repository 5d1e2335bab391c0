"""Exercises of lesson 01, materials data and APIs."""

from __future__ import annotations

from typing import Any

from matsci_ml.exercises import Exercise, register


def _compare_data_types(answer: Any, reference: dict[str, str], **_: Any) -> tuple[bool, str]:
    if not isinstance(answer, dict):
        return False, "Answer with a dict mapping each property to 'nominal', 'ordinal' or 'quantitative'."
    missing = [key for key in reference if key not in answer]
    if missing:
        return False, f"Classify every property; missing: {', '.join(missing)}."
    wrong = [key for key in reference if str(answer[key]).strip().lower() != reference[key]]
    if wrong:
        return False, f"{len(wrong)} of {len(reference)} wrong: {', '.join(wrong)}."
    return True, f"all {len(reference)} properties classified correctly."


register(Exercise(
    id="01.data-types",
    prompt=("Classify each property as 'nominal' (categories without order), 'ordinal' (ordered "
            "categories) or 'quantitative' (numbers with units). Answer with a dict "
            "{property: kind} for: 'crystal system', 'band gap (eV)', "
            "'conductor class (insulator < semiconductor < conductor)', 'is_metal', "
            "'melting point (K)', 'stability (stable < metastable < unstable)'."),
    hint=("Ask: can the values be ordered? If yes, are differences between them meaningful numbers "
          "with units? A True/False flag is a category."),
    solution_code='''answer = {
    "crystal system": "nominal",
    "band gap (eV)": "quantitative",
    "conductor class (insulator < semiconductor < conductor)": "ordinal",
    "is_metal": "nominal",
    "melting point (K)": "quantitative",
    "stability (stable < metastable < unstable)": "ordinal",
}''',
    compare=_compare_data_types,
))


def _compare_filters(answer: Any, reference: str, *, client, **_: Any) -> tuple[bool, str]:
    from matsci_ml.apis.optimade_client import OptimadeQueryError

    if not isinstance(answer, str) or not answer.strip():
        return False, "Answer with an OPTIMADE filter string."
    try:
        n_got = client.get("structures", filter=answer, page_limit=1).meta.get("data_returned")
    except OptimadeQueryError as error:
        return False, f"The server could not run your filter: {error}"
    expected = {e["id"] for e in client.structures(reference, response_fields=["id"], max_entries=None)}
    if n_got is not None and n_got > 10 * len(expected) + 10:
        # a live provider may hold many thousands: do not page through them all
        return False, f"your filter selects {n_got} structures, far more than the {len(expected)} expected."
    got = {e["id"] for e in client.structures(answer, response_fields=["id"], max_entries=None)}
    if got == expected:
        return True, f"your filter selects exactly the {len(expected)} expected structures."
    return False, (f"your filter selects {len(got)} structures, {len(got & expected)} of the "
                   f"{len(expected)} expected ones.")


register(Exercise(
    id="01.optimade-filter",
    prompt=("Write an OPTIMADE filter that selects every binary (two-element) structure that contains "
            "both Cu and Pt. Check it with ex.check(answer, client=source.client)."),
    hint=('Combine a condition on the list `elements` (HAS ALL "A","B") with one on `nelements`, '
          "joined by AND. Strings take double quotes."),
    solution_code='''answer = 'elements HAS ALL "Cu","Pt" AND nelements=2' ''',
    compare=_compare_filters,
    context_names=("client",),
))
