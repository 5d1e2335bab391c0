"""CHGNet and SevenNet-0 as ASE calculators, loaded from the files inside their PyPI wheels (no download).

* **CHGNet** 0.3.0 (Deng *et al.*, *Nat. Mach. Intell.* 5, 1031 (2023)): a crystal graph network with bond and
  angle updates and magnetic moments, 412,525 parameters, trained on the Materials Project trajectory data set
  (MPtrj: PBE and PBE+U relaxations). Weights: ``chgnet/pretrained/0.3.0/`` in the ``chgnet`` wheel.
* **SevenNet-0** (11 July 2024; Park *et al.*, *J. Chem. Theory Comput.* 20, 4857 (2024)): the NequIP
  architecture, trained on MPtrj. Weights: ``sevenn/pretrained_potentials/SevenNet_0__11Jul2024/`` in the
  ``sevenn`` wheel.

Both run on the CPU here; neither touches the network (``tests/universal`` loads them with sockets blocked). Both
are float32 models: nequip (lesson 08) sets torch's default dtype to float64 for the whole process, which breaks
them, so they are loaded and called with float32 as the default and the caller's default restored afterwards.
"""

from __future__ import annotations

import contextlib
import copy
from importlib import resources
from pathlib import Path

from ase.calculators.calculator import Calculator, all_changes

#: name -> (package, folder of the weights inside it, a file that must be there)
UNIVERSAL_MODELS = {
    "chgnet": ("chgnet", "pretrained/0.3.0", "chgnet_0.3.0_e29f68s314m37.pth.tar"),
    "sevennet-0": ("sevenn", "pretrained_potentials/SevenNet_0__11Jul2024", "checkpoint_sevennet_0.pth"),
}


def checkpoint_path(name: str) -> Path:
    """The weights file of universal model ``name``, inside its installed package."""
    if name not in UNIVERSAL_MODELS:
        raise ValueError(f"unknown universal model {name!r}; the course ships {', '.join(UNIVERSAL_MODELS)}")
    package, folder, filename = UNIVERSAL_MODELS[name]
    try:
        root = Path(str(resources.files(package)))
    except ModuleNotFoundError:
        raise ModuleNotFoundError(f"{package} is not installed; `pip install -e .` installs it (lesson 10 needs it)") \
            from None
    path = root / folder / filename
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the {package} wheel should ship it; reinstall {package}")
    return path


def release_freed_memory() -> None:
    """Return freed heap memory to the operating system (glibc's ``malloc_trim``; a no-op elsewhere).

    Evaluating a model on a few dozen cells leaves hundreds of MB of freed autograd buffers in the process's
    heap, still counted in its resident memory; a 2 GB Binder session needs them back before training.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@contextlib.contextmanager
def _default_dtype_float32():
    import torch

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


class UniversalCalculator(Calculator):
    """ASE calculator of a universal model: energy (eV), forces (eV/Å), stress (eV/Å³), computed in float32.

    A thin wrapper around the package's own calculator (``inner``) that (1) runs it with float32 as torch's default
    dtype and restores the caller's, and (2) can be deep-copied cheaply: the copies share the network, which is
    only read, so the active-learning loop and :func:`~matsci_ml.atomistic.relax.relax_all` may take a fresh
    calculator per job (:func:`~matsci_ml.atomistic.oracle.fresh_calculator`) without loading the weights again.
    ``parameters`` names the model, so :func:`~matsci_ml.atomistic.oracle.oracle_key` tells two models apart.
    """

    implemented_properties = ["energy", "free_energy", "forces", "stress"]

    def __init__(self, name: str, inner, **kwargs):
        super().__init__(**kwargs)
        self.parameters = {"model": name}
        self.model_name = name
        self.inner = inner

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        with _default_dtype_float32():
            self.inner.calculate(self.atoms, list(properties), all_changes)
        self.results = {k: v for k, v in self.inner.results.items() if k in self.implemented_properties}
        self.results.setdefault("free_energy", self.results["energy"])

    def __deepcopy__(self, memo):
        inner = copy.copy(self.inner)        # shares the network; results and atoms are per copy
        inner.results, inner.atoms = {}, None
        return UniversalCalculator(self.model_name, inner)


def universal_calculator(name: str = "chgnet") -> UniversalCalculator:
    """An ASE calculator of universal model ``name`` (``"chgnet"`` or ``"sevennet-0"``) on the CPU."""
    path = checkpoint_path(name)
    with _default_dtype_float32():
        if name == "chgnet":
            from chgnet.model import CHGNet
            from chgnet.model.dynamics import CHGNetCalculator

            inner = CHGNetCalculator(CHGNet.from_file(str(path), verbose=False), use_device="cpu")
        else:
            from sevenn.calculator import SevenNetCalculator

            inner = SevenNetCalculator(str(path), device="cpu")
    return UniversalCalculator(name, inner)
