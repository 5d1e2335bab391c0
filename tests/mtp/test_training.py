"""MTP training and the shipped Mo potential against the published errors and DFT elastic constants."""

import numpy as np
import pytest
from ase.build import bulk
from ase.calculators.emt import EMT

from matsci_ml.data import load_mlearn
from matsci_ml.mtp import Dataset, MTPCalculator, MTPTrainer, errors, read_mtp, train_ensemble
from matsci_ml.atomistic.properties import cubic_elastic_constants, equation_of_state
from matsci_ml.mtp.reference_values import MO_DFT_ELASTIC_GPA as DFT_MO
from matsci_ml.mtp.reference_values import SHIPPED_MO_MTP as SHIPPED_MO


def _emt_frames(n, seed):
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(n):
        atoms = bulk("Cu", "fcc", a=3.6 * (1 + rng.uniform(-0.03, 0.03)), cubic=True).repeat(2)
        atoms.rattle(0.1, seed=int(rng.integers(1 << 30)))
        atoms.calc = EMT()
        atoms.get_stress()
        frames.append(atoms)
    return frames


# joint L-BFGS converges more slowly than variable projection (the reason varpro is the default)
@pytest.mark.parametrize("method, factor, ceiling", [("varpro", 0.7, 0.05), ("joint", 0.95, 0.1)])
def test_training_reduces_the_errors_on_held_out_data(method, factor, ceiling):
    train, validation = _emt_frames(12, 0), _emt_frames(6, 1)
    start = MTPTrainer(level=8, min_dist=1.9, max_dist=4.5, max_iter=0, progress=False).fit(train)
    fitted = MTPTrainer(level=8, min_dist=1.9, max_dist=4.5, max_iter=40, method=method, progress=False).fit(train)
    before, after = start.errors(validation), fitted.errors(validation)
    assert after["force_rmse_ev_per_a"] < factor * before["force_rmse_ev_per_a"]
    assert after["force_rmse_ev_per_a"] < ceiling
    assert len(fitted.history_) > 5 and fitted.history_[-1]["loss"] <= fitted.history_[0]["loss"]


def test_ensemble_members_differ_only_by_seed():
    members = train_ensemble(_emt_frames(4, 0), n_models=2, seed=5, level=6, min_dist=1.9, max_dist=4.5,
                             max_iter=3, progress=False)
    assert [m.seed for m in members] == [5, 6]
    assert not np.allclose(members[0].potential_.radial_coeffs, members[1].potential_.radial_coeffs)
    assert members[0].get_params()["level"] == members[1].get_params()["level"] == 6


