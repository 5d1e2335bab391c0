"""matsci_ml: the teaching library behind the matsci-ml course notebooks.

One idea per module:

- :mod:`matsci_ml.data` -- dataset catalogue, hash-checked downloads, Matbench and mlearn loaders.
- :mod:`matsci_ml.apis` -- REST clients for OPTIMADE and the Materials Project, and a local
  OPTIMADE reference server for offline use.
- :mod:`matsci_ml.exercises` -- exercise checkers with hints and revealable solutions.
- :mod:`matsci_ml.notebooks` -- headless execution of lessons with time and memory accounting.
- :mod:`matsci_ml.doctor` -- environment checks behind ``matsci-ml doctor``.
"""

from __future__ import annotations

__version__ = "0.1.0"
