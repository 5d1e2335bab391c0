"""Metropolis Monte Carlo on a cluster Hamiltonian (Frenkel & Smit's recipe), numba kernels.

One step: pick a site at random, propose to flip it, accept with probability
:math:`\\min(1, e^{-\\beta \\Delta E})`. This satisfies detailed balance for the Boltzmann
distribution :math:`p(\\sigma) \\propto e^{-\\beta E(\\sigma)}`. A *sweep* is ``n_sites`` attempts.
The energy is updated with each accepted :math:`\\Delta E`, never recomputed, so one attempt costs
O(clusters per site). The random numbers come from :mod:`~matsci_ml.monte_carlo.random_stream` (xoshiro256**):
the same seed gives the same run, and the per-site and lattice kernels draw the same numbers for the same moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from matsci_ml.monte_carlo.hamiltonian import ClusterHamiltonian, check_finite, check_seed, check_spins
from matsci_ml.monte_carlo.lattice_hamiltonian import (LatticeHamiltonian, lattice_local_field, packed_sites,
                                                       set_spin, site_position, unpack_site, unpad_spins)
from matsci_ml.monte_carlo.random_stream import below, seeded_state, uniform
from matsci_ml.parallel import run_all


@njit(cache=True, inline="always")
def local_field(spins, site, tables):
    """:math:`h_i = \\partial E / \\partial \\sigma_i` (E is linear in each spin): a flip changes E by -2 sigma_i h_i."""
    # spins carries a trailing +1 sentinel that padded table entries point at
    point_values, pair_partners, pair_values, multi_partners, multi_values = tables
    pair_row = site if pair_values.shape[0] > 1 else 0
    multi_row = site if multi_values.shape[0] > 1 else 0
    field = point_values[site]
    for k in range(pair_partners.shape[1]):
        field += pair_values[pair_row, k] * spins[pair_partners[site, k]]
    for k in range(multi_partners.shape[1]):
        product = multi_values[multi_row, k]
        for m in range(multi_partners.shape[2]):
            product *= spins[multi_partners[site, k, m]]
        field += product
    return field


@njit(cache=True)
def _flip_energy_change(spins, site, tables):
    return -2.0 * spins[site] * local_field(spins, site, tables)


@njit(cache=True, inline="always")
def _record(spins, sweep, record_every, records):
    """Store the configuration after sweep ``sweep`` (0-based) if it is a multiple of ``record_every``."""
    if record_every > 0 and (sweep + 1) % record_every == 0:
        row = (sweep + 1) // record_every - 1
        for i in range(records.shape[1]):
            records[row, i] = spins[i]


@njit(cache=True)
def _metropolis_flip_kernel(spins, tables, beta, dmu, n_sweeps, seed, energy, energies, magnetizations,
                            record_every, records):
    stream = seeded_state(seed)
    n_sites = spins.shape[0] - 1    # the last entry is the +1 sentinel
    accepted = 0
    total_spin = 0.0
    for i in range(n_sites):
        total_spin += spins[i]
    for sweep in range(n_sweeps):
        for _ in range(n_sites):
            site = below(stream, n_sites)
            delta = _flip_energy_change(spins, site, tables)
            # semi-grand potential E - dmu * N(+1): a flip of sigma changes N(+1) by -sigma
            cost = delta + dmu * spins[site]
            if cost <= 0.0 or uniform(stream) < np.exp(-beta * cost):
                total_spin -= 2 * spins[site]
                spins[site] = -spins[site]
                energy += delta
                accepted += 1
        energies[sweep] = energy
        magnetizations[sweep] = total_spin / n_sites
        _record(spins, sweep, record_every, records)
    return energy, accepted


@njit(cache=True)
def _metropolis_swap_kernel(spins, tables, beta, n_sweeps, seed, energy, energies,
                            plus_sites, minus_sites, record_every, records):
    # plus_sites / minus_sites list the sites holding +1 / -1; a swap exchanges one of each, so
    # the composition is fixed. Energy change of a swap = flip i, then flip j in the new state.
    # The next attempt's pair is drawn (and looked up) before this attempt's acceptance test, so the lookups of
    # a large system's lists overlap this attempt's work: the stream gives a, c, then per attempt the next a, c
    # and, when the energy rises, the uniform of the test.
    stream = seeded_state(seed)
    n_sites = spins.shape[0] - 1    # the last entry is the +1 sentinel
    n_plus, n_minus = plus_sites.shape[0], minus_sites.shape[0]
    accepted = 0
    a = below(stream, n_plus)
    c = below(stream, n_minus)
    i, j = plus_sites[a], minus_sites[c]
    for sweep in range(n_sweeps):
        for _ in range(n_sites):
            next_a = below(stream, n_plus)
            next_c = below(stream, n_minus)
            next_i, next_j = plus_sites[next_a], minus_sites[next_c]
            delta = _flip_energy_change(spins, i, tables)
            spins[i] = -spins[i]
            delta += _flip_energy_change(spins, j, tables)
            if delta <= 0.0 or uniform(stream) < np.exp(-beta * delta):
                spins[j] = -spins[j]
                plus_sites[a], minus_sites[c] = j, i
                if next_a == a:            # the next pair was looked up before this swap moved its entries
                    next_i = j
                if next_c == c:
                    next_j = i
                energy += delta
                accepted += 1
            else:
                spins[i] = -spins[i]
            a, c, i, j = next_a, next_c, next_i, next_j
        energies[sweep] = energy
        _record(spins, sweep, record_every, records)
    return energy, accepted


@njit(cache=True, inline="always")
def _record_padded(padded, geometry, sweep, record_every, records):
    if record_every > 0 and (sweep + 1) % record_every == 0:
        unpad_spins(padded, geometry, records[(sweep + 1) // record_every - 1])


@njit(cache=True)
def _lattice_flip_kernel(padded, tables, beta, dmu, n_sweeps, seed, energy, energies, magnetizations,
                         record_every, records):
    """:func:`_metropolis_flip_kernel` on translation-invariant tables: the same random numbers, the same moves."""
    stream = seeded_state(seed)
    geometry, inverse = tables[0], tables[1]
    n_sites = geometry[0] * geometry[1] * geometry[2] * geometry[3]
    accepted = 0
    total_spin = 0.0
    for site in range(n_sites):
        total_spin += padded[site_position(site, geometry, inverse)[0]]
    for sweep in range(n_sweeps):
        for _ in range(n_sites):
            p, b, i0, i1, i2 = site_position(below(stream, n_sites), geometry, inverse)
            spin = padded[p]
            delta = -2.0 * spin * lattice_local_field(padded, p, b, tables)
            cost = delta + dmu * spin
            if cost <= 0.0 or uniform(stream) < np.exp(-beta * cost):
                total_spin -= 2 * spin
                set_spin(padded, p, i0, i1, i2, -spin, tables)
                energy += delta
                accepted += 1
        energies[sweep] = energy
        magnetizations[sweep] = total_spin / n_sites
        _record_padded(padded, geometry, sweep, record_every, records)
    return energy, accepted


@njit(cache=True)
def _lattice_swap_kernel(padded, tables, beta, n_sweeps, seed, energy, energies, plus_sites, minus_sites, layout,
                         record_every, records):
    """:func:`_metropolis_swap_kernel` on translation-invariant tables: the same random numbers, the same moves.

    ``plus_sites`` and ``minus_sites`` hold each site as its basis index and cell packed in one integer
    (:func:`packed_sites`, bit fields given by ``layout``), in the order of the site indices, so the kernel unpacks
    a site with shifts and masks instead of dividing its index (the divisions were an eighth of an attempt)."""
    stream = seeded_state(seed)
    geometry = tables[0]
    n_sites = geometry[0] * geometry[1] * geometry[2] * geometry[3]
    n_plus, n_minus = plus_sites.shape[0], minus_sites.shape[0]
    accepted = 0
    a = below(stream, n_plus)
    c = below(stream, n_minus)
    i, j = plus_sites[a], minus_sites[c]
    for sweep in range(n_sweeps):
        for _ in range(n_sites):
            next_a = below(stream, n_plus)
            next_c = below(stream, n_minus)
            next_i, next_j = plus_sites[next_a], minus_sites[next_c]
            pi, bi, i0, i1, i2 = unpack_site(i, geometry, layout)
            pj, bj, j0, j1, j2 = unpack_site(j, geometry, layout)
            delta = -2.0 * padded[pi] * lattice_local_field(padded, pi, bi, tables)
            set_spin(padded, pi, i0, i1, i2, -padded[pi], tables)
            delta += -2.0 * padded[pj] * lattice_local_field(padded, pj, bj, tables)
            if delta <= 0.0 or uniform(stream) < np.exp(-beta * delta):
                set_spin(padded, pj, j0, j1, j2, -padded[pj], tables)
                plus_sites[a], minus_sites[c] = j, i
                if next_a == a:            # the next pair was looked up before this swap moved its entries
                    next_i = j
                if next_c == c:
                    next_j = i
                energy += delta
                accepted += 1
            else:
                set_spin(padded, pi, i0, i1, i2, -padded[pi], tables)
            a, c, i, j = next_a, next_c, next_i, next_j
        energies[sweep] = energy
        _record_padded(padded, geometry, sweep, record_every, records)
    return energy, accepted


@dataclass
class MetropolisRun:
    """Trace of a Metropolis run.

    Attributes
    ----------
    energies : ndarray
        Total energy after each sweep (energy units of the Hamiltonian).
    magnetizations : ndarray
        :math:`\\frac1N\\sum_i \\sigma_i` after each sweep.
    spins : ndarray of int8
        Final configuration.
    acceptance : float
        Fraction of accepted flips.
    configurations : ndarray of int8, shape (n_sweeps // record_every, n_sites)
        The configuration after sweeps ``record_every``, ``2 record_every``, ... (empty unless the run
        was asked to record); :attr:`recorded_sweeps` gives their sweep numbers.
    record_every : int
        0 when nothing was recorded.
    """

    energies: np.ndarray
    magnetizations: np.ndarray
    spins: np.ndarray
    acceptance: float
    configurations: np.ndarray | None = None
    record_every: int = 0

    @property
    def recorded_sweeps(self) -> np.ndarray:
        """Sweep number (1-based) of each recorded configuration."""
        n = 0 if self.configurations is None else len(self.configurations)
        return self.record_every * np.arange(1, n + 1)

    def observe(self, observable) -> np.ndarray:
        """``observable(configuration)`` on every recorded configuration, as an array (one row per record).

        Any function of one ±1 configuration works, e.g.
        ``lambda s: order_parameter(s, sublattices, "L1_0")`` or ``lambda s: warren_cowley(s, neighbours)``.
        """
        if not self.record_every:
            raise ValueError("this run recorded no configurations: run it with record_every=k (every k sweeps)")
        return np.array([observable(configuration) for configuration in self.configurations])


def metropolis_flips(hamiltonian: ClusterHamiltonian, spins, *, kT: float, n_sweeps: int,
                     seed: int = 0, dmu: float = 0.0, record_every: int = 0) -> MetropolisRun:
    """Single-site flips: the (semi-grand-)canonical ensemble at temperature ``kT`` and ``dmu``.

    With ``dmu`` = 0 this samples :math:`e^{-\beta E}` (the Ising model in zero field). Otherwise it
    samples the semi-grand-canonical ensemble :math:`e^{-\beta (E - \Delta\mu N_+)}`, where
    :math:`N_+` counts the +1 sites and :math:`\Delta\mu = \mu_+ - \mu_-`: the composition
    fluctuates, driven by the chemical-potential difference.

    Parameters
    ----------
    hamiltonian : ClusterHamiltonian
    spins : array of +-1, shape (n_sites,)
        Starting configuration (not modified).
    kT : float
        :math:`k_B T` in the energy units of the Hamiltonian (J for the Ising model, eV for a CE).
    n_sweeps : int
        Number of sweeps (``n_sites`` attempts each).
    seed : int
        Seed of the random-number stream: the same seed gives the same run.
    dmu : float
        :math:`\Delta\mu = \mu_+ - \mu_-` (energy units of the Hamiltonian).
    record_every : int
        Keep the configuration every ``record_every`` sweeps in ``configurations`` (0: only the final
        one). Memory: ``n_sweeps // record_every * n_sites`` bytes. Recording does not change the run.
    """
    spins = _check_run(hamiltonian, spins, kT, n_sweeps)
    check_finite("dmu", dmu)
    seed = check_seed(seed)
    records = _records(record_every, n_sweeps, hamiltonian.n_sites)
    energies = np.empty(n_sweeps)
    magnetizations = np.empty(n_sweeps)
    kernel, work = _kernel_and_work(hamiltonian, spins, _metropolis_flip_kernel, _lattice_flip_kernel)
    _, accepted = kernel(work, hamiltonian.tables(), 1.0 / kT, float(dmu), n_sweeps, seed, hamiltonian.energy(spins),
                         energies, magnetizations, record_every, records)
    spins = _final_spins(hamiltonian, work)
    return MetropolisRun(energies, magnetizations, spins, accepted / (n_sweeps * hamiltonian.n_sites), records,
                         record_every)


def metropolis_swaps(hamiltonian: ClusterHamiltonian, spins, *, kT: float, n_sweeps: int,
                     seed: int = 0, record_every: int = 0) -> MetropolisRun:
    """Canonical Monte Carlo: swap a random +1 site with a random -1 site (composition fixed).

    Parameters are those of :func:`metropolis_flips`; the starting configuration sets the composition
    and must contain both species. ``magnetizations`` is constant and reported for symmetry.
    """
    spins = _check_run(hamiltonian, spins, kT, n_sweeps)
    seed = check_seed(seed)
    records = _records(record_every, n_sweeps, hamiltonian.n_sites)
    # int32: half the memory of the only arrays besides the occupations that grow with the system (random reads)
    plus_sites = np.flatnonzero(spins == 1).astype(np.int32)
    minus_sites = np.flatnonzero(spins == -1).astype(np.int32)
    if len(plus_sites) == 0 or len(minus_sites) == 0:
        raise ValueError("canonical swaps need both species: the configuration is all +1 or all -1")
    energies = np.empty(n_sweeps)
    kernel, work = _kernel_and_work(hamiltonian, spins, _metropolis_swap_kernel, _lattice_swap_kernel)
    lists = (plus_sites, minus_sites)
    if kernel is _lattice_swap_kernel:
        plus_sites, layout = packed_sites(plus_sites, hamiltonian)
        minus_sites, _ = packed_sites(minus_sites, hamiltonian)
        lists = (plus_sites, minus_sites, layout)
    _, accepted = kernel(work, hamiltonian.tables(), 1.0 / kT, n_sweeps, seed, hamiltonian.energy(spins), energies,
                         *lists, record_every, records)
    spins = _final_spins(hamiltonian, work)
    magnetizations = np.full(n_sweeps, spins.mean())
    return MetropolisRun(energies, magnetizations, spins, accepted / (n_sweeps * hamiltonian.n_sites), records,
                         record_every)


def _records(record_every, n_sweeps: int, n_sites: int) -> np.ndarray:
    """The (n_sweeps // record_every, n_sites) int8 array the kernels fill (empty when not recording)."""
    if isinstance(record_every, bool) or not isinstance(record_every, (int, np.integer)) or record_every < 0:
        raise ValueError(f"record_every must be a whole number of sweeps >= 0 (0: record nothing), got {record_every!r}")
    n_records = n_sweeps // record_every if record_every else 0
    if record_every and n_records == 0:
        raise ValueError(f"record_every = {record_every} is longer than the run ({n_sweeps} sweeps): nothing would be recorded")
    return np.zeros((n_records, n_sites), dtype=np.int8)


def _kernel_and_work(hamiltonian, spins: np.ndarray, site_kernel, lattice_kernel):
    """The kernel for the Hamiltonian's kind of tables and its working copy of the spins."""
    if isinstance(hamiltonian, LatticeHamiltonian):
        return lattice_kernel, hamiltonian.padded(spins)
    return site_kernel, _working_copy(spins)


def _final_spins(hamiltonian, work: np.ndarray) -> np.ndarray:
    if isinstance(hamiltonian, LatticeHamiltonian):
        spins = np.empty(hamiltonian.n_sites, dtype=np.int8)
        unpad_spins(work, hamiltonian.tables()[0], spins)
        return spins
    return work[:-1].astype(np.int8)


def _working_copy(spins: np.ndarray) -> np.ndarray:
    """Spins as float64 with a trailing +1 sentinel: padded table entries point at it, so the kernels
    multiply without branching."""
    work = np.ones(len(spins) + 1)
    work[:-1] = spins
    return work


def _check_run(hamiltonian: ClusterHamiltonian, spins, kT: float, n_sweeps: int) -> np.ndarray:
    if not (np.isfinite(kT) and kT > 0):
        raise ValueError(f"kT must be a positive, finite temperature (energy units), got {kT}")
    if n_sweeps < 1:
        raise ValueError(f"n_sweeps must be at least 1, got {n_sweeps}")
    return check_spins(spins, hamiltonian.n_sites).copy()


def temperature_scan(hamiltonian: ClusterHamiltonian, spins, kTs, *, n_sweeps: int, ensemble: str = "flips",
                     seed: int = 0, executor=None, **options) -> list[MetropolisRun]:
    """One independent run per temperature in ``kTs``, in parallel if an ``executor`` is given.

    ``executor`` is a ``concurrent.futures.Executor`` (``ProcessPoolExecutor``) or a ``dask.distributed.Client``
    (a cluster: :mod:`matsci_ml.parallel`); without one the runs are serial. Run k uses seed ``seed + k``. ``ensemble`` is ``"flips"`` or ``"swaps"``.
    """
    run = {"flips": metropolis_flips, "swaps": metropolis_swaps}[ensemble]
    return run_all(run, [dict(hamiltonian=hamiltonian, spins=spins, kT=float(kT), n_sweeps=n_sweeps, seed=seed + k,
                              **options) for k, kT in enumerate(kTs)], executor)


def chemical_potential_scan(hamiltonian: ClusterHamiltonian, spins, dmus, *, kT: float, n_sweeps: int, seed: int = 0,
                            executor=None, discard: float = 0.5) -> np.ndarray:
    r"""Semi-grand-canonical composition :math:`x(\Delta\mu)`: the fraction of +1 sites averaged over each run.

    One independent :func:`metropolis_flips` run per :math:`\Delta\mu` in ``dmus`` (eV, favouring +1 when
    positive), all at temperature ``kT`` (eV), run k with seed ``seed + k``, in parallel on ``executor``
    if given. The first ``discard`` fraction of each run is dropped as equilibration.
    """
    runs = run_all(metropolis_flips, [dict(hamiltonian=hamiltonian, spins=spins, kT=float(kT), n_sweeps=n_sweeps,
                                           dmu=float(dmu), seed=seed + k) for k, dmu in enumerate(dmus)], executor)
    return np.array([(1.0 + np.mean(r.magnetizations[int(discard * len(r.magnetizations)):])) / 2.0 for r in runs])
