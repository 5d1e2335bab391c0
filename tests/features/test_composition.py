from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from pymatgen.core import Composition
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.pipeline import make_pipeline

from matsci_ml.data import load_matbench
from matsci_ml.features import MAGPIE_PROPERTIES, CompositionFeaturizer, magpie_table
from matsci_ml.features.composition import parse_compositions


def _matminer():
    from matminer.featurizers.base import MultipleFeaturizer
    from matminer.featurizers.composition import ElementProperty, Stoichiometry, ValenceOrbital

    return MultipleFeaturizer([ElementProperty.from_preset("magpie"), ValenceOrbital(), Stoichiometry()])


def test_parity_with_matminer_on_every_expt_gap_composition():
    formulas = list(load_matbench("matbench_expt_gap")["composition"])
    ours = CompositionFeaturizer().fit(formulas)
    peer = _matminer()
    assert list(ours.get_feature_names_out()) == list(peer.feature_labels())
    x = ours.transform(formulas)
    y = np.array([peer.featurize(Composition(f)) for f in formulas], dtype=float)
    assert x.shape == (4604, 146)
    np.testing.assert_allclose(x, y, rtol=1e-8, atol=1e-8)


def test_nan_policy_without_imputation_matches_matminer():
    from matminer.featurizers.base import MultipleFeaturizer
    from matminer.featurizers.composition import ElementProperty, ValenceOrbital

    # elements whose Magpie data are incomplete (noble gases, heavy elements) next to ordinary ones
    formulas = ["XeF2", "KrF2", "PuO2", "AmO2", "FeO", "NaCl", "CsAu", "NpO2", "UO2", "HeNe"]
    ours = CompositionFeaturizer(stoichiometry=False, impute_nan=False).fit(formulas).transform(formulas)
    peer = MultipleFeaturizer([ElementProperty.from_preset("magpie", impute_nan=False),
                               ValenceOrbital(impute_nan=False)])
    theirs = np.array([peer.featurize(Composition(f)) for f in formulas], dtype=float)
    assert np.isnan(theirs).any()  # the test must exercise missing data
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-8, equal_nan=True)


def test_missing_element_data_policy():
    # Ne (Z = 10) has no Pauling electronegativity; imputed = mean over the elements that have one.
    raw, imputed = magpie_table(impute_nan=False), magpie_table(impute_nan=True)
    k = MAGPIE_PROPERTIES.index("Electronegativity")
    assert np.isnan(raw[10, k])
    assert imputed[10, k] == pytest.approx(np.nanmean(raw[1:, k]))
    row = CompositionFeaturizer(impute_nan=False).fit(["NeO"]).transform(["NeO"])[0]
    names = list(CompositionFeaturizer().fit(["NeO"]).get_feature_names_out())
    assert np.isnan(row[names.index("MagpieData mean Electronegativity")])
    assert not np.isnan(row[names.index("MagpieData mean AtomicWeight")])


def test_feo_by_hand():
    f = CompositionFeaturizer().fit(["FeO"])
    row = dict(zip(f.get_feature_names_out(), f.transform(["FeO"])[0]))
    assert row["MagpieData mean AtomicWeight"] == pytest.approx(0.5 * 55.845 + 0.5 * 15.9994, abs=1e-3)
    assert row["MagpieData mean Electronegativity"] == pytest.approx(0.5 * 1.83 + 0.5 * 3.44)
    assert row["MagpieData range Electronegativity"] == pytest.approx(3.44 - 1.83)
    assert row["MagpieData mean Number"] == pytest.approx(17.0)
    assert row["MagpieData range Number"] == pytest.approx(18.0)
    assert row["MagpieData mean Column"] == pytest.approx((8 + 16) / 2)
    assert row["MagpieData mean Row"] == pytest.approx((4 + 2) / 2)
    assert row["0-norm"] == 2 and row["2-norm"] == pytest.approx(np.sqrt(0.5))
    assert row["MagpieData mode Number"] == 8  # tie: the smaller value


@pytest.mark.parametrize("formula", ["Fe2O3x", "", "Xx2", "H-1", "fe2o3"])
def test_invalid_formula_names_formula_and_row(formula):
    f = CompositionFeaturizer().fit(["FeO"])
    with pytest.raises(ValueError, match=rf"Row 1: .*{formula!r}"):
        f.transform(["FeO", formula])


def test_input_forms():
    f = CompositionFeaturizer().fit(["FeO"])
    expected = f.transform(["FeO", "Fe2O3"])
    for form in (pd.Series(["FeO", "Fe2O3"]), pd.DataFrame({"c": ["FeO", "Fe2O3"]}),
                 [Composition("FeO"), Composition("Fe2O3")], np.array([["FeO"], ["Fe2O3"]])):
        np.testing.assert_array_equal(f.transform(form), expected)
    with pytest.raises(ValueError, match="not a single formula"):
        f.transform("FeO")
    with pytest.raises(ValueError, match="Row 0: expected a formula string"):
        f.transform([3.0])


def test_estimator_contract():
    featurizer = CompositionFeaturizer(valence=False)
    assert clone(featurizer).get_params()["valence"] is False
    with pytest.raises(Exception, match="not fitted"):
        featurizer.transform(["FeO"])
    frame = CompositionFeaturizer().set_output(transform="pandas").fit(["FeO"]).transform(["FeO", "NaCl"])
    assert "MagpieData mean Electronegativity" in frame.columns and len(frame) == 2
    pipe = make_pipeline(CompositionFeaturizer(), RandomForestRegressor(n_estimators=5, random_state=0))
    pipe.fit(["FeO", "NaCl", "Fe2O3", "MgO"], [2.4, 8.5, 2.2, 7.8])
    assert pipe.predict(["CaO"]).shape == (1,)
    with pytest.raises(ValueError, match="enable at least one"):
        CompositionFeaturizer(element_stats=False, valence=False, stoichiometry=False).fit(["FeO"])


def test_bench_featurize_is_faster_and_identical():
    from matsci_ml.bench import bench_featurize

    formulas = list(load_matbench("matbench_expt_gap")["composition"])[:800]
    result = bench_featurize(formulas, repeat=2, seconds=0.1)
    assert result.details["max_abs_difference"] == pytest.approx(0.0, abs=1e-8)
    assert len(result.ours.kernel_rate) == len(result.peer.end_to_end_s) == 2
    assert min(result.kernel_ratios()) > 5  # full set: the median of `matsci-ml bench featurize` is in README


def test_a_zero_amount_warns_that_the_element_is_left_out():
    with pytest.warns(UserWarning, match=r"'Fe0O' gives Fe an amount of 0, so it is left out: the composition is 'O1'"):
        z, amounts = parse_compositions(["Fe0O"])
    assert z.tolist() == [[8]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_compositions(["Fe2O3", "Ba0.5Sr0.5TiO3", "Fe10O"])      # 10 is not a zero


def test_an_amount_too_large_for_a_number_is_refused():
    with pytest.raises(ValueError, match=r"Row 1: invalid formula 'Fe1e400O': amount of Fe is inf"):
        parse_compositions(["FeO", "Fe1e400O"])


def test_no_formulas_at_all():
    with pytest.raises(ValueError, match="No formulas given"):
        CompositionFeaturizer().fit_transform([])
