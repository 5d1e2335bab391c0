"""``matsci-ml bench``: our implementation and a peer, in the same process, on the same input.

Times are wall-clock (``time.perf_counter``) of one pass after a warm-up call on a few rows, so
one-time costs (reading tables, compiling) are left out of both sides; the ratio is what to quote.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from matsci_ml.atomistic.units import KB_EV_PER_K


@dataclass
class BenchResult:
    task: str
    ours_s: float
    peer: str
    peer_s: float
    max_abs_difference: float

    @property
    def ratio(self) -> float:
        return self.peer_s / self.ours_s

    def __str__(self) -> str:
        return (f"{self.task}\n  ours (matsci_ml): {self.ours_s:8.3f} s\n  {self.peer}: {self.peer_s:8.3f} s\n"
                f"  speed-up: {self.ratio:.1f}x   largest difference between the two: {self.max_abs_difference:.3g}")


def bench_featurize(formulas: list[str] | None = None) -> BenchResult:
    """Featurize every matbench_expt_gap composition with ours and with matminer (one process each)."""
    from matminer.featurizers.base import MultipleFeaturizer
    from matminer.featurizers.composition import ElementProperty, Stoichiometry, ValenceOrbital
    from pymatgen.core import Composition

    from matsci_ml.data import load_matbench
    from matsci_ml.features import CompositionFeaturizer

    if formulas is None:
        formulas = list(load_matbench("matbench_expt_gap")["composition"])
    ours = CompositionFeaturizer().fit(formulas)
    peer = MultipleFeaturizer([ElementProperty.from_preset("magpie"), ValenceOrbital(), Stoichiometry()])
    ours.transform(formulas[:5])
    peer.featurize(Composition(formulas[0]))

    start = time.perf_counter()
    ours_x = ours.transform(formulas)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    peer_x = np.array([peer.featurize(Composition(f)) for f in formulas], dtype=float)
    peer_s = time.perf_counter() - start
    return BenchResult(f"featurize {len(formulas)} compositions (146 features: Magpie + valence + stoichiometry)",
                       ours_s, "matminer (ElementProperty magpie + ValenceOrbital + Stoichiometry)", peer_s,
                       float(np.nanmax(np.abs(ours_x - peer_x))))


@dataclass
class RateBench:
    """Attempted moves per second of our kernel and of each peer, measured back to back in one process."""

    task: str
    unit: str
    ours: float
    peers: dict          # name -> rate, or a string saying why it was not measured
    agreement: str = ""

    def ratio(self, peer: str) -> float:
        return self.ours / self.peers[peer]

    def __str__(self) -> str:
        lines = [self.task, f"  ours (matsci_ml, numba): {self.ours:14,.0f} {self.unit}"]
        for name, rate in self.peers.items():
            if isinstance(rate, str):
                lines.append(f"  {name}: {rate}")
            else:
                lines.append(f"  {name}: {rate:14,.0f} {self.unit}   ours is {self.ours / rate:,.1f}x faster")
        if self.agreement:
            lines.append(f"  {self.agreement}")
        return "\n".join(lines)


#: the benchmark system of `bench mc`: fcc, a = 4 A, pairs to the 3rd neighbour plus the NN triplet (ECIs in eV/site)
MC_BENCH_ECIS = {"0": 0.0, "1": 0.0, "2_2.828": 0.020, "2_4.000": -0.004, "2_4.899": 0.002, "3_2.828": 0.001}


def _bench_alloy(repeat: int, seed: int):
    """The benchmark alloy: ECIs, a random 50/50 Cu-Pt fcc cell of 4 repeat^3 sites, its Hamiltonian and spins."""
    space, ecis, atoms = _bench_structure(repeat, seed)
    return ecis, atoms, space.hamiltonian(atoms, ecis), space.occupations(atoms)


def _bench_structure(repeat: int, seed: int):
    """The cluster space, ECIs and random 50/50 Cu-Pt fcc cell (4 repeat^3 sites) of the MC and KMC benchmarks."""
    from ase.build import bulk

    from matsci_ml.cluster_expansion import ClusterSpace

    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    ecis = np.array([MC_BENCH_ECIS[name] for name in space.names])
    atoms = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(repeat)
    symbols = np.array(["Cu", "Pt"] * (len(atoms) // 2))
    np.random.default_rng(seed).shuffle(symbols)
    atoms.symbols = symbols
    return space, ecis, atoms


def bench_mc(repeat: int = 10, temperature_K: float = 2000.0, our_sweeps: int = 400, peer_steps: int = 40_000,
             seed: int = 0) -> RateBench:
    """Canonical swap Monte Carlo on a 4 repeat^3-site fcc binary, 50/50, above the ordering temperature.

    Every installed peer (CLEASE, icet, smol) runs the same cluster space and ECIs on the same starting
    configuration; the energies of that configuration are compared first.
    """
    from matsci_ml.monte_carlo import metropolis_swaps

    ecis, atoms, hamiltonian, spins = _bench_alloy(repeat, seed)
    metropolis_swaps(hamiltonian, spins, kT=KB_EV_PER_K * temperature_K, n_sweeps=1, seed=seed)   # compile / load cache
    start = time.perf_counter()
    metropolis_swaps(hamiltonian, spins, kT=KB_EV_PER_K * temperature_K, n_sweeps=our_sweeps, seed=seed)
    ours = our_sweeps * len(atoms) / (time.perf_counter() - start)

    peers: dict = {}
    agreement = ""
    try:
        import tempfile

        from clease.calculator import attach_calculator
        from clease.montecarlo import Montecarlo

        with tempfile.TemporaryDirectory() as folder:
            peer_atoms = attach_calculator(_clease_settings(folder, ["Cu", "Pt"]), atoms=atoms.copy(),
                                           eci=dict(zip(_CLEASE_NAMES, ecis)))
            difference = abs(peer_atoms.get_potential_energy() - hamiltonian.energy(spins)) / len(atoms)
            agreement = f"energy of the starting configuration, ours vs CLEASE: {difference:.1e} eV/site apart"
            mc = Montecarlo(peer_atoms, temperature_K)
            mc.run(steps=100)
            start = time.perf_counter()
            mc.run(steps=peer_steps)
            peers["CLEASE (C++)"] = peer_steps / (time.perf_counter() - start)
    except ImportError:
        peers["CLEASE (C++)"] = "not installed (pip install -e '.[bench]')"
    for name, module in [("icet (C++)", "icet"), ("smol (Cython)", "smol")]:
        try:
            __import__(module)
            peers[name] = "installed, but not wired into this benchmark yet"
        except ImportError:
            peers[name] = f"not installed (pip install {module}; builds from source)"
    return RateBench(f"canonical swap Monte Carlo, {len(atoms)}-site fcc binary 50/50, pairs to the 3rd neighbour "
                     f"+ NN triplet, {temperature_K:.0f} K", "attempted swaps/s", ours, peers, agreement)


def bench_kmc(repeat: int = 20, temperature_K: float = 1000.0, our_events: int = 500_000, peer_events: int = 2_000,
              seed: int = 0) -> RateBench:
    """Vacancy kinetic MC with CE (Bell-Evans-Polanyi) barriers on a 4 repeat^3-site fcc Cu-Pt alloy, 50/50.

    Barriers E_a = E_0 + (E_after - E_before)/2 with E_0 = 0.5 eV (Cu) / 0.6 eV (Pt), the same cluster space as
    ``bench mc``. CLEASE needs the vacancy as a third species, so it runs the ternary (Cu, Pt, X) expansion on
    the same clusters with our ECIs on the Cu-Pt functions and zero on the vacancy ones: the same work per event,
    not the same numbers. Setup (tables, CLEASE's correlation functions) is excluded from both timings.
    """
    from matsci_ml.monte_carlo import VacancyKMC, neighbour_table

    ecis, atoms, hamiltonian, spins = _bench_alloy(repeat, seed)
    table = neighbour_table("fcc", repeat)
    kmc = VacancyKMC(hamiltonian, table, lattice_constant=4.0)
    options = dict(kT=KB_EV_PER_K * temperature_K, barrier=(0.5, 0.6), seed=seed)
    kmc.run(spins, 0, n_events=10, **options)                   # compile / load the cache
    start = time.perf_counter()
    kmc.run(spins, 0, n_events=our_events, **options)
    ours = our_events / (time.perf_counter() - start)

    peers: dict = {}
    try:
        import tempfile

        from clease.calculator import attach_calculator
        from clease.corr_func import CorrFunction
        from clease.montecarlo import BEPBarrier, KineticMonteCarlo, NeighbourSwap

        with tempfile.TemporaryDirectory() as folder:
            settings = _clease_settings(folder, ["Cu", "Pt", "X"])
            names = list(CorrFunction(settings).get_cf(settings.atoms).keys())
            binary = dict(zip(_CLEASE_NAMES, ecis))
            peer_atoms = atoms.copy()
            peer_atoms.symbols[0] = "X"
            peer_atoms = attach_calculator(settings, atoms=peer_atoms, eci={n: binary.get(n, 0.0) for n in names})
            kmc = KineticMonteCarlo(peer_atoms, temperature_K, BEPBarrier({"Cu": 0.5, "Pt": 0.6}),
                                    [NeighbourSwap(peer_atoms, 0.75 * 4.0)])
            kmc.run(10, 0)
            vacancy = int(np.flatnonzero(np.array(peer_atoms.get_chemical_symbols()) == "X")[0])
            start = time.perf_counter()
            kmc.run(peer_events, vacancy)
            peers["CLEASE KineticMonteCarlo (C++ CE, Python loop)"] = peer_events / (time.perf_counter() - start)
    except ImportError:
        peers["CLEASE KineticMonteCarlo"] = "not installed (pip install -e '.[bench]')"
    return RateBench(f"vacancy kinetic MC with CE barriers, {len(atoms)}-site fcc Cu-Pt 50/50, pairs to the 3rd "
                     f"neighbour + NN triplet, {temperature_K:.0f} K", "events/s", ours, peers)


@dataclass
class SizeBench:
    """Setup time, peak memory and event rate per system size, ours and CLEASE's, each size in a fresh process."""

    task: str
    unit: str
    rows: list          # one dict per size (keys: sites, setup_s, peak_mb, table_kb, rate, peer_setup_s, peer_rate, ...)

    def __str__(self) -> str:
        lines = [self.task,
                 f"  {'sites':>8} | {'ours: setup':>11} {'peak mem':>9} {'tables':>9} {self.unit:>16} | "
                 f"{'CLEASE: setup':>13} {self.unit:>16} | ours/CLEASE"]
        for row in self.rows:
            ours = (f"  {row['sites']:>8,} | {row['setup_s']:>9.2f} s {row['peak_mb']:>6.0f} MB {row['table_kb']:>6.0f} KB "
                    f"{row['rate']:>16,.0f} | ")
            if row.get("peer_rate"):
                ours += (f"{row['peer_setup_s']:>11.2f} s {row['peer_rate']:>16,.0f} | "
                         f"{row['rate'] / row['peer_rate']:,.0f}x")
            else:
                ours += f"{row.get('peer_note', 'not run'):>30} |"
            lines.append(ours)
        first = self.rows[0]
        lines.append(f"  rate at {self.rows[-1]['sites']:,} sites / rate at {first['sites']:,}: "
                     f"{self.rows[-1]['rate'] / first['rate']:.2f}.  setup: ClusterSpace.hamiltonian() and the rest of "
                     "the run's one-time work; peak mem: the whole process (Python, numpy, ASE, numba: about 290 MB "
                     "before any table), before CLEASE runs; tables: what the kernels read besides the occupations")
        return "\n".join(lines)


def _repeat_for(n_sites: int) -> int:
    repeat = round((n_sites / 4) ** (1 / 3))
    if 4 * repeat ** 3 != n_sites:
        raise ValueError(f"{n_sites} sites is not a cubic fcc cell 4 n^3 (e.g. 4000, 32000, 256000); "
                         f"the nearest are {4 * repeat ** 3} and {4 * (repeat + 1) ** 3}")
    return repeat


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_rate(step, n_per_call: int, seconds: float) -> float:
    """Events per second of ``step(n)`` over calls lasting at least ``seconds`` in all (after one warm-up call)."""
    step(max(1, n_per_call // 100))
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(n_per_call)
        done += n_per_call
    return done / (time.perf_counter() - start)


def _clease_settings(folder: str, basis: list):
    from clease.settings import CEBulk, Concentration

    return CEBulk(Concentration(basis_elements=[basis]), crystalstructure="fcc", a=4.0, size=[3, 3, 3],
                  max_cluster_dia=[5.0, 4.1], db_name=f"{folder}/clease.db")


_CLEASE_NAMES = ["c0", "c1_0", "c2_d0000_0_00", "c2_d0001_0_00", "c2_d0002_0_00", "c3_d0000_0_000"]


def _one_size(task: str, n_sites: int, temperature_K: float, seconds: float, peer: bool, seed: int) -> dict:
    """One row of :class:`SizeBench`, run in its own process."""
    import tempfile

    from matsci_ml.monte_carlo import VacancyKMC, metropolis_swaps, neighbour_table

    repeat = _repeat_for(n_sites)
    space, ecis, atoms = _bench_structure(repeat, seed)
    kT = KB_EV_PER_K * temperature_K
    start = time.perf_counter()
    hamiltonian = space.hamiltonian(atoms, ecis)
    spins = space.occupations(atoms)
    if task == "mc":
        setup_s = time.perf_counter() - start
        tables = hamiltonian.table_bytes if hasattr(hamiltonian, "table_bytes") else \
            sum(a.nbytes for a in hamiltonian.tables())
        state = {"spins": spins}

        def step(n_sweeps):
            state["spins"] = metropolis_swaps(hamiltonian, state["spins"], kT=kT, n_sweeps=max(1, n_sweeps // n_sites),
                                              seed=seed).spins
        rate = _timed_rate(step, max(n_sites, 2_000_000 // n_sites * n_sites), seconds)
    else:
        kmc = VacancyKMC(hamiltonian, neighbour_table("fcc", repeat), lattice_constant=4.0)
        setup_s = time.perf_counter() - start
        tables = sum(a.nbytes for a in kmc.hamiltonian.tables()) + sum(a.nbytes for a in kmc.jump_tables)
        options = dict(kT=kT, barrier=(0.5, 0.6), seed=seed)
        rate = _timed_rate(lambda n: kmc.run(spins, 0, n_events=n, **options), 500_000, seconds)
    row = dict(sites=n_sites, setup_s=setup_s, peak_mb=_peak_mb(), table_kb=tables / 1024, rate=rate)
    if not peer:
        row["peer_note"] = "not run at this size"
        return row
    try:
        from clease.calculator import attach_calculator
        from clease.montecarlo import BEPBarrier, KineticMonteCarlo, Montecarlo, NeighbourSwap
    except ImportError:
        row["peer_note"] = "not installed (pip install -e '.[bench]')"
        return row
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        if task == "mc":
            peer_atoms = attach_calculator(_clease_settings(folder, ["Cu", "Pt"]), atoms=atoms.copy(),
                                           eci=dict(zip(_CLEASE_NAMES, ecis)))
            mc = Montecarlo(peer_atoms, temperature_K)
            row["peer_setup_s"] = time.perf_counter() - start
            row["energy_difference_per_site"] = abs(peer_atoms.get_potential_energy() - hamiltonian.energy(spins)) / n_sites
            row["peer_rate"] = _timed_rate(lambda n: mc.run(steps=n), 20_000, seconds)
        else:
            from clease.corr_func import CorrFunction

            settings = _clease_settings(folder, ["Cu", "Pt", "X"])
            names = list(CorrFunction(settings).get_cf(settings.atoms).keys())
            binary = dict(zip(_CLEASE_NAMES, ecis))
            peer_atoms = atoms.copy()
            peer_atoms.symbols[0] = "X"
            peer_atoms = attach_calculator(settings, atoms=peer_atoms, eci={n: binary.get(n, 0.0) for n in names})
            kmc = KineticMonteCarlo(peer_atoms, temperature_K, BEPBarrier({"Cu": 0.5, "Pt": 0.6}),
                                    [NeighbourSwap(peer_atoms, 0.75 * 4.0)])
            row["peer_setup_s"] = time.perf_counter() - start
            symbols_now = lambda: np.array(peer_atoms.get_chemical_symbols())
            row["peer_rate"] = _timed_rate(lambda n: kmc.run(n, int(np.flatnonzero(symbols_now() == "X")[0])), 1_000,
                                           seconds)
    return row


def bench_sizes(task: str, sizes=(4000, 32000, 256000), *, temperature_K: float | None = None, seconds: float = 2.0,
                peer_max_sites: int = 32000, seed: int = 0) -> SizeBench:
    """``bench mc --sizes`` / ``bench kmc --sizes``: the benchmark alloy of :func:`bench_mc` (or :func:`bench_kmc`) at
    each size, each in a fresh process so that its peak memory is its own, CLEASE too up to ``peer_max_sites``.

    Rates are timed over calls lasting at least ``seconds`` in all, after a warm-up call (compiling or loading the
    numba cache is not in them); setup is timed once.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if task not in ("mc", "kmc"):
        raise ValueError(f"sizes are benchmarked for 'mc' and 'kmc', not {task!r}")
    temperature_K = temperature_K or (2000.0 if task == "mc" else 1000.0)
    for n in sizes:
        _repeat_for(n)
    rows = []
    for n in sizes:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows.append(pool.submit(_one_size, task, n, temperature_K, seconds, n <= peer_max_sites, seed).result())
    title = ("canonical swap Monte Carlo" if task == "mc" else "vacancy kinetic MC with CE (BEP) barriers")
    unit = "attempted swaps/s" if task == "mc" else "events/s"
    return SizeBench(f"{title}, fcc Cu-Pt 50/50, pairs to the 3rd neighbour + NN triplet, {temperature_K:.0f} K, "
                     "by size", unit, rows)


def bench_mtp():
    """MTP: ours vs motep's C extension per atom per step, and a timed Mo fit (:mod:`matsci_ml.mtp.benchmark`)."""
    from matsci_ml.mtp.benchmark import bench_mtp as run

    return run()


def bench_gnn(task: str = "matbench_phonons", folds=range(5), output=None):
    """The crystal graph network on the official folds of ``task`` (:mod:`matsci_ml.graph_network.benchmark`):
    five-fold MAE and training time, written to ``datasets/structure_models/`` (or ``output``)."""
    from matsci_ml.graph_network.benchmark import run_gnn_benchmark

    report = run_gnn_benchmark(task, folds=folds, output=output)
    per_fold = ", ".join(f"{fold['mae']:.1f}" for fold in report["folds"])
    networks = report["settings"]["n_models"]
    return (f"CGCNN on {task} ({len(report['folds'])} official folds, {networks} network{'s' * (networks > 1)} "
            f"each): MAE {report['mean_mae']:.2f} ± {report['std_mae']:.2f} {report['unit']} (folds: {per_fold}); "
            f"training {report['total_fit_seconds']:.0f} s on {report['machine']['cpu_count']} cores "
            f"({report['machine']['torch_threads']} torch threads)")
