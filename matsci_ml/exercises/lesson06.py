"""Exercises of lesson 06, moment tensor potentials."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register

register(Exercise(
    id="06.levels",
    prompt=("The level of M_{mu,nu} is 2 + 4 mu + nu, and levels add under products and contractions. What are the "
            "levels of (a) M_{1,1} . M_{0,1} (one index contracted) and (b) M_{0,0}^2 M_{1,0}? Is either in the "
            "level-8 basis? Answer {'a': ..., 'b': ..., 'in_level_8': True/False}."),
    hint="(2 + 4 + 1) + (2 + 0 + 1) for (a); 2 + 2 + (2 + 4) for (b). The level-8 basis holds levels up to 8.",
    solution_code='''answer = {"a": (2 + 4 * 1 + 1) + (2 + 4 * 0 + 1), "b": 2 * 2 + (2 + 4 * 1), "in_level_8": False}''',
    compare=numbers_close(0),
))

register(Exercise(
    id="06.parameters",
    prompt=("How many parameters has a level-16 MTP for a binary alloy (two species) with 8 Chebyshev polynomials "
            "per radial function? Count the moment coefficients, one energy per species and the radial coefficients "
            "(one set per ordered species pair). Answer {'n': ...}."),
    hint="92 basis functions at level 16; mu goes up to 3, so 4 radial functions; 2 x 2 ordered pairs.",
    solution_code='''from matsci_ml.mtp import MomentBasis
answer = {"n": MomentBasis(16).parameter_count(n_species=2, radial_basis_size=8)}''',
    compare=numbers_close(0),
))

register(Exercise(
    id="06.loss-balance",
    prompt=("With the 'vibrations' scaling, a 54-atom configuration enters the loss as "
            "w_e/N (E - E_ref)^2 + w_f sum |F - F_ref|^2. Take w_e = 1, w_f = 0.01, an energy error of 5 meV/atom and an "
            "error of 0.1 eV/A on every force component. How large is each term (eV^2), and their ratio "
            "force/energy? Answer {'energy': ..., 'force': ..., 'ratio': ...}."),
    hint="The total energy error is 54 x 0.005 eV; there are 3 x 54 force components.",
    solution_code='''n = 54
energy = 1.0 / n * (n * 0.005) ** 2
force = 0.01 * 3 * n * 0.1 ** 2
answer = {"energy": energy, "force": force, "ratio": force / energy}''',
    compare=numbers_close(1e-6),
))

register(Exercise(
    id="06.cutoff-neighbours",
    prompt=("The cost of an MTP grows with the number of neighbours inside R_cut. How many neighbours has an atom of "
            "bcc Mo (a = 3.16 A) within 4.0 A, within 5.0 A and within 6.0 A? Use ase.neighborlist.neighbor_list "
            "on a small periodic cell. Answer {'4.0': ..., '5.0': ..., '6.0': ...}."),
    hint=("bulk('Mo', 'bcc', a=3.16) has one atom; neighbor_list('i', atoms, cutoff) lists each pair from "
          "both ends, so its length is the number of neighbours of that atom."),
    solution_code='''from ase.build import bulk
from ase.neighborlist import neighbor_list
mo = bulk("Mo", "bcc", a=3.16)
answer = {str(r): len(neighbor_list("i", mo, r)) for r in (4.0, 5.0, 6.0)}''',
    compare=numbers_close(0),
))
