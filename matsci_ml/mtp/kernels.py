r"""Numba kernels of the MTP: energies, forces and virials, and the gradient of the training loss.

Every kernel works on one configuration given as a pair list in CSR form: the pairs of atom ``i``
are ``first[i]:first[i+1]``, each with its neighbour ``j`` and vector :math:`d = r_j - r_i` (A),
built by :mod:`matsci_ml.mtp.neighbours`. The Python wrappers validate every array before a kernel
sees it (and keep them read-only); the kernels do not bounds-check. The kernels of training and of the
extrapolation grade start from the same forward pass of a neighbourhood, :func:`_site_moments`;
:func:`mtp_energy_forces` computes the same moments through a table over (radial function, exponent triple), which
suits its backward pass (see its docstring). The kernels over a whole dataset, one configuration per parallel task,
are in :mod:`matsci_ml.mtp.dataset_kernels`.

Forces use reverse mode, as mlip-2 does: one forward sweep for the moments, one backward sweep for
:math:`\partial V/\partial m_\alpha`, then one pass over the neighbours. The loss gradient needs
:math:`\partial F/\partial\theta`; it is obtained as the parameter gradient of the *directional*
derivative of :math:`E` along the force and stress residuals (forward-over-reverse), so its cost does not grow
with the number of parameters: on the mlearn Mo training set it took 7-9 times an energy-and-forces evaluation
at levels 16-20, measured before the energy-and-forces kernel took its table form (which made that kernel about
1.4 times faster at level 16). The monomials of each pair are computed once per exponent triple and shared by the
basic moments that differ only in their radial function.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _chebyshev(r, r_min, r_max, scaling, q, dq):
    r""":math:`Q_\beta(r) = s T_\beta(\xi)(R_c - r)^2` and :math:`dQ_\beta/dr`, for all beta."""
    size = q.shape[0]
    if r >= r_max:  # beyond the cutoff (pairs kept in a Verlet skin)
        for b in range(size):
            q[b] = 0.0
            dq[b] = 0.0
        return
    xi = (2.0 * r - (r_min + r_max)) / (r_max - r_min)
    dxi = 2.0 / (r_max - r_min)
    smooth = scaling * (r_max - r) * (r_max - r)
    dsmooth = -2.0 * scaling * (r_max - r)
    t_prev, t_cur = 1.0, xi
    dt_prev, dt_cur = 0.0, dxi
    q[0] = smooth
    dq[0] = dsmooth
    if size > 1:
        q[1] = xi * smooth
        dq[1] = dxi * smooth + xi * dsmooth
    for b in range(2, size):
        t_next = 2.0 * xi * t_cur - t_prev
        dt_next = 2.0 * (dxi * t_cur + xi * dt_cur) - dt_prev
        q[b] = t_next * smooth
        dq[b] = dt_next * smooth + t_next * dsmooth
        t_prev, t_cur = t_cur, t_next
        dt_prev, dt_cur = dt_cur, dt_next


@njit(cache=True, inline="always")
def _pair_setup(vec, coeffs, r_min, r_max, scaling, q, dq, f, df, unit, powers):
    """Radial functions f_mu, df_mu/dr and unit-vector powers of one pair; returns r."""
    r = np.sqrt(vec[0] * vec[0] + vec[1] * vec[1] + vec[2] * vec[2])
    _chebyshev(r, r_min, r_max, scaling, q, dq)
    n_mu, n_beta = coeffs.shape
    for mu in range(n_mu):
        v = 0.0
        dv = 0.0
        for b in range(n_beta):
            v += coeffs[mu, b] * q[b]
            dv += coeffs[mu, b] * dq[b]
        f[mu] = v
        df[mu] = dv
    for k in range(3):
        unit[k] = vec[k] / r
        powers[k, 0] = 1.0
        for p in range(1, powers.shape[1]):
            powers[k, p] = powers[k, p - 1] * unit[k]
    return r


@njit(cache=True)
def _max_neighbours(first):
    m = 0
    for i in range(first.shape[0] - 1):
        m = max(m, first[i + 1] - first[i])
    return m


@njit(cache=True)
def _max_power(basic):
    m = 0
    for a in range(basic.shape[0]):
        m = max(m, basic[a, 1], basic[a, 2], basic[a, 3])
    return m


@njit(cache=True)
def _buffers(first, radial_coeffs, basic, n_alpha):
    """Work arrays of :func:`_site_moments` for the largest neighbourhood of a configuration."""
    n_mu, n_beta = radial_coeffs.shape[2], radial_coeffs.shape[3]
    max_nb = _max_neighbours(first)
    return (np.zeros(n_alpha), np.zeros(n_beta), np.zeros(n_beta), np.zeros((max_nb, n_mu)), np.zeros((max_nb, n_mu)),
            np.zeros((max_nb, 3)), np.zeros((max_nb, 3, _max_power(basic) + 1)), np.zeros(max_nb))


@njit(cache=True, inline="always")
def _site_moments(i, types, first, neighbours, vectors, radial_coeffs, basic, times, r_min, r_max, scaling,
                  values, q, dq, f, df, unit, powers, rs):
    r"""The forward pass of one neighbourhood, shared by every kernel: the radial functions, unit vectors and
    their powers of each pair ``p`` of atom ``i`` (into ``f[p]``, ``df[p]``, ``unit[p]``, ``powers[p]``,
    ``rs[p]``), then the moments :math:`M_lpha(n_i)` (into ``values``): the basic ones
    :math:`\sum_p f_\mu(r_p)\, u_x^a u_y^b u_z^c`, then the contractions of ``times``, each of which reads only
    moments completed before it. Returns the number of neighbours."""
    ti = types[i]
    start = first[i]
    n_nb = first[i + 1] - start
    values[:] = 0.0
    for p in range(n_nb):
        tj = types[neighbours[start + p]]
        rs[p] = _pair_setup(vectors[start + p], radial_coeffs[ti, tj], r_min, r_max, scaling, q, dq,
                            f[p], df[p], unit[p], powers[p])
        for a in range(basic.shape[0]):
            values[a] += f[p, basic[a, 0]] * powers[p, 0, basic[a, 1]] * powers[p, 1, basic[a, 2]] \
                * powers[p, 2, basic[a, 3]]
    for t in range(times.shape[0]):
        values[times[t, 3]] += times[t, 2] * values[times[t, 0]] * values[times[t, 1]]
    return n_nb


@njit(cache=True)
def _angular_parts(basic):
    """The distinct exponent triples ``(a, b, c)`` of the basic moments (rows of ``parts``) and, per basic moment,
    the row of its triple: moments that differ only in the radial function share their monomial."""
    part_of = np.empty(basic.shape[0], dtype=np.int64)
    parts = np.empty((basic.shape[0], 3), dtype=np.int64)
    n_parts = 0
    for a in range(basic.shape[0]):
        part_of[a] = -1
        for c in range(n_parts):
            if parts[c, 0] == basic[a, 1] and parts[c, 1] == basic[a, 2] and parts[c, 2] == basic[a, 3]:
                part_of[a] = c
                break
        if part_of[a] < 0:
            parts[n_parts, 0], parts[n_parts, 1], parts[n_parts, 2] = basic[a, 1], basic[a, 2], basic[a, 3]
            part_of[a] = n_parts
            n_parts += 1
    return parts[:n_parts], part_of


@njit(cache=True)
def mtp_energy_forces(types, first, neighbours, vectors, radial_coeffs, species_coeffs, moment_coeffs,
                      basic, times, mapping, n_alpha, r_min, r_max, scaling):
    r"""Site energies (eV), forces (eV/A) and virial :math:`\sum_p d_p \otimes \partial E/\partial d_p` (eV).

    The virial divided by the volume is ASE's stress.

    The basic moments are handled as a table over (radial function :math:`\mu`, exponent triple :math:`c`), with
    absent entries zero: each pair's monomials are computed once per triple, the forward pass adds
    :math:`f_\mu(r_p)\,\mathrm{mono}_c(u_p)` into the table, and the backward pass gathers
    :math:`\partial V/\partial M` into the same table once per atom, so that the work per pair is dense loops over
    triples (about half as many as basic moments at levels 16-20) rather than scattered ones over basic moments.
    """
    n_atoms = types.shape[0]
    energies = np.zeros(n_atoms)
    forces = np.zeros((n_atoms, 3))
    virial = np.zeros((3, 3))
    grad = np.zeros(n_alpha)
    values, q, dq, f, df, unit, powers, rs = _buffers(first, radial_coeffs, basic, n_alpha)
    parts, part_of = _angular_parts(basic)
    n_parts, n_mu = parts.shape[0], f.shape[1]
    monos = np.zeros((rs.shape[0], n_parts))
    table = np.zeros((n_mu, n_parts))                  # basic moments, then dV/dM of them, by (mu, triple)
    radial_sum = np.zeros(n_parts)
    value_sum = np.zeros(n_parts)
    degree = (parts[:, 0] + parts[:, 1] + parts[:, 2]).astype(np.float64)
    dpowers = np.zeros((3, powers.shape[2]))
    for i in range(n_atoms):
        ti = types[i]
        start = first[i]
        n_nb = first[i + 1] - start
        table[:, :] = 0.0
        for p in range(n_nb):
            tj = types[neighbours[start + p]]
            rs[p] = _pair_setup(vectors[start + p], radial_coeffs[ti, tj], r_min, r_max, scaling, q, dq,
                                f[p], df[p], unit[p], powers[p])
            for c in range(n_parts):
                monos[p, c] = powers[p, 0, parts[c, 0]] * powers[p, 1, parts[c, 1]] * powers[p, 2, parts[c, 2]]
            for mu in range(n_mu):
                fp = f[p, mu]
                for c in range(n_parts):
                    table[mu, c] += fp * monos[p, c]
        for a in range(basic.shape[0]):
            values[a] = table[basic[a, 0], part_of[a]]
        for a in range(basic.shape[0], n_alpha):
            values[a] = 0.0
        for t in range(times.shape[0]):
            values[times[t, 3]] += times[t, 2] * values[times[t, 0]] * values[times[t, 1]]
        e = species_coeffs[ti]
        grad[:] = 0.0
        for k in range(mapping.shape[0]):
            e += moment_coeffs[k] * values[mapping[k]]
            grad[mapping[k]] += moment_coeffs[k]
        energies[i] = e
        for t in range(times.shape[0] - 1, -1, -1):
            g = grad[times[t, 3]] * times[t, 2]
            if g != 0.0:
                grad[times[t, 0]] += g * values[times[t, 1]]
                grad[times[t, 1]] += g * values[times[t, 0]]
        table[:, :] = 0.0
        for a in range(basic.shape[0]):
            table[basic[a, 0], part_of[a]] += grad[a]
        for p in range(n_nb):
            # dV/dd = u * sum_a g_a mono_a (f' - nu f / r) + (1/r) sum_a g_a f grad_u(mono_a), summed per triple
            radial_sum[:] = 0.0
            value_sum[:] = 0.0
            for mu in range(n_mu):
                fp, dfp = f[p, mu], df[p, mu]
                for c in range(n_parts):
                    radial_sum[c] += table[mu, c] * dfp
                    value_sum[c] += table[mu, c] * fp
            for k in range(3):                  # d(u^e)/du = e u^(e-1), 0 for e = 0: no branches below
                for e in range(1, dpowers.shape[1]):
                    dpowers[k, e] = e * powers[p, k, e - 1]
            inverse_r = 1.0 / rs[p]
            radial_part = 0.0
            gx = 0.0
            gy = 0.0
            gz = 0.0
            for c in range(n_parts):
                ax, ay, az = parts[c, 0], parts[c, 1], parts[c, 2]
                px, py, pz = powers[p, 0, ax], powers[p, 1, ay], powers[p, 2, az]
                gf = value_sum[c] * inverse_r
                radial_part += monos[p, c] * (radial_sum[c] - degree[c] * gf)
                gx += gf * dpowers[0, ax] * py * pz
                gy += gf * px * dpowers[1, ay] * pz
                gz += gf * px * py * dpowers[2, az]
            gx += radial_part * unit[p, 0]
            gy += radial_part * unit[p, 1]
            gz += radial_part * unit[p, 2]
            j = neighbours[start + p]
            forces[i, 0] += gx
            forces[i, 1] += gy
            forces[i, 2] += gz
            forces[j, 0] -= gx
            forces[j, 1] -= gy
            forces[j, 2] -= gz
            for k in range(3):
                d = vectors[start + p, k]
                virial[k, 0] += d * gx
                virial[k, 1] += d * gy
                virial[k, 2] += d * gz
    return energies, forces, virial


@njit(cache=True, inline="always")
def _monomial_along(powers, ax, ay, az, t, ut):
    r"""Monomial :math:`u_x^a u_y^b u_z^c` of a pair's unit vector and :math:`r\,d/d\epsilon` of it along
    the displacement ``t`` of the pair vector (``ut`` = u.t)."""
    px, py, pz = powers[0, ax], powers[1, ay], powers[2, az]
    mono = px * py * pz
    dmono = -(ax + ay + az) * mono * ut
    if ax > 0:
        dmono += ax * powers[0, ax - 1] * py * pz * t[0]
    if ay > 0:
        dmono += ay * px * powers[1, ay - 1] * pz * t[1]
    if az > 0:
        dmono += az * px * py * powers[2, az - 1] * t[2]
    return mono, dmono


@njit(cache=True)
def config_loss_gradient(types, first, neighbours, vectors, radial_coeffs, species_coeffs, moment_coeffs,
                          basic, times, mapping, n_alpha, r_min, r_max, scaling,
                          energy_ref, forces_ref, virial_ref, w_energy, w_forces, w_virial, gradient):
    """Loss of one configuration; adds its gradient (moment, species, radial order) into ``gradient``.

    loss = w_e (E - E_ref)^2 + w_f sum |F - F_ref|^2 + w_s sum (W - W_ref)^2, with W the virial in eV.
    """
    energies, forces, virial = mtp_energy_forces(types, first, neighbours, vectors, radial_coeffs,
                                                 species_coeffs, moment_coeffs, basic, times, mapping,
                                                 n_alpha, r_min, r_max, scaling)
    n_atoms = types.shape[0]
    energy = energies.sum()
    d_energy = energy - energy_ref
    loss = w_energy * d_energy * d_energy
    d_forces = forces - forces_ref
    for i in range(n_atoms):
        for k in range(3):
            loss += w_forces * d_forces[i, k] * d_forces[i, k]
    d_virial = virial - virial_ref
    for k in range(3):
        for l in range(3):
            loss += w_virial * d_virial[k, l] * d_virial[k, l]

    n_m = moment_coeffs.shape[0]
    n_s = species_coeffs.shape[0]
    S, _, n_mu, n_beta = radial_coeffs.shape
    ce = 2.0 * w_energy * d_energy  # coefficient of dE/dtheta
    # tangent per pair: t_p = 2 w_s dW^T d_p - 2 w_f (dF_j - dF_i); loss gradient += d(sum_p g_p.t_p)/dtheta
    values, q, dq, f, df, unit, powers, rs = _buffers(first, radial_coeffs, basic, n_alpha)
    tang = np.zeros(n_alpha)
    grad = np.zeros(n_alpha)
    gtan = np.zeros(n_alpha)
    tp = np.zeros((rs.shape[0], 3))
    ut = np.zeros(rs.shape[0])
    # per pair and exponent triple: the monomial and (1/r) times its derivative along t_p, computed once and read
    # by both passes over the basic moments (about half as many triples as basic moments at levels 16-20)
    parts, part_of = _angular_parts(basic)
    monos = np.zeros((rs.shape[0], parts.shape[0]))
    dmonos = np.zeros((rs.shape[0], parts.shape[0]))
    y = np.zeros(n_mu)
    x = np.zeros(n_mu)
    for i in range(n_atoms):
        ti = types[i]
        start = first[i]
        n_nb = _site_moments(i, types, first, neighbours, vectors, radial_coeffs, basic, times, r_min, r_max,
                             scaling, values, q, dq, f, df, unit, powers, rs)
        tang[:] = 0.0
        for p in range(n_nb):
            j = neighbours[start + p]
            for k in range(3):
                t = -2.0 * w_forces * (d_forces[j, k] - d_forces[i, k])
                for l in range(3):
                    t += 2.0 * w_virial * d_virial[l, k] * vectors[start + p, l]
                tp[p, k] = t
            ut[p] = unit[p, 0] * tp[p, 0] + unit[p, 1] * tp[p, 1] + unit[p, 2] * tp[p, 2]
            inverse_r = 1.0 / rs[p]
            for c in range(parts.shape[0]):
                mono, dmono = _monomial_along(powers[p], parts[c, 0], parts[c, 1], parts[c, 2], tp[p], ut[p])
                monos[p, c] = mono
                dmonos[p, c] = dmono * inverse_r
            for a in range(basic.shape[0]):
                mu, c = basic[a, 0], part_of[a]
                # directional derivative of f_mu(r) mono(u) along t_p
                tang[a] += df[p, mu] * ut[p] * monos[p, c] + f[p, mu] * dmonos[p, c]
        for t in range(times.shape[0]):
            a, b, m, c = times[t, 0], times[t, 1], times[t, 2], times[t, 3]
            tang[c] += m * (tang[a] * values[b] + values[a] * tang[b])
        grad[:] = 0.0
        gtan[:] = 0.0
        for k in range(n_m):
            gradient[k] += ce * values[mapping[k]] + tang[mapping[k]]
            grad[mapping[k]] += moment_coeffs[k]
        gradient[n_m + ti] += ce
        for t in range(times.shape[0] - 1, -1, -1):
            a, b, m, c = times[t, 0], times[t, 1], times[t, 2], times[t, 3]
            g = grad[c] * m
            gt = gtan[c] * m
            if g != 0.0 or gt != 0.0:
                grad[a] += g * values[b]
                grad[b] += g * values[a]
                gtan[a] += gt * values[b] + g * tang[b]
                gtan[b] += gt * values[a] + g * tang[a]
        for p in range(n_nb):
            tj = types[neighbours[start + p]]
            y[:] = 0.0
            x[:] = 0.0
            for a in range(basic.shape[0]):
                mu, c = basic[a, 0], part_of[a]
                y[mu] += grad[a] * monos[p, c]
                x[mu] += gtan[a] * monos[p, c] + grad[a] * dmonos[p, c]
            _chebyshev(rs[p], r_min, r_max, scaling, q, dq)
            offset = n_m + n_s + (ti * S + tj) * n_mu * n_beta
            for mu in range(n_mu):
                for b in range(n_beta):
                    gradient[offset + mu * n_beta + b] += ce * y[mu] * q[b] + x[mu] * q[b] \
                        + y[mu] * ut[p] * dq[b]
    return loss


@njit(cache=True)
def basis_jacobian(types, first, neighbours, vectors, radial_coeffs, basic, times, mapping, n_alpha,
                   r_min, r_max, scaling):
    r"""Linear design of one configuration (forward mode): everything the energy, forces and virial
    depend on when the radial functions are fixed.

    Returns
    -------
    site_basis : (n_atoms, n_basis)
        :math:`B_\alpha(n_i)`; ``site_basis.sum(0)`` is the energy row of the moment coefficients.
    forces : (n_basis, n_atoms, 3)
        :math:`-\partial \sum_i B_\alpha(n_i) / \partial r_j`.
    virial : (n_basis, 3, 3)
        :math:`\sum_p d_p \otimes \partial \sum_i B_\alpha(n_i)/\partial d_p`.
    """
    n_atoms = types.shape[0]
    n_basis = mapping.shape[0]
    site_basis = np.zeros((n_atoms, n_basis))
    forces = np.zeros((n_basis, n_atoms, 3))
    virial = np.zeros((n_basis, 3, 3))
    values, q, dq, f, df, unit, powers, rs = _buffers(first, radial_coeffs, basic, n_alpha)
    jac = np.zeros((n_alpha, rs.shape[0], 3))
    flat = jac.reshape(n_alpha, rs.shape[0] * 3)
    for i in range(n_atoms):
        start = first[i]
        n_nb = _site_moments(i, types, first, neighbours, vectors, radial_coeffs, basic, times, r_min, r_max,
                             scaling, values, q, dq, f, df, unit, powers, rs)
        jac[:, :n_nb, :] = 0.0
        for p in range(n_nb):
            r = rs[p]
            for a in range(basic.shape[0]):
                mu, ax, ay, az = basic[a, 0], basic[a, 1], basic[a, 2], basic[a, 3]
                px, py, pz = powers[p, 0, ax], powers[p, 1, ay], powers[p, 2, az]
                mono = px * py * pz
                radial_part = mono * (df[p, mu] - (ax + ay + az) * f[p, mu] / r)
                fr = f[p, mu] / r
                for k in range(3):
                    jac[a, p, k] = radial_part * unit[p, k]
                if ax > 0:
                    jac[a, p, 0] += fr * ax * powers[p, 0, ax - 1] * py * pz
                if ay > 0:
                    jac[a, p, 1] += fr * ay * px * powers[p, 1, ay - 1] * pz
                if az > 0:
                    jac[a, p, 2] += fr * az * px * py * powers[p, 2, az - 1]
        width = 3 * n_nb                  # (pair, axis) flattened: one contiguous loop that the compiler vectorises
        for t in range(times.shape[0]):
            a, b, m, c = times[t, 0], times[t, 1], times[t, 2], times[t, 3]
            va = m * values[a]
            vb = m * values[b]
            row_a, row_b, row_c = flat[a], flat[b], flat[c]
            for e in range(width):
                row_c[e] += row_a[e] * vb + va * row_b[e]
        for s in range(n_basis):
            alpha = mapping[s]
            site_basis[i, s] = values[alpha]
            # sums over the pairs in registers: the force on i and the virial sum_p d_p (x) g_p
            fx = fy = fz = 0.0
            wxx = wxy = wxz = wyx = wyy = wyz = wzx = wzy = wzz = 0.0
            for p in range(n_nb):
                j = neighbours[start + p]
                gx, gy, gz = jac[alpha, p, 0], jac[alpha, p, 1], jac[alpha, p, 2]
                dx, dy, dz = vectors[start + p, 0], vectors[start + p, 1], vectors[start + p, 2]
                fx += gx
                fy += gy
                fz += gz
                forces[s, j, 0] -= gx
                forces[s, j, 1] -= gy
                forces[s, j, 2] -= gz
                wxx += dx * gx
                wxy += dx * gy
                wxz += dx * gz
                wyx += dy * gx
                wyy += dy * gy
                wyz += dy * gz
                wzx += dz * gx
                wzy += dz * gy
                wzz += dz * gz
            forces[s, i, 0] += fx
            forces[s, i, 1] += fy
            forces[s, i, 2] += fz
            virial[s, 0, 0] += wxx
            virial[s, 0, 1] += wxy
            virial[s, 0, 2] += wxz
            virial[s, 1, 0] += wyx
            virial[s, 1, 1] += wyy
            virial[s, 1, 2] += wyz
            virial[s, 2, 0] += wzx
            virial[s, 2, 1] += wzy
            virial[s, 2, 2] += wzz
    return site_basis, forces, virial


@njit(cache=True)
def site_basis_values(types, first, neighbours, vectors, radial_coeffs, basic, times, mapping, n_alpha,
                      r_min, r_max, scaling):
    r""":math:`B_\alpha(n_i)` of every atomic neighbourhood, (n_atoms, n_basis), without derivatives.

    The row of atom ``i`` is :math:`\partial V(n_i)/\partial \xi_\alpha`, the neighbourhood row of
    the extrapolation grade (:mod:`matsci_ml.active_learning`); about a third of the cost of
    :func:`basis_jacobian`.
    """
    n_atoms = types.shape[0]
    n_basis = mapping.shape[0]
    out = np.zeros((n_atoms, n_basis))
    values, q, dq, f, df, unit, powers, rs = _buffers(first, radial_coeffs, basic, n_alpha)
    for i in range(n_atoms):
        _site_moments(i, types, first, neighbours, vectors, radial_coeffs, basic, times, r_min, r_max, scaling,
                      values, q, dq, f, df, unit, powers, rs)
        for s in range(n_basis):
            out[i, s] = values[mapping[s]]
    return out
