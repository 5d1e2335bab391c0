"""Crystals in 3D in the notebook: a thin layer over `weas-widget <https://github.com/superstar54/weas-widget>`_.

Why weas-widget: it is a Jupyter widget built on anywidget, so it works in JupyterLab 4 and Notebook 7 with no
extension to build, its JavaScript (three.js included, about 1 MB) ships inside the Python wheel, so it draws with no
network (a CDN-loaded viewer such as py3Dmol shows nothing at a workshop without Wi-Fi), and it takes ASE ``Atoms``
(and lists of them as frames) directly. nglview was the alternative; it has no wheel (a 26 MB source archive to
build) and depends on its own lab extension.

Every function returns the widget (display it as a cell's last value) and leaves the structures unchanged.
Positions are in Å; a per-atom quantity given as ``values`` is stored as an atom attribute and colours the atoms
on a blue-to-red ramp.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ase import Atoms

#: The ball-and-stick style (weas-widget's ``modelStyle``: 0 balls, 1 ball and stick, 2 polyhedra, 3 sticks).
BALL_AND_STICK = 1


def _widget():
    try:
        from weas_widget import WeasWidget
    except ImportError as error:       # pragma: no cover - a dependency of the course
        raise ImportError("the 3D viewer needs weas-widget: pip install 'weas-widget>=0.2.6,<0.3'") from error
    return WeasWidget


def view_structures(structures: Atoms | Sequence[Atoms], *, values: Sequence | np.ndarray | None = None,
                    label: str = "value", style: int = BALL_AND_STICK, bonds: bool = True):
    """One structure, or several as frames (a slider and play button step through them).

    Parameters
    ----------
    structures : ase.Atoms or list of ase.Atoms
        What to show; frames may differ in size and species.
    values : array, or list of arrays (one per frame), optional
        A number per atom (e.g. the extrapolation grade): the atoms are coloured by it, blue (low) to red (high).
    label : str
        Name of that per-atom attribute in the viewer.
    style : int
        weas-widget's model style (:data:`BALL_AND_STICK` by default).
    bonds : bool
        Draw bonds (the ball-and-stick style); False shows atoms only.
    """
    frames = [structures] if isinstance(structures, Atoms) else list(structures)
    if not frames or not all(isinstance(f, Atoms) and len(f) for f in frames):
        raise ValueError("view_structures needs an ase.Atoms with at least one atom, or a non-empty list of them")
    frames = [f.copy() for f in frames]
    for frame in frames:
        frame.calc = None
        for key in [k for k in frame.arrays if k not in ("numbers", "positions")]:
            del frame.arrays[key]   # momenta, tags...: not shown, and they would travel to the browser
    if values is not None:
        per_frame = [values] if isinstance(structures, Atoms) else list(values)
        if len(per_frame) != len(frames):
            raise ValueError(f"values has {len(per_frame)} entries for {len(frames)} frames")
        for frame, frame_values in zip(frames, per_frame):
            frame_values = np.asarray(frame_values, dtype=float)
            if frame_values.shape != (len(frame),):
                raise ValueError(f"values must hold one number per atom: got shape {frame_values.shape} for "
                                 f"{len(frame)} atoms")
            frame.set_array(label, frame_values)
    viewer = _widget()(from_ase=frames[0] if len(frames) == 1 else frames)
    viewer.avr.model_style = style if bonds else 0
    if values is not None:
        viewer.avr.color_by = label
        viewer.avr.color_ramp = ["blue", "red"]
    return viewer


def lattice_configuration(sites: Atoms, occupations, species: tuple[str, str], *,
                          vacancy: int | None = None) -> Atoms:
    """The atoms of a lattice model: site ``i`` holds ``species[0]`` where ``occupations[i] == +1`` and
    ``species[1]`` where it is ``-1``; the site ``vacancy`` (if given) is left empty."""
    occupations = np.asarray(occupations)
    if occupations.shape != (len(sites),):
        raise ValueError(f"occupations has shape {occupations.shape}, the lattice has {len(sites)} sites")
    symbols = np.where(occupations > 0, species[0], species[1])
    atoms = Atoms(symbols=list(symbols), positions=sites.get_positions(), cell=sites.cell, pbc=sites.pbc)
    if vacancy is not None:
        del atoms[int(vacancy)]
    return atoms


def view_vacancy_path(atoms: Atoms, path_positions: np.ndarray, *, radius: float = 0.35):
    """A crystal with the path of a vacancy drawn as a trail of small spheres, from green (start) to red (end).

    ``path_positions`` (Å, shape (n, 3)) are the vacancy's successive sites, unwrapped (they may leave the cell).
    """
    path = np.asarray(path_positions, dtype=float)
    if path.ndim != 2 or path.shape[1] != 3 or len(path) < 2:
        raise ValueError("path_positions must be an (n >= 2, 3) array of positions in Å")
    viewer = view_structures(atoms, bonds=False)
    colours = [_hex(np.array([0.0, 0.7, 0.0]) * (1 - t) + np.array([0.85, 0.0, 0.0]) * t)
               for t in np.linspace(0.0, 1.0, len(path))]
    viewer.imp.settings = [{
        "type": "sphere", "materialType": "Standard",
        "shape": {"radius": 1.0, "widthSegments": 12, "heightSegments": 12},
        "instances": [{"position": p.tolist(), "scale": [radius] * 3, "color": c} for p, c in zip(path, colours)],
    }]
    return viewer


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(255 * v)):02x}" for v in np.clip(rgb, 0, 1))


__all__ = ["BALL_AND_STICK", "lattice_configuration", "view_structures", "view_vacancy_path"]
