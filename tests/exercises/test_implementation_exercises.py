"""Every implementation checker passes its solution and fails typical wrong answers with a useful message."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from matsci_ml.exercises import all_exercises, exercise
from matsci_ml.exercises.implementation import MIN_CASES, ExerciseFailed, ImplementationExercise, check


def implementation_exercises() -> list[ImplementationExercise]:
    return [ex for ex in all_exercises() if isinstance(ex, ImplementationExercise)]


# -- typical wrong answers, at least two per exercise --------------------------------------------

def _pages_first_only(get_page, url, max_pages=10):
    return get_page(url)["data"]


def _pages_no_cap(get_page, url, max_pages=10):
    entries = []
    while url:
        body = get_page(url)
        entries.extend(body["data"])
        url = body.get("links", {}).get("next")
        url = url.get("href") if isinstance(url, dict) else url
    return entries


def _pages_string_links_only(get_page, url, max_pages=10):
    entries = []
    for _ in range(max_pages):
        body = get_page(url)
        entries.extend(body["data"])
        url = body.get("links", {}).get("next")
        if not isinstance(url, str):
            break
    return entries


def _formula_integers_only(formula):
    return {s: float(n) if n else 1.0 for s, n in re.findall(r"([A-Z][a-z]?)(\d*)", formula)}


def _formula_overwrites(formula):
    return {s: float(n) if n else 1.0 for s, n in re.findall(r"([A-Z][a-z]?)(\d*\.?\d*)", formula)}


def _stats_unweighted(amounts, values):
    values = np.asarray(values, float)
    return {"mean": values.mean(), "avg_dev": np.abs(values - values.mean()).mean(), "range": np.ptp(values)}


def _stats_std(amounts, values):
    x = np.asarray(amounts, float) / np.sum(amounts)
    mean = x @ values
    return {"mean": mean, "avg_dev": math.sqrt(x @ (values - mean) ** 2), "range": np.ptp(values)}


def _stats_unnormalised(amounts, values):
    mean = np.dot(amounts, values)
    return {"mean": mean, "avg_dev": np.dot(amounts, np.abs(values - mean)), "range": np.ptp(values)}


def _valence_mean_of_ratios(amounts, valence):
    x = np.asarray(amounts, float) / np.sum(amounts)
    return x @ (valence / valence.sum(axis=1, keepdims=True))


def _valence_unweighted(amounts, valence):
    average = np.asarray(valence, float).mean(axis=0)
    return average / average.sum()


def _metrics_r2_as_correlation(y_true, y_pred):
    residual = y_pred - y_true
    return {"mae": np.abs(residual).mean(), "rmse": np.sqrt((residual**2).mean()),
            "r2": np.corrcoef(y_true, y_pred)[0, 1] ** 2}


def _metrics_no_sqrt(y_true, y_pred):
    residual = y_pred - y_true
    return {"mae": np.abs(residual).mean(), "rmse": (residual**2).mean(),
            "r2": 1 - (residual**2).sum() / ((y_true - y_true.mean()) ** 2).sum()}


def _metrics_signed_mae(y_true, y_pred):
    residual = y_pred - y_true
    return {"mae": residual.mean(), "rmse": np.sqrt((residual**2).mean()),
            "r2": 1 - (residual**2).sum() / ((y_true - y_true.mean()) ** 2).sum()}


def _auc_staircase(labels, scores):      # one sample at a time: wrong on ties
    order = np.argsort(-scores, kind="stable")
    tpr = np.r_[0, np.cumsum(labels[order] == 1) / np.sum(labels == 1)]
    fpr = np.r_[0, np.cumsum(labels[order] == 0) / np.sum(labels == 0)]
    return np.trapezoid(tpr, fpr)


def _auc_rectangles(labels, scores):
    thresholds = np.unique(scores)[::-1]
    tpr = np.array([0.0] + [np.mean(scores[labels == 1] >= t) for t in thresholds])
    fpr = np.array([0.0] + [np.mean(scores[labels == 0] >= t) for t in thresholds])
    return float(np.sum(np.diff(fpr) * tpr[:-1]))


def _correlation_zero_one(symbols, clusters, species=("Cu", "Pt")):
    occupation = (np.asarray(symbols) == species[0]).astype(float)
    return np.mean(np.prod(occupation[clusters], axis=1))


def _correlation_swapped_species(symbols, clusters, species=("Cu", "Pt")):
    sigma = np.where(np.asarray(symbols) == species[1], 1.0, -1.0)
    return np.mean(np.prod(sigma[clusters], axis=1))


def _correlation_sum(symbols, clusters, species=("Cu", "Pt")):
    sigma = np.where(np.asarray(symbols) == species[0], 1.0, -1.0)
    return np.sum(np.prod(sigma[clusters], axis=1))


def _ridge_least_squares(X, y, alpha):
    return np.linalg.lstsq(X, y, rcond=None)[0]


def _ridge_alpha_per_structure(X, y, alpha):
    return np.linalg.solve(X.T @ X + alpha * len(y) * np.eye(X.shape[1]), X.T @ y)


def _sweep(spins, kT, rng, *, factor=2.0, sign=1.0, periodic=True):
    L = spins.shape[0]
    for _ in range(L * L):
        i, j = rng.integers(L), rng.integers(L)
        if periodic:
            total = spins[(i + 1) % L, j] + spins[i - 1, j] + spins[i, (j + 1) % L] + spins[i, j - 1]
        else:
            total = sum(spins[a, b] for a, b in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1))
                        if 0 <= a < L and 0 <= b < L)
        dE = factor * spins[i, j] * total
        if rng.random() < math.exp(min(-sign * dE / kT, 50.0)):
            spins[i, j] = -spins[i, j]
    return spins


def _sweep_no_factor_two(spins, kT, rng):
    return _sweep(spins, kT, rng, factor=1.0)


def _sweep_wrong_sign(spins, kT, rng):
    return _sweep(spins, kT, rng, sign=-1.0)


def _sweep_open_boundaries(spins, kT, rng):
    return _sweep(spins, kT, rng, periodic=False)


def _sweep_forgets_return(spins, kT, rng):
    _sweep(spins, kT, rng)


def _bkl_uniform_choice(rates, u1, u2):
    return int(u1 * len(rates)), -math.log(u2) / sum(rates)


def _bkl_dt_of_event(rates, u1, u2):
    event = int(np.searchsorted(np.cumsum(rates), u1 * sum(rates), side="right"))
    return event, -math.log(u2) / rates[event]


def _bkl_unscaled(rates, u1, u2):
    event = min(int(np.searchsorted(np.cumsum(rates), u1, side="right")), len(rates) - 1)
    return event, -math.log(u2) / sum(rates)


def _radial_no_cutoff(r, n_basis, r_min, r_cut):
    xi = (2 * r - (r_min + r_cut)) / (r_cut - r_min)
    return np.polynomial.chebyshev.chebvander(xi, n_basis - 1) * ((r_cut - r) ** 2)[:, None]


def _radial_unit_interval(r, n_basis, r_min, r_cut):
    xi = (r - r_min) / (r_cut - r_min)
    return np.polynomial.chebyshev.chebvander(xi, n_basis - 1) * np.where(r < r_cut, (r_cut - r) ** 2, 0)[:, None]


def _radial_no_smoothing(r, n_basis, r_min, r_cut):
    xi = (2 * r - (r_min + r_cut)) / (r_cut - r_min)
    return np.polynomial.chebyshev.chebvander(xi, n_basis - 1) * (r < r_cut)[:, None]


def _moment(vectors, radial, nu, *, normalise=True):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True) if normalise else vectors
    total = np.zeros((3,) * nu)
    for f, u in zip(radial, unit):
        term = np.array(f)
        for _ in range(nu):
            term = np.multiply.outer(term, u)
        total = total + term
    return total


def _moment_raw_vectors(vectors, radial, nu):
    return _moment(vectors, radial, nu, normalise=False)


def _moment_unweighted(vectors, radial, nu):
    return _moment(vectors, np.ones_like(radial), nu)


def _grade_left_inverse(active, rows):
    return np.abs(np.linalg.solve(active, rows.T).T).max(axis=1)


def _grade_signed(active, rows):
    return (rows @ np.linalg.inv(active)).max(axis=1)


def _swap_transposed(matrix, rows):
    C = np.linalg.solve(matrix[rows].T, matrix.T).T
    k, j = np.unravel_index(np.argmax(np.abs(C)), C.shape)
    new = np.array(rows, copy=True)
    if abs(C[k, j]) > 1:
        new[k % len(rows)] = j
    return new


def _swap_always(matrix, rows):
    C = np.linalg.solve(matrix[rows].T, matrix.T).T
    C[rows] = 0.0                                        # "never pick an active row"
    k, j = np.unravel_index(np.argmax(np.abs(C)), C.shape)
    new = np.array(rows, copy=True)
    new[j] = k
    return new


def _swap_largest_norm(matrix, rows):
    new = np.array(rows, copy=True)
    candidates = np.setdiff1d(np.arange(len(matrix)), rows)
    new[np.argmin(np.linalg.norm(matrix[rows], axis=1))] = candidates[np.argmax(np.linalg.norm(matrix[candidates], axis=1))]
    return new


def _equivariance(atoms, rotation, translation, *, rotate_cell=True, force_rotation=None):
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    turned = atoms.copy()
    if rotate_cell:
        turned.set_cell(atoms.cell[:] @ rotation.T, scale_atoms=False)
    turned.positions = atoms.positions @ rotation.T + translation
    turned.calc = atoms.calc
    rotated = forces @ (rotation.T if force_rotation is None else force_rotation(rotation))
    return abs(turned.get_potential_energy() - energy), np.abs(turned.get_forces() - rotated).max()


def _equivariance_cell_fixed(atoms, rotation, translation):
    return _equivariance(atoms, rotation, translation, rotate_cell=False)


def _equivariance_wrong_side(atoms, rotation, translation):
    return _equivariance(atoms, rotation, translation, force_rotation=lambda r: r)


def _spread_sample_std(forces):
    return np.sqrt(((forces - forces.mean(axis=0)) ** 2).sum(axis=2).sum(axis=0) / (len(forces) - 1))


def _spread_of_magnitudes(forces):
    return np.linalg.norm(forces, axis=2).std(axis=0)


def _spread_max_component(forces):
    return forces.std(axis=0).max(axis=1)


def _sine(numbers, frac_coords, lattice, *, to_bohr=0.529177210544, power=2, diagonal=2.4):
    z = np.asarray(numbers, float)
    difference = frac_coords[:, None, :] - frac_coords[None, :, :]
    length = np.linalg.norm(np.abs(np.sin(np.pi * difference)) ** power @ lattice, axis=2) / to_bohr
    np.fill_diagonal(length, np.inf)
    matrix = np.outer(z, z) / length
    np.fill_diagonal(matrix, 0.5 * z ** diagonal)
    return matrix


def _sine_in_angstrom(numbers, frac_coords, lattice):
    return _sine(numbers, frac_coords, lattice, to_bohr=1.0)


def _sine_not_squared(numbers, frac_coords, lattice):
    return _sine(numbers, frac_coords, lattice, power=1)


def _sine_diagonal_z_squared(numbers, frac_coords, lattice):
    return _sine(numbers, frac_coords, lattice, diagonal=2)


def _messages(v, u, centers, neighbors, W, b, *, swap=False, repeated=True):
    d = v.shape[1]
    z = np.concatenate([v[centers], v[neighbors], u], axis=1) @ W + b
    gate, core = (z[:, d:], z[:, :d]) if swap else (z[:, :d], z[:, d:])
    messages = 1.0 / (1.0 + np.exp(-gate)) * np.logaddexp(0.0, core)
    summed = np.zeros_like(v)
    if repeated:
        np.add.at(summed, centers, messages)
    else:
        summed[centers] += messages
    return summed


def _messages_fancy_index(v, u, centers, neighbors, W, b):
    return _messages(v, u, centers, neighbors, W, b, repeated=False)


def _messages_swapped_halves(v, u, centers, neighbors, W, b):
    return _messages(v, u, centers, neighbors, W, b, swap=True)


def _messages_to_neighbours(v, u, centers, neighbors, W, b):
    return _messages(v, u, neighbors, centers, W, b)


def _shift_totals(counts, energy_difference):
    return np.linalg.lstsq(counts.astype(float), energy_difference, rcond=None)[0]


def _shift_wrong_sign(counts, energy_difference):
    sizes = counts.sum(axis=1)
    return np.linalg.lstsq(counts / sizes[:, None], -energy_difference / sizes, rcond=None)[0]


def _shift_mean_per_element(counts, energy_difference):
    per_atom = energy_difference / counts.sum(axis=1)
    return np.array([per_atom[counts[:, z] > 0].mean() for z in range(counts.shape[1])])


def _near_lowest_per_composition(x, energy, window):
    lowest = {xi: energy[x == xi].min() for xi in set(x)}
    return np.flatnonzero(energy - np.array([lowest[xi] for xi in x]) < window)


def _near_tie_line(x, energy, window):
    tie = energy[x == 0].min() * (1 - x) + energy[x == 1].min() * x
    return np.flatnonzero(energy - np.minimum(tie, energy.min()) < window)


WRONG = {
    "01.follow-pages": [_pages_first_only, _pages_no_cap, _pages_string_links_only],
    "01.parse-formula": [_formula_integers_only, _formula_overwrites],
    "02.weighted-statistics": [_stats_unweighted, _stats_std, _stats_unnormalised],
    "02.valence-fractions": [_valence_mean_of_ratios, _valence_unweighted],
    "03.regression-metrics": [_metrics_r2_as_correlation, _metrics_no_sqrt, _metrics_signed_mae],
    "03.roc-auc": [_auc_staircase, _auc_rectangles],
    "04.correlation-function": [_correlation_zero_one, _correlation_swapped_species, _correlation_sum],
    "04.ridge-ecis": [_ridge_least_squares, _ridge_alpha_per_structure],
    "05.metropolis-sweep": [_sweep_no_factor_two, _sweep_wrong_sign, _sweep_open_boundaries, _sweep_forgets_return],
    "05.bkl-step": [_bkl_uniform_choice, _bkl_dt_of_event, _bkl_unscaled],
    "06.radial-basis": [_radial_no_cutoff, _radial_unit_interval, _radial_no_smoothing],
    "06.moment-tensor": [_moment_raw_vectors, _moment_unweighted],
    "07.extrapolation-grade": [_grade_left_inverse, _grade_signed],
    "07.maxvol-swap": [_swap_transposed, _swap_always, _swap_largest_norm],
    "08.equivariance-test": [_equivariance_cell_fixed, _equivariance_wrong_side],
    "08.committee-spread": [_spread_sample_std, _spread_of_magnitudes, _spread_max_component],
    "09.sine-matrix": [_sine_in_angstrom, _sine_not_squared, _sine_diagonal_z_squared],
    "09.cgcnn-messages": [_messages_fancy_index, _messages_swapped_halves, _messages_to_neighbours],
    "10.elemental-shift": [_shift_totals, _shift_wrong_sign, _shift_mean_per_element],
    "10.near-hull": [_near_lowest_per_composition, _near_tie_line],
}


def test_at_least_two_implementation_exercises_per_lesson():
    ids = [ex.id for ex in implementation_exercises()]
    assert len(ids) >= 18
    for lesson in ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10"):
        assert sum(i.startswith(lesson) for i in ids) >= 2, lesson
    assert sorted(WRONG) == sorted(ids), "every implementation exercise needs typical wrong answers here"


@pytest.mark.parametrize("exercise_id", sorted(WRONG))
def test_checker_passes_the_solution_and_fails_wrong_answers(exercise_id):
    ex = exercise(exercise_id)
    assert len(ex.make_cases()) >= MIN_CASES
    result = ex.check(ex.solution())
    assert result.correct and result.attempted, result.message
    assert f"all {len(ex.make_cases())} randomised cases" in result.message
    assert len(WRONG[exercise_id]) >= 2
    for wrong in WRONG[exercise_id]:
        result = ex.check(wrong)
        assert result.attempted and not result.correct, f"{exercise_id}: {wrong.__name__} was accepted"
        assert "input:" in result.message and "Hint" in result.message, result.message   # the first failing input, a hint
        assert re.search(r"expected|exact|raised|returned None|requested|went up", result.message), result.message


@pytest.mark.parametrize("exercise_id", sorted(WRONG))
def test_unattempted_scaffold_is_reported_not_raised(exercise_id):
    ex = exercise(exercise_id)
    result = ex.check(ex.scaffold_function())
    assert not result.correct and not result.attempted and "⏳ Not yet attempted" in repr(result)
    assert not ex.check(...).attempted


def test_hints_come_one_after_another_then_the_solution(monkeypatch):
    ex = exercise("05.bkl-step")
    ex.failures = 0
    messages = [ex.check(_bkl_uniform_choice).message for _ in range(4)]
    assert [f"Hint {k}/3" in m for k, m in zip((1, 2, 3, 3), messages)] == [True] * 4
    assert "show_solution('05.bkl-step')" in messages[2]
    assert ex.check(ex.solution()).correct and ex.failures == 0


def test_strict_mode_raises_only_for_attempted_wrong_answers(monkeypatch):
    ex = exercise("03.roc-auc")
    monkeypatch.setenv("MATSCI_ML_STRICT", "1")
    with pytest.raises(ExerciseFailed, match="03.roc-auc"):
        check("03.roc-auc", _auc_rectangles)
    assert not check("03.roc-auc", ex.scaffold_function()).attempted     # un-attempted never raises
    assert check("03.roc-auc", ex.solution()).correct
    monkeypatch.setenv("MATSCI_ML_STRICT", "0")
    assert not check("03.roc-auc", _auc_rectangles).correct


def test_a_crashing_answer_is_reported_with_its_input():
    result = exercise("07.extrapolation-grade").check(lambda active, rows: active @ rows)
    assert not result.correct and "raised ValueError" in result.message and "input: extrapolation_grade(" in result.message


def test_checkers_are_quick():
    import time

    for ex in implementation_exercises():
        ex.check(ex.solution())                      # first call: imports, cached setup
        start = time.process_time()
        ex.check(ex.solution())
        assert time.process_time() - start < 2.0, ex.id   # CPU time: immune to a busy machine
