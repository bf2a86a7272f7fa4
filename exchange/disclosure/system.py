"""What an attacker can work out from a set of published counts: a linear system, and its bounds.

Every count cell (interior and margins) of every table is an unknown ``x >= 0``, whole.
Each table adds up — a row of interior cells equals its row total, and so on — and
linked tables share the unknowns of their common margins. Published cells are known
(exactly, or within their rounding interval); withheld cells are bounded by what their
published reason gives away: a ``primary`` cell lies in ``1..threshold``; any other
withheld cell is not (``0`` or above the threshold — a disjunction, modelled with one
binary variable). The attacker's best knowledge of a withheld cell is its smallest and
largest value over all whole-number solutions: a mixed-integer programme (HiGHS, through
:func:`scipy.optimize.milp`).

To stay fast, known cells are moved to the right-hand side and the withheld unknowns
split into independent components (cells that share no equation cannot inform each
other), and solutions found on the way serve as witnesses: a cell seen with two values
that differ by at least one in feasible whole-number solutions is not recoverable, whatever
its exact interval. Large components (rounded tables, where every published cell is an
unknown too) first use the linear relaxation, which bounds the integer interval from
outside, and solve the integer programme only where the relaxation is narrow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

#: Components with up to this many unknowns always get the exact (integer) interval.
EXACT_COMPONENT_SIZE = 400
#: Width below which a recovered interval counts as one value.
RECOVERED_WIDTH = 1.0
#: Solutions in random directions looked for first when only recovery matters.
WITNESS_SOLVES = 12


@dataclass
class Unknown:
    """One unknown of the system: a cell value and what the attacker knows of it."""

    lower: float = 0.0
    upper: float = math.inf
    #: The value is 0 or at least ``gap`` (withheld for a reason other than primary).
    gap: int | None = None
    #: Published exact value (then the unknown is a constant).
    value: float | None = None
    #: Whether the cell is withheld (its interval is wanted).
    target: bool = False


@dataclass
class LinearSystem:
    """Unknowns and equations ``sum(coefficient * x) == 0``."""

    unknowns: list[Unknown] = field(default_factory=list)
    equations: list[list[tuple[int, int]]] = field(default_factory=list)

    def add(self, unknown: Unknown) -> int:
        """Add an unknown; its index."""
        self.unknowns.append(unknown)
        return len(self.unknowns) - 1


@dataclass(frozen=True)
class Interval:
    """The attacker's smallest and largest value for a withheld cell (``math.inf``: none)."""

    lower: float
    upper: float
    method: str

    @property
    def width(self) -> float:
        """How far apart the bounds are."""
        return self.upper - self.lower

    @property
    def recovered(self) -> bool:
        """Whether the bounds pin the cell to one whole number."""
        return self.width < RECOVERED_WIDTH

    @property
    def disclosive(self) -> bool:
        """Recovered, and not as 0: a count of 0 is published by rule, so telling that a
        withheld (secondary or carried) cell is empty discloses no one."""
        return self.recovered and self.upper >= 0.5


def solve_bounds(
    system: LinearSystem, *, intervals: bool = True, narrow: float = 24.0
) -> dict[int, Interval]:
    """The attacker's interval for every target unknown.

    With ``intervals=False`` only recovery matters: a cell shown to vary by witnesses
    gets the witnessed range instead of its exact interval (faster). ``narrow`` is the
    relaxation width below which large components get the integer check.
    """
    result: dict[int, Interval] = {}
    for component, equations in _components(system):
        result.update(_solve_component(system, component, equations, intervals, narrow))
    return result


