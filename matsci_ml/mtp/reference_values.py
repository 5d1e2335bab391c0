"""Published numbers the MTP lesson compares with, and the shipped Mo potential.

* Zuo et al., J. Phys. Chem. A 124, 731 (2020): test-set MAE of MTP on the mlearn data.
* Novikov et al., Mach. Learn.: Sci. Technol. 2, 025002 (2021): bcc Mo with a level-16 MTP on their own
  DFT data (different settings from mlearn's: compare in spirit, not digit for digit).
"""

from __future__ import annotations

from matsci_ml.paths import SHIPPED_DATA_DIR

#: level-16 MTP trained on mlearn Mo by datasets/mtp/train_mo_mtp.py (seed 0)
SHIPPED_MO_MTP = SHIPPED_DATA_DIR / "mtp" / "Mo_level16.mtp"
#: five level-16 fits that differ only in the seed of the initial radial coefficients (seed 0 first)
SHIPPED_MO_ENSEMBLE = [SHIPPED_MO_MTP] + [SHIPPED_DATA_DIR / "mtp" / f"Mo_level16_seed{k}.mtp" for k in range(1, 5)]

#: element -> (energy MAE meV/atom, force MAE eV/A) of MTP on the mlearn test sets (Zuo et al. 2020)
ZUO_2020_MTP_TEST_MAE = {"Mo": (2.83, 0.09), "Si": (2.21, 0.06), "Ge": (1.79, 0.05), "Li": (0.49, 0.01)}

#: bcc Mo elastic constants (GPa): DFT, and the MLIP paper's level-16 MTP ensemble (mean, spread)
MO_DFT_ELASTIC_GPA = {"C11": 472.0, "C12": 154.0, "C44": 95.0}
MO_MLIP_PAPER_ELASTIC_GPA = {"C11": (466.0, 22.0), "C12": (161.0, 20.0), "C44": (98.0, 14.0)}
MO_MLIP_PAPER_DFT_LATTICE_A = 3.15918
#: validation RMSE of the MLIP paper's Mo MTP: energy meV/atom, force meV/A, stress GPa
MO_MLIP_PAPER_VALIDATION_RMSE = {"energy_mev_per_atom": 5.1, "force_mev_per_a": 180.0, "stress_gpa": 0.46}
