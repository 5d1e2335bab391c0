"""``matsci-ml bench``: our implementation against a peer library on the same input, several times over.

Every comparison runs both sides ``repeat`` times, back to back (ours, then the peer, in each repeat), and
gives two figures, each as the median and the range [min-max] over the repeats:

kernel
    the steady-state rate of the inner loop: timed over calls lasting at least ``seconds`` in all, after a
    warm-up call. What a long run converges to.
end to end
    the wall time of a stated, fixed workload from the model's definition to its result (cluster space or
    CLEASE settings, tables or correlation functions, the run, the final energy): what one such run costs.

Ratios are taken within a repeat (ours and the peer measured one after the other) and summarised the same
way. Imports and numba compilation are outside both figures: numba's cache is on disk, and ``matsci-ml
warmup`` measures the cold compile. On a shared machine runs of the same command differ by up to 2x; quote
medians, with the range.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from matsci_ml.atomistic.units import KB_EV_PER_K


def _si(value: float) -> str:
    """3 significant figures with a k / M suffix: 5.09 M, 110 k, 0.412."""
    for factor, suffix in ((1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


@dataclass
class Side:
    """One implementation's measurements, one value per repeat: kernel rates (per second), end-to-end and
    setup times (s). ``note`` says why it was not measured, if it was not."""

    name: str
    kernel_rate: list = field(default_factory=list)
    end_to_end_s: list = field(default_factory=list)
    setup_s: list = field(default_factory=list)
    note: str = ""

    @property
    def measured(self) -> bool:
        return bool(self.kernel_rate)


def spread(values) -> dict:
    """Median, min and max of repeated measurements."""
    values = np.asarray(values, dtype=float)
    return {"median": float(np.median(values)), "min": float(values.min()), "max": float(values.max()),
            "n": int(values.size)}


def _format(values, fmt=_si, unit: str = "") -> str:
    s = spread(values)
    return f"{fmt(s['median'])}{unit}  [{fmt(s['min'])} - {fmt(s['max'])}]"


@dataclass
class Comparison:
    """Ours against a peer on one task: kernel rates and end-to-end times, repeated (see the module docstring)."""

    task: str
    unit: str                  # of the kernel rate, e.g. "attempted swaps/s"
    workload: str              # what the end-to-end run does
    ours: Side
    peer: Side
    agreement: str = ""        # how the two were checked to compute the same thing
    details: dict = field(default_factory=dict)

    def kernel_ratios(self) -> list:
        """Our kernel rate over the peer's, per repeat (above 1: ours is faster)."""
        return [o / p for o, p in zip(self.ours.kernel_rate, self.peer.kernel_rate)]

    def end_to_end_ratios(self) -> list:
        """The peer's end-to-end time over ours, per repeat (above 1: ours is faster)."""
        return [p / o for o, p in zip(self.ours.end_to_end_s, self.peer.end_to_end_s)]

    @classmethod
    def from_dict(cls, data: dict) -> Comparison:
        """The inverse of :meth:`to_dict` (the summaries it adds are recomputed, not read)."""
        sides = {side: Side(**{k: data[side][k] for k in ("name", "kernel_rate", "end_to_end_s", "setup_s", "note")})
                 for side in ("ours", "peer")}
        return cls(data["task"], data["unit"], data["workload"], sides["ours"], sides["peer"], data["agreement"],
                   data["details"])

    def to_dict(self) -> dict:
        out = asdict(self)
        for side in ("ours", "peer"):
            if getattr(self, side).measured:
                out[side].update(kernel=spread(out[side]["kernel_rate"]), end_to_end=spread(out[side]["end_to_end_s"]),
                                 setup=spread(out[side]["setup_s"]))
        if self.peer.measured:
            out["kernel_ratio"], out["end_to_end_ratio"] = spread(self.kernel_ratios()), spread(self.end_to_end_ratios())
        return out

    def __str__(self) -> str:
        width = max(len(self.ours.name), len(self.peer.name), 22) + 2
        runs = len(self.ours.kernel_rate)
        lines = [self.task, f"  {runs} run{'s' * (runs != 1)} of each side, back to back: median  [min - max]",
                 f"  kernel (steady state), {self.unit}:"]
        sides = [self.ours] + ([self.peer] if self.peer.measured else [])
        for side in sides:
            lines.append(f"    {side.name:<{width}}{_format(side.kernel_rate)}")
        if self.peer.measured:
            lines.append(f"    {'ours / peer':<{width}}{_format(self.kernel_ratios(), lambda x: f'{x:.0f}', 'x')}")
        lines.append(f"  end to end ({self.workload}), s:")
        for side in sides:
            lines.append(f"    {side.name:<{width}}{_format(side.end_to_end_s, lambda x: f'{x:.3g}')}"
                         f"   of which setup {_format(side.setup_s, lambda x: f'{x:.2g}')}")
        if self.peer.measured:
            lines.append(f"    {'peer / ours':<{width}}{_format(self.end_to_end_ratios(), lambda x: f'{x:.1f}', 'x')}")
        else:
            lines.append(f"  {self.peer.name}: {self.peer.note}")
        if self.agreement:
            lines.append(f"  {self.agreement}")
        if "peak_mb" in self.details:
            lines.append(f"  ours: peak memory of the process {self.details['peak_mb']:.0f} MB (about 290 MB before any "
                         f"table), tables {self.details['table_kb']:.0f} KB besides the occupations")
        return "\n".join(lines)


