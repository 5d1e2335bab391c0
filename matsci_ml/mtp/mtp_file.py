"""Read and write mlip-2's ``.mtp`` text format (version 1.1.0).

The layout is the one mlip-2's ``MLMTPR::Load`` and its LAMMPS interface read: a fixed sequence of
``key = value`` lines, the radial coefficients as one ``{...}`` row per radial function under a
``i-j`` header per ordered species pair, then the basis program and the linear coefficients. A file
without coefficients (mlip-2's untrained templates) is read with mlip-2's defaults.

mlip-2 stores no element names; we write them into the free-text ``potential_tag`` line as
``species Mo Nb`` (mlip-2 ignores that line) and read them back, or take them from ``species=``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from ase.data import atomic_numbers

from matsci_ml.mtp.potential import MomentTensorPotential


class MTPFileError(ValueError):
    """A malformed ``.mtp`` file; the message names the file and line."""


def _format_float(x: float) -> str:
    return f"{x:.16e}"  # 17 significant digits: exact round trip


def _braces(values, fmt=str) -> str:
    return "{" + ", ".join(fmt(v) for v in values) + "}"


def write_mtp(potential: MomentTensorPotential, path) -> None:
    """Write ``potential`` to ``path`` in mlip-2's format (atomically: ``.part`` then rename)."""
    p = potential
    lines = ["MTP", "version = 1.1.0", f"potential_name = {p.potential_name}",
             f"scaling = {_format_float(p.scaling)}", f"species_count = {p.species_count}",
             f"potential_tag = species {' '.join(p.symbols)}" + (f" level {p.level}" if p.level else ""),
             "radial_basis_type = RBChebyshev", f"\tmin_dist = {_format_float(p.min_dist)}",
             f"\tmax_dist = {_format_float(p.max_dist)}", f"\tradial_basis_size = {p.radial_basis_size}",
             f"\tradial_funcs_count = {p.radial_funcs_count}", "\tradial_coeffs"]
    for a in range(p.species_count):
        for b in range(p.species_count):
            lines.append(f"\t\t{a}-{b}")
            lines.extend("\t\t\t" + _braces(row, _format_float) for row in p.radial_coeffs[a, b])
    rows = lambda array: "{" + ", ".join(_braces(r) for r in array.tolist()) + "}"  # noqa: E731
    lines += [f"alpha_moments_count = {p.alpha_moments_count}",
              f"alpha_index_basic_count = {len(p.alpha_index_basic)}",
              f"alpha_index_basic = {rows(p.alpha_index_basic)}",
              f"alpha_index_times_count = {len(p.alpha_index_times)}",
              f"alpha_index_times = {rows(p.alpha_index_times)}",
              f"alpha_scalar_moments = {len(p.alpha_moment_mapping)}",
              f"alpha_moment_mapping = {_braces(p.alpha_moment_mapping.tolist())}",
              f"species_coeffs = {_braces(p.species_coeffs, _format_float)}",
              f"moment_coeffs = {_braces(p.moment_coeffs, _format_float)}"]
    path = Path(path)
    part = path.with_name(path.name + ".part")
    part.write_text("\n".join(lines) + "\n")
    part.replace(path)


