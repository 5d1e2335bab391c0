"""Open challenges, one per block of the course, each with a scored target and a published or measured reference.

* **Property ML** -- :func:`glass_challenge`: Matbench ``matbench_glass`` (glass-forming ability from composition,
  5680 alloys) on the official folds, scored like the leaderboard (ROC-AUC on thresholded labels, i.e. balanced
  accuracy) and printed against its published entries.
* **Structure models** -- :func:`phonons_challenge`: Matbench ``matbench_phonons`` (highest phonon-DOS peak from
  the crystal structure, 1265 materials) on the official folds, scored by the MAE (cm⁻¹) against the leaderboard;
  the target is MODNet v0.1.12, the best descriptor model published there.
* **Lattice models** -- :func:`cluster_expansion_challenge`: a cluster expansion of the Cu-Pt EMT labels of lesson
  04 with your choice of clusters and fit, scored by 10-fold CV RMSE against the lesson's 12-ECI OLS expansion
  (computed in the same call), and required to keep its ground states within 1 meV/site of EMT's hull.
* **Potentials** -- :func:`mtp_challenge`: an MTP for mlearn Si, Ge or Li (or Mo) with your settings, scored by its
  test-set MAEs against Zuo et al. (2020)'s published MTP.

Each returns a :class:`ChallengeResult` that prints as a short report; nothing here raises on a poor score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class ChallengeResult:
    """A challenge's score, its target, and the comparison table."""

    name: str
    score: float
    unit: str
    target: float
    target_source: str
    higher_is_better: bool
    comparison: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)
    requirement_met: bool = True

    @property
    def beats_target(self) -> bool:
        better = self.score > self.target if self.higher_is_better else self.score < self.target
        return better and self.requirement_met

    def __str__(self) -> str:
        verdict = "🏆 target beaten" if self.beats_target else "not yet: keep going"
        lines = [f"{self.name}: your score {self.score:.4g} {self.unit}; target {self.target:.4g} {self.unit} "
                 f"({self.target_source}) -- {verdict}", *self.notes, "", self.comparison.to_string(index=False)]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def glass_challenge(model, *, features=None, name: str = "your model") -> ChallengeResult:
    """Score ``model`` (an unfitted scikit-learn classifier with ``predict_proba``) on ``matbench_glass``.

    ``features`` is a transformer from compositions to features (default: the course's
    :class:`~matsci_ml.features.CompositionFeaturizer`). Target: RF-SCM/Magpie's 0.8587.
    """
    from matsci_ml.data import load_matbench
    from matsci_ml.evaluation import compare_with_leaderboard, evaluate_matbench
    from matsci_ml.evaluation.leaderboard import LEADERBOARD
    from matsci_ml.features import CompositionFeaturizer

    data = load_matbench("matbench_glass")
    featurizer = features if features is not None else CompositionFeaturizer().set_output(transform="pandas")
    X = featurizer.fit(data["composition"]).transform(data["composition"])
    result = evaluate_matbench(model, X, data, "matbench_glass", name=name)
    score = float(result.mean("balanced_accuracy"))
    table = compare_with_leaderboard("matbench_glass", {name: score})
    return ChallengeResult("matbench_glass (official 5 folds)", score, "", LEADERBOARD["matbench_glass"]["entries"]
                           ["RF-SCM/Magpie"], "RF-SCM/Magpie, Matbench v0.1 leaderboard", True, table,
                           [f"ROC-AUC of the probabilities, 5-fold mean: {result.mean('roc_auc'):.4f} (the leaderboard "
                            "scores thresholded labels, so compare the balanced accuracy)"])


def phonons_challenge(model, *, features=None, name: str = "your model") -> ChallengeResult:
    """Score ``model`` (an unfitted scikit-learn regressor) on ``matbench_phonons``'s official folds.

    ``features`` is a transformer from pymatgen structures to features (default: lesson 09's
    :class:`~matsci_ml.features.structure.StructureFeaturizer`); pass ``features="structures"`` to hand the model
    the structures themselves (e.g. a :class:`~matsci_ml.graph_network.CrystalGraphRegressor`).
    Target: MODNet v0.1.12's 34.28 cm⁻¹.
    """
    from matsci_ml.data import load_matbench
    from matsci_ml.evaluation import compare_with_leaderboard, evaluate_matbench
    from matsci_ml.evaluation.leaderboard import LEADERBOARD
    from matsci_ml.features.structure import StructureFeaturizer

    data = load_matbench("matbench_phonons")
    if isinstance(features, str) and features == "structures":
        X = list(data["structure"])
    else:
        featurizer = features if features is not None else StructureFeaturizer(n_jobs=2)
        X = featurizer.fit(data["structure"]).transform(data["structure"])
    result = evaluate_matbench(model, X, data, "matbench_phonons", name=name)
    score = float(result.mean("mae"))
    board = LEADERBOARD["matbench_phonons"]
    return ChallengeResult("matbench_phonons (official 5 folds)", score, "cm⁻¹", board["entries"]["MODNet v0.1.12"],
                           "MODNet v0.1.12, Matbench v0.1 leaderboard", False,
                           compare_with_leaderboard("matbench_phonons", {name: score}),
                           [f"fold MAEs: {', '.join(f'{m:.1f}' for m in result.fold_scores['mae'])} cm⁻¹"])


