"""The three open challenges score honestly: a weak entry loses, a reasonable one is placed correctly."""

from __future__ import annotations

import pytest


def test_glass_challenge_ranks_a_dummy_at_chance_and_a_forest_near_the_leaderboard():
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import RandomForestClassifier

    from matsci_ml.challenges import glass_challenge

    dummy = glass_challenge(DummyClassifier(strategy="most_frequent"), name="dummy")
    assert dummy.score == pytest.approx(0.5) and not dummy.beats_target
    assert list(dummy.comparison["model"])[-1] in ("dummy", "Dummy")          # at the bottom of the table
    forest = glass_challenge(RandomForestClassifier(n_estimators=30, n_jobs=2, random_state=0), name="forest")
    assert 0.75 < forest.score < 0.95                                          # RF-SCM/Magpie: 0.8587
    assert "RF-SCM/Magpie" in str(forest) and "forest" in str(forest)


def test_cluster_expansion_challenge_compares_with_the_lesson_in_the_same_call():
    from matsci_ml.challenges import cluster_expansion_challenge
    from matsci_ml.cluster_expansion import ClusterExpansionRegressor

    pairs_only = cluster_expansion_challenge({2: 2.7}, ClusterExpansionRegressor(method="ols"), name="NN pairs only")
    assert pairs_only.target == pytest.approx(6.14, abs=0.05)       # lesson 04's 10-fold CV RMSE
    assert pairs_only.score > pairs_only.target and not pairs_only.beats_target
    assert "NN pairs only" in str(pairs_only)


def test_mtp_challenge_scores_against_zuo(monkeypatch):
    from matsci_ml.challenges import mtp_challenge
    from matsci_ml.mtp import MTPTrainer

    result = mtp_challenge(MTPTrainer(level=4, min_dist=1.5, max_dist=4.5, max_iter=3, seed=0, progress=False), "Li")
    assert result.target == 0.49 and result.score > result.target and not result.beats_target
    with pytest.raises(ValueError, match="mlearn has"):
        mtp_challenge(MTPTrainer(), "Cu")


def test_a_better_cv_score_does_not_win_without_the_ground_states():
    from matsci_ml.challenges import ChallengeResult

    import pandas as pd
    result = ChallengeResult("x", 5.0, "meV/site", 6.0, "lesson", False, pd.DataFrame(), requirement_met=False)
    assert not result.beats_target
    assert ChallengeResult("x", 5.0, "meV/site", 6.0, "lesson", False, pd.DataFrame()).beats_target


def test_phonons_challenge_places_a_weak_and_a_structure_model():
    from sklearn.dummy import DummyRegressor
    from sklearn.ensemble import RandomForestRegressor

    from matsci_ml.challenges import phonons_challenge
    from matsci_ml.features.structure import StructureFeaturizer

    dummy = phonons_challenge(DummyRegressor(), features=StructureFeaturizer(blocks=("density",)), name="mean")
    assert dummy.score == pytest.approx(323.98, abs=0.01) and not dummy.beats_target     # the published Dummy
    forest = phonons_challenge(RandomForestRegressor(60, max_features=0.3, random_state=0, n_jobs=1),
                               features=StructureFeaturizer(blocks=("composition", "density")), name="forest")
    assert 45 < forest.score < 80 and not forest.beats_target
    assert "MODNet v0.1.12" in str(forest) and forest.target == pytest.approx(34.2751)