@dataclass
class Report:
    """Several comparisons (one per system size), printed one after the other."""

    comparisons: list

    def to_dict(self) -> dict:
        return {"comparisons": [c.to_dict() for c in self.comparisons]}

    def __str__(self) -> str:
        text = "\n".join(str(c) for c in self.comparisons)
        if len(self.comparisons) > 1:
            first, last = self.comparisons[0], self.comparisons[-1]
            rate = spread(last.ours.kernel_rate)["median"] / spread(first.ours.kernel_rate)["median"]
            text += (f"\nours: median kernel rate at {last.details['sites']:,} sites / at {first.details['sites']:,}, "
                     f"runs in two processes: {rate:.2f}")
            if "rate_over_reference" in last.details:
                text += (f"\n      the same, each run at {last.details['sites']:,} followed by one at "
                         f"{last.details['reference_sites']:,} in the same process: "
                         f"{_format(last.details['rate_over_reference'], lambda x: f'{x:.2f}')}")
        return text


def _timed_rate(step, n_per_call: int, seconds: float, warm_up: bool = True) -> float:
    """Events per second of ``step(n)`` over calls lasting at least ``seconds`` in all (after one warm-up call)."""
    if warm_up:
        step(max(1, n_per_call // 100))
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(n_per_call)
        done += n_per_call
    return done / (time.perf_counter() - start)


def _check_repeat(repeat: int) -> int:
    if int(repeat) != repeat or repeat < 1:
        raise ValueError(f"repeat must be a whole number of runs, at least 1, got {repeat!r}")
    return int(repeat)


def bench_featurize(formulas: list[str] | None = None, *, repeat: int = 3, seconds: float = 1.0) -> Comparison:
    """Featurize every matbench_expt_gap composition with ours and with matminer, ``repeat`` times each.

    Kernel: compositions per second of ``transform`` (ours) and ``featurize`` (matminer) on a built featurizer.
    End to end: build the featurizer (element tables) and featurize every composition.
    """
    from matminer.featurizers.base import MultipleFeaturizer
    from matminer.featurizers.composition import ElementProperty, Stoichiometry, ValenceOrbital
    from pymatgen.core import Composition

    from matsci_ml.data import load_matbench
    from matsci_ml.features import CompositionFeaturizer

    repeat = _check_repeat(repeat)
    if formulas is None:
        formulas = list(load_matbench("matbench_expt_gap")["composition"])

    def build_peer():
        return MultipleFeaturizer([ElementProperty.from_preset("magpie"), ValenceOrbital(), Stoichiometry()])

    CompositionFeaturizer().fit(formulas[:5]).transform(formulas[:5])          # first-call costs of both, untimed
    build_peer().featurize(Composition(formulas[0]))
    ours = Side("ours (matsci_ml CompositionFeaturizer)")
    peer = Side("matminer (ElementProperty magpie + ValenceOrbital + Stoichiometry)")
    for _ in range(repeat):
        start = time.perf_counter()
        featurizer = CompositionFeaturizer().fit(formulas)
        ours.setup_s.append(time.perf_counter() - start)
        ours_x = featurizer.transform(formulas)
        ours.end_to_end_s.append(time.perf_counter() - start)
        ours.kernel_rate.append(_timed_rate(lambda n: featurizer.transform(formulas), len(formulas), seconds,
                                            warm_up=False))
        start = time.perf_counter()
        matminer = build_peer()
        peer.setup_s.append(time.perf_counter() - start)
        peer_x = np.array([matminer.featurize(Composition(f)) for f in formulas], dtype=float)
        peer.end_to_end_s.append(time.perf_counter() - start)
        peer.kernel_rate.append(_timed_rate(lambda n: [matminer.featurize(Composition(f)) for f in formulas],
                                            len(formulas), seconds, warm_up=False))
    difference = float(np.nanmax(np.abs(ours_x - peer_x)))
    return Comparison(f"featurize {len(formulas)} compositions (146 features: Magpie + valence + stoichiometry)",
                      "compositions/s", f"build the featurizer, featurize all {len(formulas)}", ours, peer,
                      f"largest difference between the two feature matrices: {difference:.3g}",
                      {"max_abs_difference": difference, "n_compositions": len(formulas)})


#: the benchmark system of `bench mc`: fcc, a = 4 A, pairs to the 3rd neighbour plus the NN triplet (ECIs in eV/site)
MC_BENCH_ECIS = {"0": 0.0, "1": 0.0, "2_2.828": 0.020, "2_4.000": -0.004, "2_4.899": 0.002, "3_2.828": 0.001}
#: dilute barriers E_0 (eV) of the KMC benchmark, per species; ours take them as (+1, -1) = (Cu, Pt)
KMC_BENCH_BARRIERS = {"Cu": 0.5, "Pt": 0.6}
#: the attempt frequency of both KMC codes, 1/s (CLEASE's default is 1e4; ours 1e13)
KMC_BENCH_PREFACTOR = 1e13
_CLEASE_NAMES = ["c0", "c1_0", "c2_d0000_0_00", "c2_d0001_0_00", "c2_d0002_0_00", "c3_d0000_0_000"]
CLEASE_MC = "CLEASE Montecarlo (C++ energy updates, Python loop)"
CLEASE_KMC = "CLEASE KineticMonteCarlo (C++ energy updates, Python loop)"


def _bench_space():
    """The cluster space and ECIs of the MC and KMC benchmarks (fcc Cu-Pt, a = 4 A)."""
    from ase.build import bulk

    from matsci_ml.cluster_expansion import ClusterSpace

    space = ClusterSpace(bulk("Cu", "fcc", a=4.0), {2: 5.0, 3: 3.0}, ("Cu", "Pt"))
    return space, np.array([MC_BENCH_ECIS[name] for name in space.names])


def _bench_atoms(repeat: int, seed: int):
    """The random 50/50 Cu-Pt fcc cell (4 repeat^3 sites) of the MC and KMC benchmarks."""
    from ase.build import bulk

    atoms = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(repeat)
    symbols = np.array(["Cu", "Pt"] * (len(atoms) // 2))
    np.random.default_rng(seed).shuffle(symbols)
    atoms.symbols = symbols
    return atoms


def _clease_settings(folder: str, basis: list):
    from clease.settings import CEBulk, Concentration

    return CEBulk(Concentration(basis_elements=[basis]), crystalstructure="fcc", a=4.0, size=[3, 3, 3],
                  max_cluster_dia=[5.0, 4.1], db_name=f"{folder}/clease.db")


def clease_vacancy_ecis(settings, space, ecis, *, n_configurations: int = 60, seed: int = 0) -> tuple[dict, float]:
    """CLEASE ECIs in ``settings``' ternary (Cu, Pt, X) basis for our binary model with the vacancy as sigma = 0.

    Our vacancy model, :math:`E = J_0 + \\sum_\\alpha J_\\alpha \\prod_{i \\in \\alpha} \\sigma_i` with
    :math:`\\sigma = +1, -1, 0` for Cu, Pt and the vacancy X, is a function of each site's three states, so CLEASE's
    ternary expansion on the same clusters holds it exactly, but with other ECIs than the binary ones (its basis
    functions are not sigma). They are fitted by least squares to our energies on ``n_configurations`` random
    configurations (0-40 % vacancies) of a 108-site cell. Returns the ECIs and the largest residual, eV/site.
    """
    from ase.build import bulk
    from clease.corr_func import CorrFunction
    from clease.tools import wrap_and_sort_by_position

    from matsci_ml.monte_carlo.alloy_kinetics import _energy_with_vacancy

    cell = bulk("Cu", "fcc", a=4.0, cubic=True).repeat(3)
    hamiltonian = space.hamiltonian(cell, ecis, tables="site")
    correlations = CorrFunction(settings)
    rng = np.random.default_rng(seed)
    rows, energies = [], []
    for _ in range(n_configurations):
        x_vacancy, x_cu = rng.uniform(0.0, 0.4), rng.uniform(0.1, 0.9)
        symbols = rng.choice(["Cu", "Pt", "X"], size=len(cell),
                             p=[(1 - x_vacancy) * x_cu, (1 - x_vacancy) * (1 - x_cu), x_vacancy])
        configuration = cell.copy()
        configuration.symbols = symbols
        configuration = wrap_and_sort_by_position(configuration)        # CLEASE's site order (get_cf assumes it)
        spins = np.select([symbols == "Cu", symbols == "Pt"], [1.0, -1.0], 0.0)
        energies.append(_energy_with_vacancy(hamiltonian, spins) / len(cell))
        values = correlations.get_cf(configuration)
        names = list(values)
        rows.append([values[name] for name in names])
    rows, energies = np.array(rows), np.array(energies)
    solution = np.linalg.lstsq(rows, energies, rcond=None)[0]
    return dict(zip(names, solution)), float(np.abs(rows @ solution - energies).max())


def _clease_kmc(folder: str, atoms, vacancy_ecis: dict, temperature_K: float):
    """CLEASE's KMC on ``atoms`` (a copy, the vacancy at site 0) with the barrier model and prefactor of ours; the
    KMC, its atoms (in CLEASE's site order) and the vacancy's index in them."""
    from clease.calculator import attach_calculator
    from clease.montecarlo import BEPBarrier, KineticMonteCarlo, NeighbourSwap

    settings = _clease_settings(folder, ["Cu", "Pt", "X"])
    peer_atoms = atoms.copy()
    peer_atoms.symbols[0] = "X"
    peer_atoms = attach_calculator(settings, atoms=peer_atoms, eci=vacancy_ecis)
    kmc = KineticMonteCarlo(peer_atoms, temperature_K, BEPBarrier(KMC_BENCH_BARRIERS),
                            [NeighbourSwap(peer_atoms, 0.75 * 4.0)])
    kmc.attempt_freq = KMC_BENCH_PREFACTOR
    return kmc, peer_atoms, _clease_vacancy(peer_atoms)


def _clease_vacancy(peer_atoms) -> int:
    """Where the vacancy is: attach_calculator sorts the sites by position, so it is no longer at index 0."""
    return int(np.flatnonzero(np.asarray(peer_atoms.symbols) == "X")[0])


def _repeat_for(n_sites: int) -> int:
    repeat = round((n_sites / 4) ** (1 / 3))
    if 4 * repeat ** 3 != n_sites:
        raise ValueError(f"{n_sites} sites is not a cubic fcc cell 4 n^3 (e.g. 4000, 32000, 256000); "
                         f"the nearest are {4 * repeat ** 3} and {4 * (repeat + 1) ** 3}")
    return repeat


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Ours:
    """Our side of :func:`bench_mc` / :func:`bench_kmc` at one size: setup, end-to-end run and kernel rate."""

    def __init__(self, task: str, n_sites: int, temperature_K: float, seed: int):
        self.task, self.n_sites, self.seed = task, n_sites, seed
        self.cells = _repeat_for(n_sites)
        self.atoms = _bench_atoms(self.cells, seed)
        self.kT = KB_EV_PER_K * temperature_K
        self.options = dict(kT=self.kT, barrier=tuple(KMC_BENCH_BARRIERS.values()), prefactor=KMC_BENCH_PREFACTOR,
                            seed=seed)
        self.chunk = max(n_sites, 2_000_000 // n_sites * n_sites) if task == "mc" else 500_000

    def setup(self):
        """``(hamiltonian, spins, model)`` from the cluster space: the setup part of the end-to-end time."""
        from matsci_ml.monte_carlo import VacancyKMC, neighbour_table

        space, ecis = _bench_space()
        hamiltonian = space.hamiltonian(self.atoms, ecis)
        spins = space.occupations(self.atoms)
        if self.task == "mc":
            return hamiltonian, spins, hamiltonian
        return hamiltonian, spins, VacancyKMC(hamiltonian, neighbour_table("fcc", self.cells), lattice_constant=4.0)

    def run(self, model, spins, n: int) -> float:
        """``n`` attempted swaps (whole sweeps, at least one) or ``n`` events; the final energy."""
        from matsci_ml.monte_carlo import metropolis_swaps

        if self.task == "mc":
            sweeps = max(1, n // self.n_sites)
            return model.energy(metropolis_swaps(model, spins, kT=self.kT, n_sweeps=sweeps, seed=self.seed).spins)
        return model.run(spins, 0, n_events=n, **self.options).energy

    def kernel_rate(self, model, spins, seconds: float) -> float:
        """Steady-state attempted swaps/s or events/s (numba compiled, caches warm), over >= ``seconds``."""
        from matsci_ml.monte_carlo import metropolis_swaps

        state = {"spins": spins}
        if self.task == "mc":
            def step(n):
                state["spins"] = metropolis_swaps(model, state["spins"], kT=self.kT, n_sweeps=max(1, n // self.n_sites),
                                                  seed=self.seed).spins
        else:
            def step(n):
                model.run(spins, 0, n_events=n, **self.options)
        return _timed_rate(step, self.chunk, seconds, warm_up=False)


def _one_size(task: str, n_sites: int, temperature_K: float, repeat: int, seconds: float, peer: bool, seed: int,
              workload: int, reference_sites: int | None = None) -> Comparison:
    """One size of :func:`bench_mc` or :func:`bench_kmc`, run in its own process (so its peak memory is its own).

    With ``reference_sites``, each repeat also times our kernel at that size right after this one, in this process,
    so that the rate at this size over the rate at the reference size is a back-to-back ratio (the machine's speed
    drifts by 10-20 % between processes a minute apart, more than the effect of the size)."""
    import tempfile

    ours_at = _Ours(task, n_sites, temperature_K, seed)
    atoms, kT, ours_setup, ours_run = ours_at.atoms, ours_at.kT, ours_at.setup, ours_at.run
    reference = None

    hamiltonian, spins, model = ours_setup()
    ours_run(model, spins, 10)                                  # compile or load numba's cache, untimed
    if task == "mc":
        tables = hamiltonian.table_bytes
    else:
        tables = model.hamiltonian.table_bytes + sum(a.nbytes for a in model.jump_tables)
    ours = Side("ours (matsci_ml, numba)")
    size_ratios = []
    peer_side = Side(CLEASE_MC if task == "mc" else CLEASE_KMC)
    agreement = ""
    if not peer:
        peer_side.note = f"not run at {n_sites:,} sites"
    else:
        try:
            import clease  # noqa: F401
        except ImportError:
            peer_side.note = "not installed (pip install -e '.[bench]')"
    space, ecis = _bench_space()
    vacancy_ecis = None
    if task == "kmc" and not peer_side.note:
        with tempfile.TemporaryDirectory() as folder:        # our model in CLEASE's basis: a translation, untimed
            vacancy_ecis, residual = clease_vacancy_ecis(_clease_settings(folder, ["Cu", "Pt", "X"]), space, ecis)
        agreement = (f"same model: CLEASE's ternary (Cu, Pt, X) ECIs fitted to ours (vacancy sigma = 0), largest residual "
                     f"{residual:.1e} eV/site on 60 random configurations; BEP barriers E_0 = 0.5 (Cu) / 0.6 (Pt) eV "
                     f"+ dE/2 and attempt frequency 1e13 /s on both sides")
    for _ in range(repeat):
        start = time.perf_counter()
        hamiltonian, spins, model = ours_setup()
        ours.setup_s.append(time.perf_counter() - start)
        ours_run(model, spins, workload)
        ours.end_to_end_s.append(time.perf_counter() - start)
        ours.kernel_rate.append(ours_at.kernel_rate(model, spins, seconds))
        if len(ours.kernel_rate) == 1:
            peak_mb = _peak_mb()                                    # ours only: before CLEASE runs in this process
        if reference_sites and reference_sites != n_sites:
            if reference is None:
                reference = _Ours(task, reference_sites, temperature_K, seed)
                reference_model = reference.setup()
                reference.run(reference_model[2], reference_model[1], 10)
            size_ratios.append(ours.kernel_rate[-1] / reference.kernel_rate(reference_model[2], reference_model[1],
                                                                             seconds))
        if peer_side.note:
            continue
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            if task == "mc":
                from clease.calculator import attach_calculator
                from clease.montecarlo import Montecarlo

                peer_atoms = attach_calculator(_clease_settings(folder, ["Cu", "Pt"]), atoms=atoms.copy(),
                                               eci=dict(zip(_CLEASE_NAMES, ecis)))
                mc = Montecarlo(peer_atoms, temperature_K)
                peer_side.setup_s.append(time.perf_counter() - start)
                difference = abs(peer_atoms.get_potential_energy() - hamiltonian.energy(spins)) / n_sites
                mc.run(steps=workload)
                mc.evaluator.get_energy()
                peer_side.end_to_end_s.append(time.perf_counter() - start)
                peer_side.kernel_rate.append(_timed_rate(lambda n: mc.run(steps=n), 20_000, seconds))
                agreement = (f"same model: energy of the starting configuration, ours vs CLEASE, {difference:.1e} "
                             "eV/site apart")
            else:
                kmc, peer_atoms, vacancy = _clease_kmc(folder, atoms, vacancy_ecis, temperature_K)
                peer_side.setup_s.append(time.perf_counter() - start)
                kmc.run(workload, vacancy)
                kmc.evaluator.get_energy()
                peer_side.end_to_end_s.append(time.perf_counter() - start)
                peer_side.kernel_rate.append(_timed_rate(lambda n: kmc.run(n, _clease_vacancy(peer_atoms)), 1_000,
                                                         seconds))
    details = {"sites": n_sites, "peak_mb": peak_mb, "table_kb": tables / 1024}
    if size_ratios:
        details.update(reference_sites=reference_sites, rate_over_reference=size_ratios)
    if task == "mc":
        title = (f"canonical swap Monte Carlo, {n_sites:,}-site fcc Cu-Pt 50/50, pairs to the 3rd neighbour + NN "
                 f"triplet, {temperature_K:.0f} K")
        what = (f"cluster space or CLEASE settings, tables, {workload // n_sites} sweeps = {workload:,} attempted swaps, "
                "final energy")
        return Comparison(title, "attempted swaps/s", what, ours, peer_side, agreement, details)
    title = (f"vacancy kinetic MC with CE (BEP) barriers, {n_sites:,}-site fcc Cu-Pt 50/50, pairs to the 3rd neighbour "
             f"+ NN triplet, {temperature_K:.0f} K")
    what = f"cluster space or CLEASE settings, tables and jumps, {workload:,} events, final energy"
    return Comparison(title, "events/s", what, ours, peer_side, agreement, details)


def _bench_sizes(task: str, sizes, temperature_K: float, repeat: int, seconds: float, peer_max_sites: int, seed: int,
                 workload) -> Report:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    repeat = _check_repeat(repeat)
    for n in sizes:
        _repeat_for(n)
    comparisons = []
    for n in sizes:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            comparisons.append(pool.submit(_one_size, task, n, temperature_K, repeat, seconds, n <= peer_max_sites,
                                           seed, workload(n), sizes[0]).result())
    return Report(comparisons)


def bench_mc(sizes=(4000, 32000), *, repeat: int = 3, seconds: float = 1.0, temperature_K: float = 2000.0,
             sweeps: int = 10, peer_max_sites: int = 32000, seed: int = 0) -> Report:
    """Canonical swap Monte Carlo on fcc Cu-Pt 50/50 (4 n^3 sites each), above the ordering temperature, ours and
    CLEASE's on the same cluster space, ECIs and starting configuration (their energies are compared).

    Each size runs in a fresh process (its peak memory is its own); CLEASE up to ``peer_max_sites``. End to end:
    ``sweeps`` sweeps of attempted swaps.
    """
    return _bench_sizes("mc", sizes, temperature_K, repeat, seconds, peer_max_sites, seed, lambda n: sweeps * n)


def bench_kmc(sizes=(4000, 32000), *, repeat: int = 3, seconds: float = 1.0, temperature_K: float = 1000.0,
              events: int = 20_000, peer_max_sites: int = 32000, seed: int = 0) -> Report:
    """Vacancy kinetic MC with CE barriers on fcc Cu-Pt 50/50, ours and CLEASE's ``KineticMonteCarlo`` on the same
    model: E_a = E_0 + (E_after - E_before)/2, E_0 = 0.5 eV (Cu) / 0.6 eV (Pt), attempt frequency 1e13 /s, and
    CLEASE's ternary (Cu, Pt, X) ECIs fitted to our energies with the vacancy as sigma = 0
    (:func:`clease_vacancy_ecis`). Sizes, processes and repeats as in :func:`bench_mc`; end to end: ``events`` events.
    """
    return _bench_sizes("kmc", sizes, temperature_K, repeat, seconds, peer_max_sites, seed, lambda n: events)


def bench_mtp(*, repeat: int = 3, train: bool = True, level: int = 16):
    """MTP: ours vs motep's C extension, kernel and end to end, and a timed Mo fit of ``level``
    (:mod:`matsci_ml.mtp.benchmark`)."""
    from matsci_ml.mtp.benchmark import bench_mtp as run

    return run(repeat=repeat, train=train, level=level)


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


#: the rows of README's benchmark table: file stem of the saved `--json` output, comparison index, label, unit
_README_ROWS = [("featurize", 0, "featurize 4604 compositions vs matminer", "/s"),
                ("mc", 0, "MC swaps, 4,000 sites, vs CLEASE", "/s"), ("mc", 1, "MC swaps, 32,000 sites, vs CLEASE", "/s"),
                ("kmc", 0, "KMC events, 4,000 sites, vs CLEASE", "/s"), ("kmc", 1, "KMC events, 32,000 sites, vs CLEASE", "/s"),
                ("mtp", 0, "MTP level 16, 256 atoms, vs motep", " atom-steps/s")]


def readme_table(folder) -> str:
    """README's benchmark table from the saved ``--json`` outputs in ``folder`` (``<task>.<n>.json``, one per
    invocation): per figure, the median of the invocations' medians and the range over all their runs."""
    import json
    from pathlib import Path

    def comparisons(data):
        return data["comparisons"] if "comparisons" in data else [data["speed"] if "speed" in data else data]

    def summary(values_per_run, per_invocation):
        everything = [v for values in values_per_run for v in values]
        return float(np.median(per_invocation)), min(everything), max(everything)

    lines = ["| comparison | ours, kernel | peer, kernel | kernel ratio | ours, end to end | peer, end to end | "
             "end-to-end ratio |", "|---|---|---|---|---|---|---|"]
    for stem, index, label, unit in _README_ROWS:
        files = sorted(Path(folder).glob(f"{stem}.*.json"))
        if not files:
            raise FileNotFoundError(f"no saved runs {stem}.*.json in {folder}: run `matsci-ml bench {stem} --json`")
        runs = [Comparison.from_dict(comparisons(json.loads(f.read_text()))[index]) for f in files]
        figures = []
        for values in (lambda c: c.ours.kernel_rate, lambda c: c.peer.kernel_rate, Comparison.kernel_ratios,
                       lambda c: c.ours.end_to_end_s, lambda c: c.peer.end_to_end_s, Comparison.end_to_end_ratios):
            figures.append(summary([values(c) for c in runs], [spread(values(c))["median"] for c in runs]))
        (ok, _, _), (pk, _, _), kr, (oe, _, _), (pe, _, _), er = figures
        ratio = "{:.0f}".format if kr[0] >= 10 else "{:.1f}".format
        lines.append(f"| {label} | {_si(ok)}{unit} | {_si(pk)}{unit} | **{ratio(kr[0])}×** ({ratio(kr[1])}–{ratio(kr[2])}) "
                     f"| {oe:.3g} s | {pe:.3g} s | **{er[0]:.2g}×** ({er[1]:.2g}–{er[2]:.2g}) |")
    return "\n".join(lines)
