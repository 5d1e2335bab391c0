"""Hand a training set and a potential over to mlip-2 (``mlp``) and its LAMMPS interface (``pair_style mlip``).

:func:`export_for_mlip2` writes, into one folder,

* ``train.cfg`` (and ``test.cfg`` if given): the configurations in mlip-2's ``.cfg`` format
  (:mod:`~matsci_ml.mtp.cfg_file`), types in the potential's species order;
* ``pot.mtp``: the potential in mlip-2's ``.mtp`` format (:mod:`~matsci_ml.mtp.mtp_file`), trained or a template;
* ``mlip.ini``: the settings file that LAMMPS's ``pair_style mlip mlip.ini`` reads (the potential, no selection;
  after ``mlp train``, change its ``mtp-filename`` to the trained file);

and returns the ``mlp`` command lines that continue the work there (:data:`MLIP2_COMMANDS`).
"""

from __future__ import annotations

from pathlib import Path

from matsci_ml.mtp.cfg_file import write_cfg
from matsci_ml.mtp.mtp_file import write_mtp
from matsci_ml.mtp.potential import MomentTensorPotential

#: what to run in the exported folder with mlip-2 (``mlp help COMMAND`` documents each)
MLIP2_COMMANDS = (
    "mlp train pot.mtp train.cfg --trained-pot-name=trained.mtp   # fit (starts from pot.mtp's coefficients)",
    "mlp calc-errors trained.mtp test.cfg                         # energy, force and stress errors",
    "mlp calc-efs trained.mtp test.cfg efs.cfg                    # energies, forces, stresses of each configuration",
    "lmp -in in.lammps   # LAMMPS with mlip-2's interface: pair_style mlip mlip.ini / pair_coeff * *",
)


def export_for_mlip2(folder, potential: MomentTensorPotential, train, test=None) -> list[str]:
    """Write ``train.cfg`` (``test.cfg``), ``pot.mtp`` and ``mlip.ini`` into ``folder``; return mlip-2's next commands.

    ``train``/``test``: labelled ASE frames whose elements are among ``potential.symbols`` (type ``i`` is
    ``potential.symbols[i]``, the order mlip-2 reads from the ``.mtp`` file).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_cfg(train, folder / "train.cfg", potential.symbols)
    if test is not None:
        write_cfg(test, folder / "test.cfg", potential.symbols)
    write_mtp(potential, folder / "pot.mtp")
    (folder / "mlip.ini").write_text("mtp-filename pot.mtp\nselect FALSE\n")
    return list(MLIP2_COMMANDS if test is not None else MLIP2_COMMANDS[:1])


__all__ = ["MLIP2_COMMANDS", "export_for_mlip2"]
