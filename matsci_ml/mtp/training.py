"""Training an MTP: the linear fit of the coefficients, and the full nonlinear fit (L-BFGS).

The loss over configurations :math:`k` (COURSE.md, Novikov et al. 2021) is

.. math:: L = \\sum_k \\Big[ w_e (E_k - E^{\\mathrm{ref}}_k)^2 + w_f \\sum_i |F_{ki} - F^{\\mathrm{ref}}_{ki}|^2
          + w_s \\sum_{ab} (W_{k,ab} - W^{\\mathrm{ref}}_{k,ab})^2 \\Big] / n_\\mathrm{configs},

with the virial :math:`W = V\\sigma` in eV (so that the stress weight does not depend on the cell
size), defaults :math:`w_e = 1`, :math:`w_f = 0.01`, :math:`w_s = 0.001` (per eV^2, eV^2/A^2,
eV^2), and mlip-2's per-configuration scalings by the number of atoms :math:`N`:
``"molecules"`` (none), ``"structures"`` (:math:`w_e/N^2, w_f/N, w_s/N^2`), ``"vibrations"``
(:math:`w_e/N, w_f, w_s/N`; mlip-2's default).

With the radial coefficients fixed, :math:`E`, :math:`F` and :math:`W` are linear in the moment and
species coefficients, and :func:`fit_linear` solves the weighted least-squares problem exactly.
:class:`MTPTrainer` starts from random radial coefficients, fits the linear part, then optimises all
parameters with L-BFGS on the analytic gradient of :mod:`matsci_ml.mtp.kernels`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.calculators.calculator import PropertyNotImplementedError
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from matsci_ml.atomistic.estimators import PotentialTrainerMixin
from matsci_ml.atomistic.metrics import error_metrics
from matsci_ml.mtp.dataset_kernels import dataset_design, dataset_loss_gradient, dataset_predictions
from matsci_ml.mtp.neighbours import pair_data
from matsci_ml.progress import finish_bar, progress_bar
from matsci_ml.mtp.potential import MomentTensorPotential

WEIGHT_SCALINGS = ("molecules", "structures", "vibrations")


@dataclass
class Dataset:
    """Labelled configurations as the kernels read them: concatenated pair lists and references.

    Build with :meth:`from_frames`; the pair lists depend only on the cutoff and species, so one
    dataset serves every parameter update of a fit.
    """

    n_atoms: np.ndarray          # (n_configs,)
    config_atoms: np.ndarray     # (n_configs + 1,) offsets into per-atom arrays
    config_pairs: np.ndarray     # (n_configs + 1,) offsets into per-pair arrays
    types: np.ndarray
    first: np.ndarray            # concatenated local CSR offsets, n_atoms_k + 1 per configuration
    neighbours: np.ndarray
    vectors: np.ndarray
    energy: np.ndarray           # eV
    forces: np.ndarray           # eV/A
    virial: np.ndarray           # eV (stress x volume, ASE sign)
    has_stress: np.ndarray       # bool (n_configs,)
    volume: np.ndarray           # A^3 (nan without a cell)
    min_distance: float

    def __post_init__(self) -> None:
        """The arrays are read-only: the kernels index them without bounds checks, so one changed in place
        could crash the process. Build a new dataset to change the data."""
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                array = np.ascontiguousarray(value)
                array.setflags(write=False)
                setattr(self, name, array)

    @classmethod
    def from_frames(cls, frames: list[Atoms], potential: MomentTensorPotential) -> Dataset:
        if len(frames) == 0:
            raise ValueError("no configurations to train on")
        parts = {k: [] for k in ("types", "first", "neighbours", "vectors", "forces")}
        n_atoms, n_pairs, energy, virial, has_stress, volume = [], [], [], [], [], []
        shortest = np.inf
        for index, atoms in enumerate(frames):
            if atoms.calc is None:
                raise ValueError(f"configuration {index} has no energy/forces attached (atoms.calc is None)")
            types = potential.types_of(atoms.numbers)
            try:
                first, neighbours, vectors = pair_data(atoms, potential.max_dist)   # checks the structure
            except ValueError as error:
                raise ValueError(f"configuration {index}: {error}") from None
            if len(vectors):
                shortest = min(shortest, float(np.sqrt((vectors**2).sum(axis=1).min())))
            parts["types"].append(types)
            parts["first"].append(first)
            parts["neighbours"].append(neighbours)
            parts["vectors"].append(vectors)
            try:
                parts["forces"].append(atoms.get_forces())
            except PropertyNotImplementedError:
                hint = (": its forces are in atoms.arrays, where ASE's extxyz reader leaves a column not named "
                        "'forces'; read the file with matsci_ml.data.load_extxyz"
                        if set(atoms.arrays) & {"force", "Forces", "dft_forces", "dft_force"} else "")
                raise ValueError(f"configuration {index} has an energy but no forces attached{hint}") from None
            energy.append(atoms.get_potential_energy())
            n_atoms.append(len(atoms))
            n_pairs.append(len(neighbours))
            periodic = atoms.pbc.all() and atoms.cell.rank == 3
            stress = None
            if periodic:
                try:
                    stress = atoms.get_stress(voigt=False)
                except Exception:  # noqa: BLE001 - a calculator without stress: train without it
                    stress = None
            has_stress.append(stress is not None)
            volume.append(atoms.get_volume() if periodic else np.nan)
            virial.append(stress * atoms.get_volume() if stress is not None else np.zeros((3, 3)))
        concat = {k: np.ascontiguousarray(np.concatenate(v)) for k, v in parts.items()}
        return cls(
            n_atoms=np.array(n_atoms), config_atoms=np.concatenate([[0], np.cumsum(n_atoms)]).astype(np.int64),
            config_pairs=np.concatenate([[0], np.cumsum(n_pairs)]).astype(np.int64),
            types=concat["types"].astype(np.int64), first=concat["first"].astype(np.int64),
            neighbours=concat["neighbours"].astype(np.int64), vectors=concat["vectors"].reshape(-1, 3),
            energy=np.array(energy, dtype=float), forces=concat["forces"].reshape(-1, 3),
            virial=np.array(virial, dtype=float), has_stress=np.array(has_stress), volume=np.array(volume),
            min_distance=shortest)

    def __len__(self) -> int:
        return len(self.n_atoms)

    def config(self, k: int) -> tuple:
        """``types, first, neighbours, vectors`` of configuration ``k``."""
        a0, a1 = self.config_atoms[k], self.config_atoms[k + 1]
        p0, p1 = self.config_pairs[k], self.config_pairs[k + 1]
        return self.types[a0:a1], self.first[a0 + k:a1 + k + 1], self.neighbours[p0:p1], self.vectors[p0:p1]


def config_weights(dataset: Dataset, energy_weight: float = 1.0, force_weight: float = 0.01,
                   stress_weight: float = 0.001, scaling: str = "vibrations") -> tuple[np.ndarray, ...]:
    """Per-configuration weights (w_e, w_f, w_s) after mlip-2's scaling by the number of atoms."""
    if scaling not in WEIGHT_SCALINGS:
        raise ValueError(f"weight scaling must be one of {WEIGHT_SCALINGS}, got {scaling!r}")
    n = dataset.n_atoms.astype(float)
    one = np.ones_like(n)
    e_scale, f_scale, s_scale = {"molecules": (one, one, one), "structures": (n**-2, 1 / n, n**-2),
                                 "vibrations": (1 / n, one, 1 / n)}[scaling]
    w_s = stress_weight * s_scale * dataset.has_stress
    return energy_weight * e_scale, force_weight * f_scale, w_s


