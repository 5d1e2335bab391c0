"""Exercises of lesson 05, Monte Carlo."""

from __future__ import annotations

from matsci_ml.exercises import Exercise, numbers_close, register, relative_close

register(Exercise(
    id="05.acceptance",
    prompt=("A proposed swap raises the energy by 50 meV. What is its Metropolis acceptance probability at 300 K "
            "and at 1000 K? (k_B = 8.617330e-5 eV/K, ase.units.kB.) Answer {'p300': ..., 'p1000': ...}."),
    hint="p = min(1, exp(-dE / (k_B T))) with dE in eV.",
    solution_code='''import math
from ase.units import kB
answer = {"p300": math.exp(-0.050 / (kB * 300)), "p1000": math.exp(-0.050 / (kB * 1000))}''',
    compare=numbers_close(1e-4),
))

register(Exercise(
    id="05.heat-capacity",
    prompt=("A 500-site Monte Carlo run at k_B T = 0.05 eV samples total energies with a standard deviation of "
            "0.3 eV. What is the heat capacity per site in units of k_B? Answer {'c': ...}."),
    hint="C / (N k_B) = Var(E) / (N (k_B T)^2), everything in eV.",
    solution_code='''answer = {"c": 0.3 ** 2 / (500 * 0.05 ** 2)}''',
    compare=numbers_close(1e-6),
))

register(Exercise(
    id="05.onsager-tc",
    prompt=("Onsager's critical temperature of the square-lattice Ising model is 2 / ln(1 + sqrt 2) in units of J/k_B. "
            "Compute it, and the Binder-cumulant estimate from the lesson's scan. Answer {'exact': ..., 'ours': ...}."),
    hint="math.log, math.sqrt; the lesson's estimate is in the variable tc_estimate.",
    solution_code='''import math
answer = {"exact": 2 / math.log(1 + math.sqrt(2)), "ours": tc_estimate}''',
    compare=numbers_close(1e-4),
    context_names=("tc_estimate",),
))

register(Exercise(
    id="05.random-walk",
    prompt=("A vacancy in fcc copper jumps to each of its 12 neighbours at a rate of 1e9 per second; the jump length "
            "is 2.55 A. What is the vacancy's diffusion coefficient in m^2/s, and the tracer diffusion coefficient of "
            "the atoms when the vacancy fraction is 1e-4 (use the fcc correlation factor 0.7815)? Answer "
            "{'d_vacancy': ..., 'd_tracer': ...}."),
    hint=("D = Gamma_total a^2 / (2 d) with Gamma_total = 12e9 /s, a in metres, d = 3. An atom moves only when "
          "the vacancy visits it: D* = f x_v D_vacancy."),
    solution_code='''d_vacancy = 12e9 * (2.55e-10) ** 2 / 6
answer = {"d_vacancy": d_vacancy, "d_tracer": 0.7815 * 1e-4 * d_vacancy}''',
    compare=relative_close(1e-3),
))
