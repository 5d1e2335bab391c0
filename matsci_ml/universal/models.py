"""CHGNet and SevenNet-0 as ASE calculators, loaded from the files inside their PyPI wheels (no download).

* **CHGNet** 0.3.0 (Deng *et al.*, *Nat. Mach. Intell.* 5, 1031 (2023)): a crystal graph network with bond and
  angle updates and magnetic moments, 412,525 parameters, trained on the Materials Project trajectory data set
  (MPtrj: PBE and PBE+U relaxations). Weights: ``chgnet/pretrained/0.3.0/`` in the ``chgnet`` wheel.
* **SevenNet-0** (11 July 2024; Park *et al.*, *J. Chem. Theory Comput.* 20, 4857 (2024)): the NequIP
  architecture, trained on MPtrj. Weights: ``sevenn/pretrained_potentials/SevenNet_0__11Jul2024/`` in the
  ``sevenn`` wheel.

Both run on the CPU here; neither touches the network (``tests/universal`` loads them with sockets blocked).
"""

from __future__ import annotations

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


def universal_calculator(name: str = "chgnet"):
    """An ASE calculator of universal model ``name`` (``"chgnet"`` or ``"sevennet-0"``) on the CPU."""
    path = checkpoint_path(name)
    if name == "chgnet":
        from chgnet.model import CHGNet
        from chgnet.model.dynamics import CHGNetCalculator

        return CHGNetCalculator(CHGNet.from_file(str(path), verbose=False), use_device="cpu")
    from sevenn.calculator import SevenNetCalculator

    return SevenNetCalculator(str(path), device="cpu")