def _components(system: LinearSystem) -> Iterable[tuple[list[int], list[list[tuple[int, int]]]]]:
    """Groups of free unknowns linked by equations, each with its equations."""
    free = [i for i, u in enumerate(system.unknowns) if u.value is None]
    parent = {i: i for i in free}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for equation in system.equations:
        members = [i for i, _ in equation if i in parent]
        for other in members[1:]:
            a, b = find(members[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in free:
        groups.setdefault(find(i), []).append(i)
    by_root: dict[int, list[list[tuple[int, int]]]] = {}
    for equation in system.equations:
        members = [i for i, _ in equation if i in parent]
        if members:
            by_root.setdefault(find(members[0]), []).append(equation)
    for root, members in sorted(groups.items()):
        if any(system.unknowns[i].target for i in members):
            yield members, by_root.get(root, [])


@dataclass
class _Programme:
    """One component as arrays for :func:`scipy.optimize.milp`."""

    size: int
    columns: dict[int, int]
    constraints: list[LinearConstraint]
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    relaxed: list[LinearConstraint]


def _programme(
    system: LinearSystem, members: list[int], equations: list[list[tuple[int, int]]]
) -> _Programme:
    columns = {unknown: k for k, unknown in enumerate(members)}
    gapped = [i for i in members if system.unknowns[i].gap is not None]
    size = len(members) + len(gapped)
    rows, cols, vals, rhs = [], [], [], []
    for r, equation in enumerate(equations):
        constant = 0.0
        for unknown, coefficient in equation:
            known = system.unknowns[unknown].value
            if known is None:
                rows.append(r)
                cols.append(columns[unknown])
                vals.append(coefficient)
            else:
                constant -= coefficient * known
        rhs.append(constant)
    # A cap for unknowns without an upper bound: no cell exceeds every known cell
    # and every bounded unknown together (all are non-negative parts of one population).
    cap = sum(abs(u.value) for u in system.unknowns if u.value is not None)
    cap += sum(system.unknowns[i].upper for i in members if math.isfinite(system.unknowns[i].upper))
    cap = max(cap, 1.0) * 2 + 10
    lower = np.zeros(size)
    upper = np.ones(size)
    for unknown, k in columns.items():
        lower[k] = system.unknowns[unknown].lower
        upper[k] = min(system.unknowns[unknown].upper, cap)
    matrix = csr_array((vals, (rows, cols)), shape=(len(equations), size))
    equality = LinearConstraint(matrix, np.array(rhs), np.array(rhs))
    constraints = [equality]
    if gapped:
        # x - gap * z >= 0 and x - cap * z <= 0, z binary: x is 0 or at least gap.
        g_rows, g_cols, g_vals, g_low, g_high = [], [], [], [], []
        for n, unknown in enumerate(gapped):
            x, z = columns[unknown], len(members) + n
            gap = system.unknowns[unknown].gap or 0
            g_rows += [2 * n, 2 * n, 2 * n + 1, 2 * n + 1]
            g_cols += [x, z, x, z]
            g_vals += [1.0, -float(gap), 1.0, -float(upper[x])]
            g_low += [0.0, -np.inf]
            g_high += [np.inf, 0.0]
        gap_matrix = csr_array((g_vals, (g_rows, g_cols)), shape=(2 * len(gapped), size))
        constraints.append(LinearConstraint(gap_matrix, np.array(g_low), np.array(g_high)))
    return _Programme(
        size=size,
        columns=columns,
        constraints=constraints,
        lower=lower,
        upper=upper,
        integer=np.ones(size),
        relaxed=[equality],
    )


def _optimise(p: _Programme, column: int, sign: float, integer: bool) -> np.ndarray | None:
    objective = np.zeros(p.size)
    objective[column] = sign
    return _solve(p, objective, integer)


def _solve(p: _Programme, objective: np.ndarray, integer: bool) -> np.ndarray | None:
    outcome = milp(
        objective,
        constraints=p.constraints if integer else p.relaxed,
        integrality=p.integer if integer else np.zeros(p.size),
        bounds=Bounds(p.lower, p.upper),
    )
    if outcome.x is None:
        return None
    return np.asarray(outcome.x)


def _solve_component(
    system: LinearSystem,
    members: list[int],
    equations: list[list[tuple[int, int]]],
    intervals: bool,
    narrow: float,
) -> dict[int, Interval]:
    p = _programme(system, members, equations)
    targets = [i for i in members if system.unknowns[i].target]
    exact = len(members) <= EXACT_COMPONENT_SIZE
    seen_low: dict[int, float] = {}
    seen_high: dict[int, float] = {}
    result: dict[int, Interval] = {}

    def witness(solution: np.ndarray) -> None:
        for i in targets:
            v = float(solution[p.columns[i]])
            seen_low[i] = min(seen_low.get(i, v), v)
            seen_high[i] = max(seen_high.get(i, v), v)

    if not intervals:
        _gather_witnesses(p, targets, witness, seen_low, seen_high)

    for i in targets:
        if not intervals and seen_high.get(i, 0) - seen_low.get(i, 0) >= RECOVERED_WIDTH:
            result[i] = Interval(seen_low[i], seen_high[i], "witnessed")
            continue
        column = p.columns[i]
        method = "milp"
        if not exact:
            low_lp = _optimise(p, column, 1.0, integer=False)
            high_lp = _optimise(p, column, -1.0, integer=False)
            if low_lp is None or high_lp is None:
                result[i] = Interval(0, math.inf, "inconsistent")
                continue
            lp = (float(low_lp[column]), float(high_lp[column]))
            if lp[1] - lp[0] >= narrow:
                result[i] = Interval(lp[0], _unbounded(lp[1], p.upper[column], i, system), "lp")
                continue
            method = "lp+milp"
        low = _optimise(p, column, 1.0, integer=True)
        if low is None:
            # Infeasible: the attacker's assumptions (such as a guessed link) are wrong,
            # so they pin nothing down.
            result[i] = Interval(0, math.inf, "inconsistent")
            continue
        witness(low)
        if not intervals and seen_high[i] - seen_low[i] >= RECOVERED_WIDTH:
            result[i] = Interval(seen_low[i], seen_high[i], "witnessed")
            continue
        high = _optimise(p, column, -1.0, integer=True)
        if high is None:
            result[i] = Interval(0, math.inf, "inconsistent")
            continue
        witness(high)
        result[i] = Interval(
            round(float(low[column]), 6),
            _unbounded(round(float(high[column]), 6), p.upper[column], i, system),
            method,
        )
    return result


def _gather_witnesses(
    p: _Programme,
    targets: list[int],
    witness: Callable[[np.ndarray], None],
    seen_low: dict[int, float],
    seen_high: dict[int, float],
) -> None:
    """Solutions pushing unsettled cells away from the values seen so far.

    Most cells take different values in two of them, which proves they are not
    recoverable without solving for their own interval.
    """
    rng = np.random.default_rng(len(targets))
    for attempt in range(WITNESS_SOLVES):
        unsettled = [i for i in targets if seen_high.get(i, 0) - seen_low.get(i, 0) < 1]
        if not unsettled:
            return
        direction = np.zeros(p.size)
        for i in unsettled:
            column = p.columns[i]
            if attempt == 0:
                direction[column] = rng.uniform(-1.0, 1.0)
            else:
                down = seen_high[i] > p.lower[column] + 0.5
                direction[column] = rng.uniform(0.5, 1.0) * (1 if down else -1)
        solution = _solve(p, direction, integer=True)
        if solution is None:
            return
        witness(solution)
        settled = len(unsettled) - sum(1 for i in unsettled if seen_high[i] - seen_low[i] < 1)
        if attempt > 0 and settled * 20 < len(unsettled):
            return


def _unbounded(value: float, cap: float, unknown: int, system: LinearSystem) -> float:
    """``math.inf`` when the largest value is only the artificial cap."""
    if math.isfinite(system.unknowns[unknown].upper):
        return value
    return math.inf if value >= cap - 0.5 else value


def rounding_range(value: float, base: int, threshold: int) -> tuple[float, float]:
    """Whole values that round (half up) to a published ``value`` and were publishable.

    A publishable count is 0 or above the threshold (1..threshold is withheld).
    """
    low = math.ceil(value - base / 2)
    high = math.ceil(value + base / 2) - 1
    low = max(low, 0)
    if low <= 0 and high <= threshold:
        return 0.0, 0.0
    if low >= 1:
        low = max(low, threshold + 1)
    return float(low), float(high)
