"""Exercises of lesson 04, the cluster expansion."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register

register(Exercise(
    id="04.count-configurations",
    prompt=("A 16-site binary alloy: how many configurations are there in all, and how many with exactly "
            "8 atoms of each kind? Answer {'total': ..., 'half': ...}."),
    hint="Each site is A or B: 2**16. Choosing which 8 sites hold A: math.comb(16, 8).",
    solution_code='''import math
answer = {"total": 2 ** 16, "half": math.comb(16, 8)}''',
    compare=numbers_close(0.5),
))

register(Exercise(
    id="04.l12-correlations",
    prompt=("Cu3Pt in the L1_2 structure (Pt on the cube corners, Cu on the face centres, sigma = +1 for Cu). "
            "By counting neighbours, give the point correlation <sigma>, the nearest-neighbour pair correlation "
            "and the second-neighbour pair correlation. Answer {'point': ..., 'nn': ..., 'second': ...}; "
            "then check with ClusterSpace.correlations."),
    hint=("<sigma> = x(+1) + (1-x)(-1). A Pt has 12 Cu neighbours; a Cu has 4 Pt and 8 Cu. Average sigma_i sigma_j "
          "over all NN bonds. Second neighbours (a along a cube axis) sit on the same simple-cubic sublattice."),
    solution_code='''# per cubic cell: 1 Pt x 12 unlike bonds, 3 Cu x (4 unlike + 8 like); each bond counted from both ends
nn = (1 * 12 * -1 + 3 * (4 * -1 + 8 * +1)) / (4 * 12)
answer = {"point": 0.75 * 1 + 0.25 * -1, "nn": nn, "second": 1.0}''',
    compare=numbers_close(1e-3),
))

register(Exercise(
    id="04.cutoff-and-cv",
    prompt=("Refit the Cu-Pt expansion with pairs only, up to the second neighbour (cutoffs {2: 4.0}), by OLS, "
            "and compute its leave-one-out CV RMSE in meV/site. Compare with the lesson's expansion. Answer "
            "{'cv_short': ..., 'cv_lesson': ...}; which one would you trust for Monte Carlo, and why?"),
    hint=("space = ClusterSpace(cupt_parent(), {2: 4.0}, ('Cu', 'Pt')); X = space.correlation_matrix(labels.structures); "
          "cv_rmse(ClusterExpansionRegressor(method='ols'), X, labels.mixing_energy, cv='loo') * 1000."),
    solution_code='''from matsci_ml.cluster_expansion import ClusterExpansionRegressor, ClusterSpace, cv_rmse
from matsci_ml.cluster_expansion.lesson_setup import CUPT_CUTOFFS, cupt_parent, cupt_training_set
labels = cupt_training_set()
scores = {}
for name, cutoffs in [("cv_short", {2: 4.0}), ("cv_lesson", CUPT_CUTOFFS)]:
    X = ClusterSpace(cupt_parent(), cutoffs, ("Cu", "Pt")).correlation_matrix(labels.structures)
    scores[name] = 1000 * cv_rmse(ClusterExpansionRegressor(method="ols"), X, labels.mixing_energy, cv="loo")
answer = scores''',
    compare=numbers_close(0.05),
))

register(Exercise(
    id="04.ag-pd-does-not-order",
    prompt=("Label the Ag-Pd fcc structures with up to 4 atoms with EMT, unrelaxed (relax='none'; lattice "
            "constant 4.0 A for the enumeration). How many have a negative mixing energy, and what is the lowest "
            "mixing energy of a mixed structure (0 < x < 1) in meV/site? Answer {'negative': ..., 'lowest': ...}. What does it say about ordering?"),
    hint=("enumerate_structures(bulk('Ag', 'fcc', a=4.0), range(1, 5), ('Ag', 'Pd')), then "
          "label_structures(structures, ('Ag', 'Pd'), relax='none'). The pure elements have exactly 0."),
    solution_code='''from ase.build import bulk
from matsci_ml.cluster_expansion import enumerate_structures, label_structures
structures = enumerate_structures(bulk("Ag", "fcc", a=4.0), range(1, 5), ("Ag", "Pd"))
labels = label_structures(structures, ("Ag", "Pd"), relax="none")
mixed = (labels.concentration > 0) & (labels.concentration < 1)
answer = {"negative": int((labels.mixing_energy < -1e-9).sum()), "lowest": 1000 * labels.mixing_energy[mixed].min()}''',
    compare=numbers_close(0.05),
))
