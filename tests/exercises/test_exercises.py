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


def test_lesson02_exercises():
    import pandas as pd

    ex = exercise("02.fe2o3-electronegativity")
    assert ex.check(0.4 * 1.83 + 0.6 * 3.44).correct and not ex.check(2.635).correct
    features = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 1.0, 3.0, 2.0]})
    target = pd.Series([1.1, 1.9, 3.2, 3.9])
    ex = exercise("02.best-correlated-feature")
    assert ex.check("a", features=features, target=target).correct
    assert not ex.check("b", features=features, target=target).correct
    assert "not a column" in ex.check("zz", features=features, target=target).message


def test_lesson03_exercises_agree_with_scikit_learn():
    import numpy as np
    from sklearn.metrics import balanced_accuracy_score, f1_score, mean_absolute_error, root_mean_squared_error

    true, predicted = np.array([0.0, 1.1, 3.4, 5.5]), np.array([0.3, 0.9, 2.5, 6.1])
    answer = {"mae": mean_absolute_error(true, predicted), "rmse": root_mean_squared_error(true, predicted)}
    assert exercise("03.mae-rmse").check(answer).correct
    y_true = np.array([1] * 490 + [0] * 510)
    y_pred = np.array([1] * 430 + [0] * 60 + [1] * 40 + [0] * 470)
    ex = exercise("03.precision-recall")
    reference = ex.reference()
    assert reference["f1"] == pytest.approx(f1_score(y_true, y_pred))
    assert reference["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y_true, y_pred))
    assert not ex.check({"precision": 0.9}).correct


def test_best_feature_accepts_ties():
    import pandas as pd

    features = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "same as a": [1.0, 2.0, 3.0, 4.0]})
    target = pd.Series([1.1, 1.9, 3.2, 3.9])
    assert exercise("02.best-correlated-feature").check("same as a", features=features, target=target).correct


def test_lesson04_exercises_match_the_library():
    from ase.build import bulk

    from matsci_ml.cluster_expansion import ClusterSpace

    l12 = bulk("Cu", "fcc", a=3.76, cubic=True)
    l12.symbols = "PtCuCuCu"
    phi = ClusterSpace(bulk("Cu", "fcc", a=3.76), {2: 3.8}, ("Cu", "Pt")).correlations(l12)
    ex = exercise("04.l12-correlations")
    assert ex.check({"point": phi[1], "nn": phi[2], "second": phi[3]})   # the hand count equals the library
    assert not ex.check({"point": 0.75, "nn": 0.0, "second": 1.0})       # x instead of <sigma> is wrong
    assert exercise("04.count-configurations").check({"total": 65536, "half": 12870})
    ag_pd = exercise("04.ag-pd-does-not-order").reference()
    assert ag_pd["negative"] == 0 and ag_pd["lowest"] > 0                 # EMT Ag-Pd phase-separates


def test_lesson05_exercises():
    assert exercise("05.acceptance").check({"p300": 0.14456, "p1000": 0.55977})
    assert not exercise("05.acceptance").check({"p300": 1.0, "p1000": 1.0})
    assert exercise("05.random-walk").check({"d_vacancy": 1.3005e-10, "d_tracer": 1.01634e-14})
    assert not exercise("05.random-walk").check({"d_vacancy": 1.3005e-8, "d_tracer": 1.01634e-12})
    tc = exercise("05.onsager-tc")
    assert tc.check({"exact": 2.269185, "ours": 2.25}, tc_estimate=2.25)
    with pytest.raises(TypeError, match="tc_estimate"):
        tc.check({"exact": 2.269185, "ours": 2.25})


def test_lesson06_exercises():
    assert exercise("06.levels").check({"a": 10, "b": 10, "in_level_8": False})
    assert not exercise("06.levels").check({"a": 10, "b": 10, "in_level_8": True})
    assert exercise("06.parameters").check({"n": 92 + 2 + 2 * 2 * 4 * 8})
    balance = exercise("06.loss-balance").reference()
    assert balance["ratio"] == pytest.approx(0.0162 / 0.00135)
    assert exercise("06.cutoff-neighbours").check({"4.0": 14, "5.0": 26, "6.0": 58})


def test_lesson07_exercises():
    assert exercise("07.grade-by-hand").check({"c1": 0.5, "c2": 2.0, "gamma": 2.0, "extrapolating": True})
    assert not exercise("07.grade-by-hand").check({"c1": 0.5, "c2": 2.0, "gamma": 2.0, "extrapolating": False})
    assert exercise("07.det-factor").check({"row": 1, "det": 4.0})
    assert not exercise("07.det-factor").check({"row": 0, "det": 1.0})
    assert exercise("07.max-selected").check({"m": 16 + 2})


def test_lesson08_exercises():
    assert exercise("08.feature-size").check({"n": 16 * 8})
    assert not exercise("08.feature-size").check({"n": 64})
    assert exercise("08.rotated-force").check({"fx": 0.0, "fy": 1.0, "fz": 0.5, "dE": 0.0})


def test_prdf_size_is_what_matminer_builds():
    from matminer.featurizers.structure import PartialRadialDistributionFunction

    from matsci_ml.data import load_matbench

    structures = load_matbench("matbench_phonons")["structure"]
    prdf = PartialRadialDistributionFunction(cutoff=10.0, bin_size=0.5).fit(structures)
    ex = exercise("09.prdf-size")
    assert len(prdf.elements_) == 64 and len(prdf.feature_labels()) == ex.reference()["phonons"]
    assert ex.check(ex.reference()).correct and not ex.check({"phonons": 64 * 64 * 20, "all": 89 * 89 * 20}).correct


def test_shift_cancels_as_a_calculation_shows():
    from ase.build import bulk
    from ase.calculators.emt import EMT

    from matsci_ml.atomistic import formation_energies

    mu = {"Ag": 0.30, "Pd": -0.20}
    cells = [bulk("Ag", "fcc", a=4.09), bulk("Pd", "fcc", a=3.89), bulk("Ag", "fcc", a=4.0).repeat((5, 1, 1))]
    for i in (3, 4):
        cells[2][i].symbol = "Pd"
    raw, shifted = [], []
    for atoms in cells:
        atoms.calc = EMT()
        energy = atoms.get_potential_energy()
        raw.append(energy / len(atoms))
        shifted.append((energy + sum(mu[s] for s in atoms.get_chemical_symbols())) / len(atoms))
    change = formation_energies(cells, shifted, ("Ag", "Pd"))[1] - formation_energies(cells, raw, ("Ag", "Pd"))[1]
    ex = exercise("10.shift-cancels")
    assert ex.reference() == {"total": pytest.approx(5 * (shifted[2] - raw[2])), "formation": pytest.approx(change[2], abs=1e-12),
                              "force": 0.0}
    assert ex.check(ex.reference()).correct and not ex.check({"total": 0.5, "formation": 0.02, "force": 0.0}).correct
