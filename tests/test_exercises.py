from __future__ import annotations

import html

import pytest

from matsci_ml.apis import OptimadeClient
from matsci_ml.exercises import all_exercises, exercise


def test_data_types_checker():
    ex = exercise("01.data-types")
    right = ex.reference()
    assert ex.check(right).correct
    wrong = dict(right, **{"band gap (eV)": "ordinal"})
    result = ex.check(wrong)
    assert not result.correct and "band gap (eV)" in result.message and "Hint:" in result.message
    assert not ex.check(...).correct and "no answer yet" in ex.check(...).message
    assert not ex.check({"crystal system": "nominal"}).correct


def test_filter_checker_runs_the_learners_filter(optimade_server):
    ex = exercise("01.optimade-filter")
    client = OptimadeClient(optimade_server.base_url)
    assert ex.check('elements HAS ONLY "Cu","Pt" AND nelements=2', client=client).correct  # another correct form
    assert not ex.check('elements HAS "Cu"', client=client).correct
    bad = ex.check('elements HAS "Cu', client=client)
    assert not bad.correct and "could not run your filter" in bad.message
    with pytest.raises(TypeError, match="needs client="):
        ex.check("nelements=2")


def test_solution_shown_is_the_code_that_is_checked():
    for ex in all_exercises():
        assert ex.solution_code.strip() in html.unescape(ex.solution_html())
        assert "<details>" in ex.solution_html()


def test_unknown_exercise():
    with pytest.raises(KeyError, match="No exercise '99.x'"):
        exercise("99.x")


def test_filter_checker_does_not_page_through_a_broad_filter(optimade_server):
    ex = exercise("01.optimade-filter")
    result = ex.check("nelements>=1", client=OptimadeClient(optimade_server.base_url))
    assert not result.correct and "far more than the 4 expected" in result.message
