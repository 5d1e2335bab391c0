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
    from ase.build import bulk

    from matsci_ml.cluster_expansion import ClusterSpace

    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    ecis = np.array([MC_BENCH_ECIS[name] for name in space.names])
    atoms = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(repeat)
    symbols = np.array(["Cu", "Pt"] * (len(atoms) // 2))
    np.random.default_rng(seed).shuffle(symbols)
    atoms.symbols = symbols
    return ecis, atoms, space.hamiltonian(atoms, ecis), space.occupations(atoms)


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
        from clease.settings import CEBulk, Concentration

        with tempfile.TemporaryDirectory() as folder:
            settings = CEBulk(Concentration(basis_elements=[["Cu", "Pt"]]), crystalstructure="fcc", a=4.0,
                              size=[3, 3, 3], max_cluster_dia=[5.0, 4.1], db_name=f"{folder}/clease.db")
            clease_names = ["c0", "c1_0", "c2_d0000_0_00", "c2_d0001_0_00", "c2_d0002_0_00", "c3_d0000_0_000"]
            peer_atoms = attach_calculator(settings, atoms=atoms.copy(), eci=dict(zip(clease_names, ecis)))
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
        from clease.settings import CEBulk, Concentration

        with tempfile.TemporaryDirectory() as folder:
            settings = CEBulk(Concentration(basis_elements=[["Cu", "Pt", "X"]]), crystalstructure="fcc", a=4.0,
                              size=[3, 3, 3], max_cluster_dia=[5.0, 4.1], db_name=f"{folder}/clease.db")
            names = list(CorrFunction(settings).get_cf(settings.atoms).keys())
            binary = dict(zip(["c0", "c1_0", "c2_d0000_0_00", "c2_d0001_0_00", "c2_d0002_0_00", "c3_d0000_0_000"], ecis))
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