def test_blas_runs_on_one_thread_while_training_and_is_given_back_after(monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    import matsci_ml.mtp.training as training

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    seen, solve = [], training.fit_linear

    def recording_solve(*args, **kwargs):
        seen.append(blas_threads())
        return solve(*args, **kwargs)

    monkeypatch.setattr(training, "fit_linear", recording_solve)
    with threadpool_limits(limits=2, user_api="blas"):          # as on a 2-core laptop (the suite runs with 1)
        before = blas_threads()
        MTPTrainer(level=6, min_dist=1.9, max_dist=4.5, max_iter=3, progress=False, warn_unconverged=False).fit(
            _emt_frames(3, 0))
        after = blas_threads()
    assert before and set(before) == {2} and after == before
    assert len(seen) >= 2 and all(threads == [1] * len(before) for threads in seen)


def test_min_dist_above_the_data_is_refused():
    with pytest.raises(ValueError, match="below min_dist = 2.6 A .* set min_dist to at most"):
        MTPTrainer(level=4, min_dist=2.6, max_dist=4.5, max_iter=1, progress=False).fit(_emt_frames(2, 0))


def test_unfitted_trainer_says_so():
    with pytest.raises(RuntimeError, match="not fitted yet"):
        MTPTrainer().predict(_emt_frames(1, 0))


@pytest.fixture(scope="module")
def shipped_mo():
    return read_mtp(SHIPPED_MO)


def test_shipped_mo_potential_is_within_15_and_25_percent_of_the_published_errors(shipped_mo):
    """Zuo et al. 2020 report test MAEs of 2.83 meV/atom and 0.09 eV/A for MTP on this data; the shipped level-16 fit
    (measured: 3.15 meV/atom, 0.111 eV/A) stays within 15 % of the first and 25 % of the second."""
    test = load_mlearn("Mo", "test")
    result = errors(shipped_mo, Dataset.from_frames(test, shipped_mo))
    assert result["energy_mae_mev_per_atom"] <= 1.15 * 2.83
    assert result["force_mae_ev_per_a"] <= 1.25 * 0.09


@pytest.mark.parametrize("name", ["Mo_level16.mtp", "Mo_level16_seed3.mtp"])
def test_shipped_mo_potentials_come_from_the_shipped_recipe(name):
    """Retrains the linear part with the shipped recipe (datasets/mtp/train_mo_mtp.py: MO_FIT_SETTINGS on the mlearn Mo
    training set, variable projection): at the shipped radial coefficients the exact weighted least-squares fit must
    give back the shipped moment and species coefficients. It fails for a file fitted to other data, weights or
    cutoffs, or edited by hand. (The full L-BFGS retraining takes 4.5-9 minutes: see `matsci-ml bench mtp`.)"""
    from matsci_ml.mtp.benchmark import MO_FIT_SETTINGS
    from matsci_ml.mtp.training import config_weights, fit_linear
    from matsci_ml.paths import SHIPPED_DATA_DIR

    shipped = read_mtp(SHIPPED_DATA_DIR / "mtp" / name)
    assert (shipped.level, shipped.min_dist, shipped.max_dist) == tuple(MO_FIT_SETTINGS[k] for k in
                                                                        ("level", "min_dist", "max_dist"))
    refitted = shipped.copy()
    refitted.moment_coeffs = np.zeros_like(shipped.moment_coeffs)
    training = Dataset.from_frames(load_mlearn("Mo", "training"), refitted)
    trainer = MTPTrainer(**MO_FIT_SETTINGS)
    fit_linear(refitted, training, config_weights(training, trainer.energy_weight, trainer.force_weight,
                                                  trainer.stress_weight, trainer.weight_scaling))
    np.testing.assert_allclose(refitted.moment_coeffs, shipped.moment_coeffs, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(refitted.species_coeffs, shipped.species_coeffs, rtol=1e-9)


def test_shipped_mo_elastic_constants_within_15_percent_of_dft(shipped_mo):
    calc = MTPCalculator(shipped_mo)
    eos = equation_of_state(bulk("Mo", "bcc", a=3.16, cubic=True), calc)
    assert eos.lattice_constant == pytest.approx(3.16, rel=0.01)
    constants = cubic_elastic_constants(bulk("Mo", "bcc", a=eos.lattice_constant, cubic=True), calc)
    for name, dft in DFT_MO.items():
        assert constants[name] == pytest.approx(dft, rel=0.15), name
    # the EOS bulk modulus and (C11 + 2 C12) / 3 are the same quantity, measured two ways
    assert eos.bulk_modulus_gpa == pytest.approx((constants["C11"] + 2 * constants["C12"]) / 3, rel=0.03)


def test_shipped_ensemble_members_are_accurate_and_agree_with_dft():
    """Five level-16 fits differing only in their seed (datasets/mtp/train_mo_mtp.py): each lies within 40 % of the
    published test errors, and their mean elastic constants within 15 % of DFT."""
    from matsci_ml.mtp.reference_values import SHIPPED_MO_ENSEMBLE

    test = load_mlearn("Mo", "test")
    constants = []
    for path in SHIPPED_MO_ENSEMBLE:
        member = read_mtp(path)
        result = errors(member, Dataset.from_frames(test, member))
        # each member within 40 % of Zuo et al.'s 2.83 meV/atom and 0.09 eV/A (measured: 3.2-3.9 and 0.111-0.120)
        assert result["energy_mae_mev_per_atom"] <= 1.4 * 2.83 and result["force_mae_ev_per_a"] <= 1.4 * 0.09, path.name
        calc = MTPCalculator(member)
        a0 = equation_of_state(bulk("Mo", "bcc", a=3.16, cubic=True), calc).lattice_constant
        constants.append(cubic_elastic_constants(bulk("Mo", "bcc", a=a0, cubic=True), calc))
    for name, dft in DFT_MO.items():
        values = np.array([c[name] for c in constants])
        assert values.mean() == pytest.approx(dft, rel=0.15), name
        assert values.std() > 0  # the members are different fits