def cluster_expansion_challenge(cutoffs: dict, estimator=None, *, name: str = "your expansion") -> ChallengeResult:
    """Score a Cu-Pt cluster expansion with clusters up to ``cutoffs`` (``{order: A}``) fitted by ``estimator``
    (default: LASSO with alpha chosen by 10-fold CV) on lesson 04's 631 EMT labels.

    Score: 10-fold CV RMSE (meV/site); target: the lesson's OLS on pairs to 7.6 A and triplets to 4 A, scored the
    same way in this call. Requirement: every ground state of the expansion lies within 1 meV/site of EMT's hull.
    """
    from sklearn.model_selection import GridSearchCV, KFold

    from matsci_ml.cluster_expansion import ClusterExpansionRegressor, ClusterSpace, convex_hull, cv_rmse
    from matsci_ml.cluster_expansion.lesson_setup import CUPT_CUTOFFS, cupt_parent, cupt_training_set

    labels = cupt_training_set()
    y = labels.mixing_energy
    if estimator is None:
        estimator = GridSearchCV(ClusterExpansionRegressor(method="lasso"), {"alpha": np.logspace(-7, -3, 9)},
                                 cv=KFold(10, shuffle=True, random_state=0), scoring="neg_root_mean_squared_error")
    rows = []
    for label, space_cutoffs, model in (("lesson 04: OLS, pairs 7.6 Å, triplets 4 Å", CUPT_CUTOFFS,
                                         ClusterExpansionRegressor(method="ols")), (name, cutoffs, estimator)):
        space = ClusterSpace(cupt_parent(), space_cutoffs, ("Cu", "Pt"))
        X = space.correlation_matrix(labels.structures)
        fitted = model.fit(X, y)
        fitted = getattr(fitted, "best_estimator_", fitted)
        predicted_ground = convex_hull(labels.concentration, fitted.predict(X)).ground_states
        worst = 1000 * convex_hull(labels.concentration, y).energy_above_hull[predicted_ground].max()
        rows.append({"expansion": label, "ECIs": space.n_parameters,
                     "10-fold CV RMSE (meV/site)": 1000 * cv_rmse(model, X, y, cv=10, random_state=0),
                     "worst CE ground state above EMT's hull (meV/site)": worst})
    table = pd.DataFrame(rows)
    baseline, yours = table["10-fold CV RMSE (meV/site)"]
    hull_ok = bool(table["worst CE ground state above EMT's hull (meV/site)"].iloc[1] < 1.0)
    return ChallengeResult("Cu-Pt cluster expansion (631 EMT labels)", float(yours), "meV/site", float(baseline),
                           "lesson 04's expansion, same CV", False, table,
                           ["requirement: every ground state of your expansion within 1 meV/site of EMT's hull: "
                            + ("met" if hull_ok else "NOT met")], requirement_met=hull_ok)


def mtp_challenge(trainer, element: str = "Si", *, name: str = "your MTP") -> ChallengeResult:
    """Fit ``trainer`` (an unfitted :class:`~matsci_ml.mtp.MTPTrainer`) on mlearn ``element``'s training set and
    score the test-set energy MAE (meV/atom) against Zuo et al. (2020)'s MTP; forces are reported beside it."""
    from matsci_ml.data import load_mlearn
    from matsci_ml.mtp.reference_values import ZUO_2020_MTP_TEST_MAE

    if element not in ZUO_2020_MTP_TEST_MAE:
        raise ValueError(f"mlearn has {', '.join(ZUO_2020_MTP_TEST_MAE)}; got {element!r}")
    training, test = load_mlearn(element, "training"), load_mlearn(element, "test")
    trainer.fit(training)
    errors = trainer.errors(test)
    energy, force = ZUO_2020_MTP_TEST_MAE[element]
    table = pd.DataFrame([{"model": f"{name} ({trainer.potential_.parameter_count} parameters, "
                                    f"{trainer.fit_time_s_:.0f} s)",
                           "energy MAE (meV/atom)": errors["energy_mae_mev_per_atom"],
                           "force MAE (eV/Å)": errors["force_mae_ev_per_a"]},
                          {"model": "Zuo et al. 2020, MTP (published)", "energy MAE (meV/atom)": energy,
                           "force MAE (eV/Å)": force}])
    return ChallengeResult(f"MTP for mlearn {element} ({len(training)} training, {len(test)} test configurations)",
                           float(errors["energy_mae_mev_per_atom"]), "meV/atom", energy,
                           "Zuo et al. 2020, J. Phys. Chem. A 124, 731", False, table)