def _kernel_parameters(potential: MomentTensorPotential) -> tuple:
    p = potential
    return (p.radial_coeffs, p.species_coeffs, p.moment_coeffs, p.alpha_index_basic, p.alpha_index_times,
            p.alpha_moment_mapping, p.alpha_moments_count, p.min_dist, p.max_dist, p.scaling)


def _dataset_arrays(d: Dataset) -> tuple:
    return d.config_atoms, d.config_pairs, d.types, d.first, d.neighbours, d.vectors


def loss_and_gradient(potential: MomentTensorPotential, dataset: Dataset, weights) -> tuple[float, np.ndarray]:
    """Training loss (divided by the number of configurations) and its gradient in ``potential.parameters`` order."""
    w_e, w_f, w_s = weights
    loss, grad = dataset_loss_gradient(*_dataset_arrays(dataset), *_kernel_parameters(potential),
                                       dataset.energy, dataset.forces, dataset.virial, w_e, w_f, w_s)
    return loss / len(dataset), grad / len(dataset)


def energies_forces_virials(potential: MomentTensorPotential, dataset: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energies (eV), forces (eV/A) and virials (eV) of every configuration of ``dataset``."""
    return dataset_predictions(*_dataset_arrays(dataset), *_kernel_parameters(potential))


def errors(potential: MomentTensorPotential, dataset: Dataset, close_contacts: str = "error") -> dict[str, float]:
    """RMSE and MAE of energy per atom (meV/atom), force components (eV/A) and stress components (GPa)
    (:func:`matsci_ml.atomistic.metrics.error_metrics`).

    ``close_contacts`` as for :class:`~matsci_ml.mtp.calculator.MTPCalculator`: by default a dataset with two atoms
    closer than the potential's ``min_dist`` (where its radial basis is undefined) raises
    :class:`~matsci_ml.mtp.neighbours.CloseContactError`; ``"warn"`` and ``"ignore"`` evaluate anyway."""
    if dataset.min_distance < potential.min_dist and close_contacts != "ignore":
        message = (f"the data has atoms {dataset.min_distance:.3f} A apart, closer than the potential's min_dist = "
                   f"{potential.min_dist:.3f} A, where it is undefined; retrain with a smaller min_dist, or pass "
                   f"close_contacts='warn' to evaluate anyway")
        if close_contacts == "error":
            from matsci_ml.mtp.neighbours import CloseContactError

            raise CloseContactError(message)
        import warnings

        warnings.warn(message, stacklevel=2)
    energy, forces, virial = energies_forces_virials(potential, dataset)
    s = dataset.has_stress
    stress = (virial[s] - dataset.virial[s]) / dataset.volume[s, None, None] if s.any() else None
    return error_metrics((energy - dataset.energy) / dataset.n_atoms, forces - dataset.forces, stress)


def fit_linear(potential: MomentTensorPotential, dataset: Dataset, weights) -> MomentTensorPotential:
    """Set the moment and species coefficients by weighted least squares, radial coefficients fixed.

    Rows: one energy per configuration, 3N force components, 9 virial components, each scaled by the
    square root of its weight. Columns are normalised before the solve, as the basis functions
    differ by orders of magnitude.
    """
    w_e, w_f, w_s = weights
    n_basis, n_species = potential.moment_coeffs.size, potential.species_count
    rows_per_config = 1 + 3 * dataset.n_atoms + 9
    row_offsets = np.concatenate([[0], np.cumsum(rows_per_config)]).astype(np.int64)
    p = potential
    design = dataset_design(dataset.config_atoms, dataset.config_pairs, row_offsets, dataset.types, dataset.first,
                            dataset.neighbours, dataset.vectors, p.radial_coeffs, p.alpha_index_basic,
                            p.alpha_index_times, p.alpha_moment_mapping, p.alpha_moments_count, p.min_dist,
                            p.max_dist, p.scaling, n_species)
    target = np.empty(row_offsets[-1])
    scale = np.empty(row_offsets[-1])
    for k in range(len(dataset)):
        r, n = row_offsets[k], dataset.n_atoms[k]
        a0, a1 = dataset.config_atoms[k], dataset.config_atoms[k + 1]
        target[r] = dataset.energy[k]
        target[r + 1:r + 1 + 3 * n] = dataset.forces[a0:a1].ravel()
        target[r + 1 + 3 * n:r + 10 + 3 * n] = dataset.virial[k].ravel()
        scale[r] = np.sqrt(w_e[k])
        scale[r + 1:r + 1 + 3 * n] = np.sqrt(w_f[k])
        scale[r + 1 + 3 * n:r + 10 + 3 * n] = np.sqrt(w_s[k])
    design *= scale[:, None]
    target *= scale
    norms = np.linalg.norm(design, axis=0)
    norms[norms == 0] = 1.0
    solution = np.linalg.lstsq(design / norms, target, rcond=None)[0] / norms
    potential.moment_coeffs = solution[:n_basis].copy()
    potential.species_coeffs = solution[n_basis:].copy()
    return potential


FIT_METHODS = ("varpro", "joint")


class MTPTrainer(PotentialTrainerMixin):
    """Fit an MTP to labelled configurations: a scikit-learn estimator (:mod:`matsci_ml.atomistic.estimators`).

    Parameters
    ----------
    level : int
        Basis level (8, 10, 16, 20 ...).
    min_dist : float or None
        :math:`R_\\min` (A), below which the radial basis is undefined; it must lie below the shortest distance in
        the data (:func:`matsci_ml.mtp.neighbours.minimum_distance`). ``None`` (default): the largest multiple of
        0.05 A below the training data's shortest distance (``min_dist_`` after the fit), so that settings suited to
        one element are not silently reused on another; a potential for MD that may bring atoms closer needs less.
    max_dist : float
        :math:`R_\\mathrm{cut}` (A).
    radial_basis_size : int
    energy_weight, force_weight, stress_weight : float
        :math:`w_e, w_f, w_s` of the loss.
    weight_scaling : {"vibrations", "structures", "molecules"}
    method : {"varpro", "joint"}
        ``"varpro"`` (default): L-BFGS over the radial coefficients, with the moment and species
        coefficients solved exactly by :func:`fit_linear` at every step (variable projection, Golub
        & Pereyra 1973; by the envelope theorem the gradient is the partial gradient at the linear
        optimum). ``"joint"``: L-BFGS over all parameters at once, after one linear fit (as mlip-2).
    max_iter : int
        L-BFGS iterations. ``0``: the linear fit alone, on random radial functions (seconds, the fast path for a
        first look at a large set).
    max_time_s : float or None
        Stop after this wall time of training (the best parameters so far are kept); the one-off numba compilation
        of a cold cache is not counted (``compile_time_s_``).
    tol : float or None
        Convergence criterion: stop when the training loss fell by less than ``tol`` (relative) over the last
        ``tol_window`` iterations (``stop_reason_ = "tol"``). ``None`` (default, so that the course's recorded fits
        are unchanged): run until L-BFGS stops or a cap. Measured on mlearn Mo at level 16 (194 configurations):
        ``tol=1e-4`` stops at iteration 161 of 232 (450 of 757 s) with the final loss to five digits and the same
        test errors.
    tol_window : int
        Iterations over which ``tol`` is measured.
    patience : int
        With a validation set (``fit(..., validation=...)``): stop when the validation loss has not improved on its
        best for ``patience`` evaluations in a row (``stop_reason_ = "validation"``), and keep the parameters with
        the lowest validation loss rather than the lowest training loss.
    validate_every : int
        Iterations between evaluations of the validation set.

    The cost of one iteration grows linearly with the training set (every configuration's energy, forces and stress,
    and with ``"varpro"`` a least-squares solve with 1 + 3N + 9 rows per configuration): about 0.2 s per 100
    configurations of 50 atoms at level 16 on one core. For large sets start with ``max_iter=0`` or a subset, and
    watch whether training stops on its own (``stop_reason_``) or on a cap, which the trainer warns about while the
    loss is still falling.
    seed : int
        Seed of the random radial coefficients; fits with different seeds form an ensemble.
    progress : bool
        Show a progress bar.
    warn_unconverged : bool
        Warn when ``max_iter`` or ``max_time_s`` stopped the fit while the loss was still falling (by more than
        0.1 % over the last tenth of the iterations); off for deliberately short refits, e.g. in active learning.

    Attributes
    ----------
    potential_ : MomentTensorPotential
    history_ : list of dict
        ``iteration``, ``time_s``, ``loss`` per L-BFGS iteration, ``relative_change`` (the fall of the loss over the
        last ``tol_window`` iterations, relative, once there are that many); where the validation set was
        evaluated also ``validation_loss``, ``validation_energy_mae`` (eV/atom) and ``validation_force_mae``
        (eV/A); the last entry also ``stop_reason``.
    stop_reason_ : str
        ``"converged"`` (L-BFGS stopped on its own), ``"tol"`` (the loss stopped falling), ``"validation"`` (the
        validation loss stopped improving), ``"max_iter"`` or ``"max_time_s"``.
    min_dist_ : float
        The ``min_dist`` used.
    fit_time_s_, compile_time_s_ : float
        Training time, and the time spent before it compiling (or loading) the numba kernels.
    train_errors_ : dict
        :func:`errors` on the training set.

    Examples
    --------
    >>> trainer = MTPTrainer(level=8, max_iter=20).fit(frames)  # doctest: +SKIP
    >>> trainer.potential_.write("Mo.mtp")                      # doctest: +SKIP
    """

    def __init__(self, *, level: int = 16, min_dist: float | None = None, max_dist: float = 5.0,
                 radial_basis_size: int = 8, energy_weight: float = 1.0, force_weight: float = 0.01,
                 stress_weight: float = 0.001, weight_scaling: str = "vibrations", method: str = "varpro",
                 max_iter: int = 200, max_time_s: float | None = None, tol: float | None = None,
                 tol_window: int = 20, patience: int = 5, validate_every: int = 10, seed: int = 0,
                 progress: bool = True, warn_unconverged: bool = True):
        self.level = level
        self.min_dist = min_dist
        self.max_dist = max_dist
        self.radial_basis_size = radial_basis_size
        self.energy_weight = energy_weight
        self.force_weight = force_weight
        self.stress_weight = stress_weight
        self.weight_scaling = weight_scaling
        self.method = method
        self.max_iter = max_iter
        self.max_time_s = max_time_s
        self.tol = tol
        self.tol_window = tol_window
        self.patience = patience
        self.validate_every = validate_every
        self.seed = seed
        self.progress = progress
        self.warn_unconverged = warn_unconverged

    def fit(self, frames: list[Atoms], y=None, *, dataset: Dataset | None = None,
            initial: MomentTensorPotential | None = None, validation=None) -> MTPTrainer:
        """Train on ``frames`` (ASE ``Atoms`` with energies and forces, stresses optional).

        ``validation`` (frames or a :class:`Dataset`, never trained on) is evaluated every ``validate_every``
        iterations: its loss and errors go into ``history_``, training stops when it has not improved for
        ``patience`` evaluations, and the parameters with the lowest validation loss are kept.

        ``dataset`` may pass a :class:`Dataset` already built for the same species and cutoff.
        ``initial`` starts from a copy of that potential's radial coefficients instead of random ones
        (a warm start, as mlip-2 retrains in active learning); it must have this trainer's level,
        cutoffs and radial basis size.
        """
        if self.method not in FIT_METHODS:
            raise ValueError(f"method must be one of {FIT_METHODS}, got {self.method!r}")
        if self.tol is not None and not (np.isfinite(self.tol) and self.tol >= 0):
            raise ValueError(f"tol must be a relative change >= 0 (or None to switch the criterion off), got {self.tol}")
        for name in ("tol_window", "patience", "validate_every"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        species = sorted({int(z) for atoms in frames for z in atoms.numbers})
        min_dist = self.min_dist if self.min_dist is not None or initial is None else initial.min_dist
        if dataset is None:
            probe = MomentTensorPotential.from_level(self.level, species, max_dist=self.max_dist)   # pairs: max_dist only
            dataset = Dataset.from_frames(frames, probe)
        if min_dist is None:
            if not np.isfinite(dataset.min_distance):
                raise ValueError(f"no two atoms of the data are within max_dist = {self.max_dist} A: no distance to "
                                 f"set min_dist from, and nothing for the radial functions to fit")
            min_dist = auto_min_dist(dataset.min_distance)
        if initial is None:
            potential = MomentTensorPotential.from_level(self.level, species, min_dist=min_dist,
                                                         max_dist=self.max_dist,
                                                         radial_basis_size=self.radial_basis_size, seed=self.seed)
        else:
            expected = (self.level, min_dist, self.max_dist, self.radial_basis_size)
            found = (initial.level, initial.min_dist, initial.max_dist, initial.radial_basis_size)
            if found != expected:
                raise ValueError(f"the initial potential has (level, min_dist, max_dist, radial_basis_size) = {found}, "
                                 f"this trainer {expected}")
            missing = sorted(set(species) - set(initial.species))
            if missing:
                initial.types_of(np.array(missing))   # raises, naming the elements
            potential = initial.copy()
        self.min_dist_ = min_dist
        if dataset.min_distance < min_dist:
            raise ValueError(f"The training data has atoms {dataset.min_distance:.3f} A apart, below min_dist = "
                             f"{min_dist} A where the radial basis is undefined; set min_dist to at most "
                             f"{np.floor(dataset.min_distance * 20) / 20:.2f} (or leave it None).")
        weights = config_weights(dataset, self.energy_weight, self.force_weight, self.stress_weight,
                                 self.weight_scaling)
        # BLAS on one thread while training: its least-squares solves are small next to numba's kernels, and OpenBLAS
        # threads that spin after each solve take the cores numba's threads need (measured on 2 cores: a 5-configuration
        # Mo fit 2.9x faster, the 194-configuration one 1.1x)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._train(potential, frames, dataset, weights, validation)

    def _train(self, potential: MomentTensorPotential, frames, dataset: Dataset, weights: np.ndarray,
               validation) -> MTPTrainer:
        """The fit itself, from the checked settings and the built dataset (:meth:`fit`)."""
        self.compile_time_s_ = _warm_kernels(potential, frames[:1], self.energy_weight, self.force_weight,
                                             self.stress_weight, self.weight_scaling)
        start = time.perf_counter()
        fit_linear(potential, dataset, weights)
        n_linear = potential.moment_coeffs.size + potential.species_count
        self.history_ = []

        if self.method == "varpro":
            def objective(radial: np.ndarray) -> tuple[float, np.ndarray]:
                potential.radial_coeffs = radial.reshape(potential.radial_coeffs.shape).copy()
                fit_linear(potential, dataset, weights)
                loss, grad = loss_and_gradient(potential, dataset, weights)
                return loss, grad[n_linear:]
            x0 = potential.radial_coeffs.ravel().copy()
        else:
            def objective(parameters: np.ndarray) -> tuple[float, np.ndarray]:
                potential.parameters = parameters
                return loss_and_gradient(potential, dataset, weights)
            x0 = potential.parameters

        best = {"loss": np.inf, "parameters": potential.parameters, "validation_loss": np.inf, "stale": 0}
        bar = progress_bar(self.max_iter, "L-BFGS", show=self.progress)
        if validation is not None:
            validation = validation if isinstance(validation, Dataset) else Dataset.from_frames(validation, potential)
            validation_weights = config_weights(validation, self.energy_weight, self.force_weight, self.stress_weight,
                                                self.weight_scaling)
        self._stop = None

        def callback(intermediate_result) -> None:
            loss = float(intermediate_result.fun)
            elapsed = time.perf_counter() - start
            entry = {"iteration": len(self.history_) + 1, "time_s": elapsed, "loss": loss}
            self.history_.append(entry)
            if len(self.history_) > self.tol_window:
                before = self.history_[-1 - self.tol_window]["loss"]
                entry["relative_change"] = (before - loss) / abs(before) if before else 0.0
            if validation is None and loss < best["loss"]:
                best.update(loss=loss, parameters=potential.parameters)
            if validation is not None and entry["iteration"] % self.validate_every == 0:
                self._validate(potential, validation, validation_weights, entry, best)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{loss:.4g}")
            if self.tol is not None and entry.get("relative_change", np.inf) < self.tol:
                self._stop = "tol"
            elif validation is not None and best["stale"] >= self.patience:
                self._stop = "validation"
            elif self.max_time_s is not None and elapsed > self.max_time_s:
                self._stop = "max_time_s"
            if self._stop is not None:
                raise StopIteration

        try:
            if self.max_iter > 0:
                minimize(objective, x0, jac=True, method="L-BFGS-B", callback=callback,
                         options={"maxiter": self.max_iter, "maxcor": 30, "ftol": 0.0, "gtol": 1e-12})
        finally:
            self.stop_reason_ = self._stop or _stop_reason(self.history_, self.max_iter)
            finish_bar(bar, f"{self.stop_reason_}, best loss {best['loss']:.4g}")
        if self.history_:
            self.history_[-1]["stop_reason"] = self.stop_reason_
        if self.warn_unconverged:
            _warn_if_still_falling(self.history_, self.stop_reason_)
        if best["loss"] < np.inf or best["validation_loss"] < np.inf:
            potential.parameters = best["parameters"]
        self.fit_time_s_ = time.perf_counter() - start
        self.potential_ = potential
        self.train_errors_ = errors(potential, dataset)
        return self

    @staticmethod
    def _validate(potential, validation: Dataset, weights, entry: dict, best: dict) -> None:
        """Evaluate the validation set into ``entry``; keep the parameters if they are the best so far."""
        loss, _ = loss_and_gradient(potential, validation, weights)
        scores = errors(potential, validation)
        entry.update(validation_loss=float(loss), validation_energy_mae=scores["energy_mae_mev_per_atom"] / 1000.0,
                     validation_force_mae=scores["force_mae_ev_per_a"])
        if loss < best["validation_loss"]:
            best.update(validation_loss=float(loss), parameters=potential.parameters, stale=0)
        else:
            best["stale"] += 1

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "potential_")

    def calculator(self, **kwargs):
        """An :class:`~matsci_ml.mtp.calculator.MTPCalculator` of the fitted potential."""
        from matsci_ml.mtp.calculator import MTPCalculator

        self._check_fitted()
        return MTPCalculator(self.potential_, **kwargs)

    def errors(self, frames: list[Atoms] | Dataset) -> dict[str, float]:
        """:func:`errors` of the fitted potential on ``frames`` (e.g. a validation set)."""
        self._check_fitted()
        dataset = frames if isinstance(frames, Dataset) else Dataset.from_frames(frames, self.potential_)
        return errors(self.potential_, dataset)


def auto_min_dist(shortest: float) -> float:
    """The largest multiple of 0.05 A strictly below ``shortest`` (A): the default ``min_dist`` of a fit."""
    value = np.floor(shortest * 20) / 20
    return float(round(value - 0.05 if value >= shortest else value, 2))


def _warm_kernels(potential, frames, *weight_settings) -> float:
    """Compile (or load from numba's cache) the training kernels on one configuration; returns the seconds."""
    begin = time.perf_counter()
    small = Dataset.from_frames(frames, potential)
    weights = config_weights(small, *weight_settings)
    fit_linear(potential.copy(), small, weights)
    loss_and_gradient(potential, small, weights)
    return time.perf_counter() - begin


def _stop_reason(history, max_iter: int) -> str:
    if max_iter == 0 or len(history) >= max_iter:
        return "max_iter"
    return "converged"


STILL_FALLING = 1e-3     # relative fall of the loss over the last tenth of the iterations that counts as not converged


def _warn_if_still_falling(history, reason: str) -> None:
    """Warn when a cap stopped the fit while the loss still fell by more than :data:`STILL_FALLING` (relative) over
    the last tenth of the iterations (at least the last 5)."""
    if reason in ("converged", "tol", "validation") or len(history) < 2:
        return
    span = min(max(len(history) // 10, 5), len(history) - 1)
    before, last = history[-1 - span]["loss"], history[-1]["loss"]
    fall = (before - last) / abs(before) if before else 0.0
    if fall > STILL_FALLING:
        import warnings

        warnings.warn(f"MTP training stopped on {reason} after {len(history)} iterations while the loss was still "
                      f"falling: {100 * fall:.2g} % over the last {span} iterations ({before:.4g} -> {last:.4g}); "
                      f"raise {reason} to train further", stacklevel=4)   # the caller of fit (fit -> _train -> here)


def train_ensemble(frames: list[Atoms], n_models: int = 5, *, seed: int = 0, **trainer_params) -> list[MTPTrainer]:
    """Fit ``n_models`` MTPs that differ only in the random initial radial coefficients (seeds
    ``seed, seed + 1, ...``); their spread on a property is its uncertainty."""
    dataset = None
    trainers = []
    for k in range(n_models):
        trainer = MTPTrainer(seed=seed + k, **trainer_params)
        if dataset is None:
            probe = MomentTensorPotential.from_level(trainer.level, sorted({int(z) for a in frames for z in a.numbers}),
                                                     max_dist=trainer.max_dist)
            dataset = Dataset.from_frames(frames, probe)
        trainers.append(trainer.fit(frames, dataset=dataset))
    return trainers