class _Lines:
    """The file's lines with their numbers, for error messages."""

    def __init__(self, path: Path):
        self.path = path
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise MTPFileError(f"{path}, line {line}: byte 0x{data[error.start]:02x} is not UTF-8 text; a .mtp file is "
                               f"plain text (was it saved by a word processor, or is it a binary file?)") from None
        self.lines = [(n, line.rstrip("\r\n")) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        self.position = 0

    def error(self, message: str, number: int | None = None) -> MTPFileError:
        if number is None:
            number = self.lines[min(self.position, len(self.lines) - 1)][0] if self.lines else 1
        return MTPFileError(f"{self.path}, line {number}: {message}")

    def peek_key(self) -> str | None:
        if self.position >= len(self.lines):
            return None
        text = self.lines[self.position][1].strip()
        return text.split("=")[0].strip()

    def next(self) -> tuple[int, str]:
        if self.position >= len(self.lines):
            raise self.error("the file ends early")
        item = self.lines[self.position]
        self.position += 1
        return item[0], item[1].strip()

    def value(self, key: str) -> tuple[int, str]:
        number, text = self.next()
        name, sep, value = text.partition("=")
        if name.strip() != key or not sep:
            raise self.error(f"expected '{key} = ...', found {text!r}", number)
        return number, value.strip()

    def integer(self, key: str, minimum: int | None = None) -> int:
        number, value = self.value(key)
        try:
            result = int(value)
        except ValueError:
            raise self.error(f"{key} must be an integer, got {value!r}", number) from None
        if minimum is not None and result < minimum:
            raise self.error(f"{key} must be at least {minimum}, got {result}", number)
        return result

    def real(self, key: str) -> float:
        number, value = self.value(key)
        try:
            result = float(value)
        except ValueError:
            raise self.error(f"{key} must be a number, got {value!r}", number) from None
        if not np.isfinite(result):
            raise self.error(f"{key} must be a finite number, got {value!r}", number)
        return result


def _numbers(text: str, number: int, lines: _Lines, kind=float) -> list:
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise lines.error(f"expected a list in braces {{...}}, found {text!r}", number)
    body = body[1:-1].strip()
    if not body:
        return []
    try:
        values = [kind(x) for x in body.split(",")]
    except ValueError:
        raise lines.error(f"cannot read the list {text[:60]!r}", number) from None
    if kind is float and not np.isfinite(values).all():
        raise lines.error(f"the list holds NaN or infinite values: {text[:60]!r}", number)
    return values


def _rows(text: str, number: int, lines: _Lines, count: int) -> np.ndarray:
    rows = re.findall(r"\{([^{}]*)\}", text)
    if text.strip() == "{}":
        rows = []
    try:
        array = np.array([[int(x) for x in r.split(",")] for r in rows], dtype=np.int64).reshape(-1, 4)
    except ValueError:
        raise lines.error("expected rows of four integers like {0, 1, 0, 0}", number) from None
    if len(array) != count:
        raise lines.error(f"expected {count} rows, found {len(array)}", number)
    return array


def read_mtp(path, *, species=None) -> MomentTensorPotential:
    """Read a mlip-2 ``.mtp`` file (trained, or an untrained template).

    Parameters
    ----------
    path : str or Path
    species : sequence of str, optional
        Elements of types 0, 1, ...; required when the file does not name them (files written by
        mlip-2 itself), e.g. ``species=["Mo"]``.

    Raises
    ------
    MTPFileError
        On any malformed line, with the file name and line number.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No .mtp file at {path}")
    lines = _Lines(path)
    number, text = lines.next()
    if text != "MTP":
        raise lines.error(f"the first line must be 'MTP', found {text!r}", number)
    number, version = lines.value("version")
    if version != "1.1.0":
        raise lines.error(f"only version 1.1.0 is supported, found {version!r}", number)
    name = lines.value("potential_name")[1] if lines.peek_key() == "potential_name" else "MTP1m"
    scaling = lines.real("scaling") if lines.peek_key() == "scaling" else 1.0
    species_count = lines.integer("species_count", minimum=1)
    tag = lines.value("potential_tag")[1] if lines.peek_key() == "potential_tag" else ""
    number, basis_type = lines.value("radial_basis_type")
    if basis_type != "RBChebyshev":
        raise lines.error(f"only the RBChebyshev radial basis is supported, found {basis_type!r}", number)
    min_dist = lines.real("min_dist")
    max_dist = lines.real("max_dist")
    basis_size = lines.integer("radial_basis_size", minimum=1)
    funcs_count = lines.integer("radial_funcs_count", minimum=1)
    radial = None
    if lines.peek_key() == "radial_coeffs":
        lines.next()
        radial = np.empty((species_count, species_count, funcs_count, basis_size))
        for a in range(species_count):
            for b in range(species_count):
                number, header = lines.next()
                if header != f"{a}-{b}":
                    raise lines.error(f"expected the species pair header '{a}-{b}', found {header!r}", number)
                for mu in range(funcs_count):
                    number, row = lines.next()
                    values = _numbers(row, number, lines)
                    if len(values) != basis_size:
                        raise lines.error(f"expected {basis_size} radial coefficients, found {len(values)}", number)
                    radial[a, b, mu] = values
    n_alpha = lines.integer("alpha_moments_count", minimum=1)
    n_basic = lines.integer("alpha_index_basic_count", minimum=0)
    basic = _rows(*reversed(lines.value("alpha_index_basic")), lines, n_basic)
    n_times = lines.integer("alpha_index_times_count", minimum=0)
    times = _rows(*reversed(lines.value("alpha_index_times")), lines, n_times)
    n_scalar = lines.integer("alpha_scalar_moments", minimum=1)
    number, text = lines.value("alpha_moment_mapping")
    mapping = _numbers(text, number, lines, int)
    if len(mapping) != n_scalar:
        raise lines.error(f"expected {n_scalar} entries in alpha_moment_mapping, found {len(mapping)}", number)
    if lines.peek_key() == "moment_coeffs":
        raise lines.error("species_coeffs is missing: a trained potential gives species_coeffs = {...} before "
                          "moment_coeffs (an untrained template gives neither)")
    if lines.peek_key() == "species_coeffs":
        number, text = lines.value("species_coeffs")
        species_coeffs = np.array(_numbers(text, number, lines))
        if species_coeffs.size != species_count:
            raise lines.error(f"expected {species_count} species_coeffs, found {species_coeffs.size}", number)
        number, text = lines.value("moment_coeffs")
        moment_coeffs = np.array(_numbers(text, number, lines))
        if moment_coeffs.size != n_scalar:
            raise lines.error(f"expected {n_scalar} moment_coeffs, found {moment_coeffs.size}", number)
    else:  # mlip-2's defaults for an untrained template
        species_coeffs, moment_coeffs = np.full(species_count, 1e-3), np.full(n_scalar, 1e-3)
    if radial is None:
        radial = np.full((species_count, species_count, funcs_count, basis_size), 1e-6)
        for mu in range(funcs_count):
            radial[:, :, mu, min(mu, basis_size - 1)] = 1e-3
    if lines.peek_key() is not None:
        raise lines.error(f"unexpected content after moment_coeffs: {lines.lines[lines.position][1]!r}")

    words = tag.split()
    level = int(words[words.index("level") + 1]) if "level" in words[:-1] else None
    if species is None:
        if "species" not in words:
            raise MTPFileError(f"{path} does not name its elements; pass species=[...] "
                               f"with {species_count} symbol(s), type 0 first.")
        species = words[words.index("species") + 1: words.index("species") + 1 + species_count]
        if any(s not in atomic_numbers for s in species):
            raise MTPFileError(f"{path}: cannot read element names from potential_tag {tag!r}")
    if len(species) != species_count:
        raise ValueError(f"{path} has species_count = {species_count} but species={list(species)!r}")
    try:
        return MomentTensorPotential(
            species=tuple(species), min_dist=min_dist, max_dist=max_dist, radial_coeffs=radial,
            species_coeffs=species_coeffs, moment_coeffs=moment_coeffs, alpha_index_basic=basic,
            alpha_index_times=times, alpha_moment_mapping=np.array(mapping), alpha_moments_count=n_alpha,
            level=level, scaling=scaling, potential_name=name)
    except ValueError as exc:
        raise MTPFileError(f"{path}: {exc}") from None
