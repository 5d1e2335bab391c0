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
import functools
from importlib import resources
from pathlib import Path

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


@contextlib.contextmanager
def _default_dtype_float32():
    import torch

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def _in_float32(function):
    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        with _default_dtype_float32():
            return function(*args, **kwargs)

    return wrapped


def universal_calculator(name: str = "chgnet"):
    """An ASE calculator of universal model ``name`` (``"chgnet"`` or ``"sevennet-0"``) on the CPU."""
    path = checkpoint_path(name)
    with _default_dtype_float32():
        if name == "chgnet":
            from chgnet.model import CHGNet
            from chgnet.model.dynamics import CHGNetCalculator

            calculator = CHGNetCalculator(CHGNet.from_file(str(path), verbose=False), use_device="cpu")
        else:
            from sevenn.calculator import SevenNetCalculator

            calculator = SevenNetCalculator(str(path), device="cpu")
    calculator.calculate = _in_float32(calculator.calculate)
    return calculator
