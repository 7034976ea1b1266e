"""Which missing facts could still change a criterion, given the facts that are known.

A criterion such as ``(age under 21 and foster-care history) or caregiver-dependent`` is
undetermined for a 36-year-old whose caregiver status is unknown; asking for the foster-care
history would be noise, because no answer to it can change the result: the age already settles
that branch. So a missing fact counts only if it sits under a part of the rule that the known
facts leave open.

The rule is split at its logical operators (``and``, ``or``, ``!``, ``!!``, ``if``) into
*atoms* (comparisons, ``in``, date tests, ``missing`` …), which are compiled once, lazily, as a
criteria set of their own and evaluated on the assessment's snapshot of the facts. Walking back
up, an ``and`` with a part that is false whatever the missing facts say is false with nothing
to ask (an ``or`` with such a true part, likewise), and a settled ``if`` condition keeps only
the branch it picks. An atom's missing facts are asked for when the atom is undetermined, or
when it tests their absence with ``missing`` (then supplying them turns it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lieu.platform.rules.errors import EvaluationError
from lieu.platform.rules.facts import absence_reads, tree_reads
from lieu.platform.rules.reasons import Status
from lieu.platform.rules.relevance_code import Opened, compile_opened
from lieu.platform.rules.syntax import Node, Operation

if TYPE_CHECKING:
    from lieu.platform.rules.eligibility import CompiledCriteria, Criterion

HELD, FAILED, OPEN = Status.HELD, Status.FAILED, Status.UNDETERMINED
_LOGICAL = frozenset({"and", "or", "!", "!!", "if", "?:"})
_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Atom:
    id: str
    reads: tuple[str, ...]
    absence: frozenset[str]
    node: Node


@dataclass(frozen=True, slots=True)
class _Logic:
    op: str
    parts: tuple[_Shape, ...]


_Shape = _Atom | _Logic


@dataclass(frozen=True, slots=True)
class _Judged:
    """A part's status, and the missing facts whose values could change it."""

    status: Status
    open: frozenset[str]


class Relevance:
    """For each criterion of a set, the missing facts that could change its status: from an
    assessment's snapshot (``opened``: generated code, ``relevance_code``), or from the facts
    rebuilt from it (``facts`` and ``open_facts``: criteria whose atoms need the whole facts)."""

    __slots__ = ("_atoms", "_code", "_each", "_reads", "_rules", "_sets", "_shapes", "_trees")

    def __init__(
        self,
        trees: Sequence[Node],
        rules: Sequence[object],
        reads: Sequence[tuple[tuple[str, int], ...]] = (),
    ) -> None:
        """``reads``: each criterion's (fact path, index of its value in a packed snapshot)."""
        self._trees = tuple(trees)
        self._rules = tuple(rules)
        self._reads = tuple(reads)
        self._shapes: tuple[_Shape, ...] | None = None
        self._sets: tuple[CompiledCriteria, ...] = ()
        self._atoms: dict[str, Criterion] = {}
        self._each: dict[str, CompiledCriteria] = {}
        self._code: dict[int, tuple[Opened, dict[int, frozenset[str]]] | None] = {}

    def opened(self, index: int, packed: tuple[object, ...]) -> frozenset[str] | None:
        """The missing facts that could change criterion ``index``, from an assessment's packed
        snapshot; None when its atoms need the whole facts (use ``facts``/``open_facts``)."""
        if not self._reads:
            return None
        if index not in self._code:
            from lieu.platform.rules.assessor import NAMESPACE

            opened = compile_opened(self._build()[index], self._reads[index], NAMESPACE)
            self._code[index] = None if opened is None else (opened, {})
        code = self._code[index]
        if code is None:
            return None
        opened, named = code
        bits = opened(packed)
        found = named.get(bits)
        if found is None:
            paths = self._reads[index]
            found = frozenset(path for j, (path, _) in enumerate(paths) if bits >> j & 1)
            named[bits] = found
        return found

    def _build(self) -> tuple[_Shape, ...]:
        from lieu.platform.rules.eligibility import compile_criteria

        if self._shapes is None:
            shapes, sets = [], []
            for index, (tree, rule) in enumerate(zip(self._trees, self._rules, strict=True)):
                atoms: list[Criterion] = []
                shapes.append(_shape(tree, rule, f"{index}", atoms))
                sets.append(compile_criteria(atoms))  # one function for a criterion's atoms
                self._atoms.update((atom.id, atom) for atom in atoms)
            self._sets = tuple(sets)
            self._shapes = tuple(shapes)
        return self._shapes

    def _status(self, atom_id: str, data: Mapping[str, object]) -> Status:
        """One atom alone: an atom in a branch the facts rule out may raise on them (a date
        test of a boolean), and must not stop the others from answering."""
        from lieu.platform.rules.eligibility import compile_criteria

        if atom_id not in self._each:
            self._each[atom_id] = compile_criteria([self._atoms[atom_id]])
        try:
            return self._each[atom_id].assess_data(data).statuses[atom_id]
        except EvaluationError:  # counted as open: it cannot settle anything
            return OPEN

    def facts(
        self, snapshot: Mapping[str, object | None]
    ) -> tuple[dict[str, object], frozenset[str]]:
        """The known facts rebuilt from an assessment's snapshot (path -> value, ``None`` when
        missing), and the paths that are missing."""
        absent = frozenset(path for path, value in snapshot.items() if value is None)
        return rebuild(snapshot), absent

    def open_facts(
        self, index: int, data: Mapping[str, object], absent: frozenset[str]
    ) -> frozenset[str]:
        """The missing facts (of ``absent``) that could change criterion ``index``, given the
        known ``data`` (from ``facts``)."""
        shapes = self._build()
        statuses: Mapping[str, Status]
        try:
            statuses = self._sets[index].assess_data(data).statuses
        except EvaluationError:  # some atom raises on these facts: evaluate them one by one
            statuses = _Statuses(self, data)
        return _judge(shapes[index], statuses, absent).open


class _Statuses(Mapping[str, Status]):
    """Atoms' statuses on one member's facts, each evaluated when first asked for."""

    def __init__(self, relevance: Relevance, data: Mapping[str, object]) -> None:
        self._relevance, self._data, self._seen = relevance, data, dict[str, Status]()

    def __getitem__(self, atom_id: str) -> Status:
        if atom_id not in self._seen:
            self._seen[atom_id] = self._relevance._status(atom_id, self._data)
        return self._seen[atom_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._seen)

    def __len__(self) -> int:
        return len(self._seen)


def _shape(node: Node, rule: object, prefix: str, atoms: list[Criterion]) -> _Shape:
    if (
        isinstance(node, Operation)
        and node.op in _LOGICAL
        and isinstance(rule, dict)
        and (node.args or node.op in ("if", "?:"))
    ):
        raw = rule[node.op]
        raws = raw if isinstance(raw, list) else [raw]
        if len(raws) == len(node.args):
            parts = tuple(
                _shape(arg, sub, prefix, atoms) for arg, sub in zip(node.args, raws, strict=True)
            )
            return _Logic(node.op, parts)
    from lieu.platform.rules.eligibility import Criterion

    atom_id = f"{prefix}{node.pointer or '/'}"
    atoms.append(Criterion(atom_id, atom_id, rule))
    return _Atom(atom_id, tree_reads(node), absence_reads(node), node)


def _judge(shape: _Shape, statuses: Mapping[str, Status], absent: frozenset[str]) -> _Judged:
    if isinstance(shape, _Atom):
        status = statuses[shape.id]
        asked = shape.reads if status is OPEN else shape.absence
        return _Judged(status, frozenset(path for path in asked if path in absent))
    parts = [_judge(part, statuses, absent) for part in shape.parts]
    if shape.op in ("!", "!!"):
        (inner,) = parts
        flipped = {HELD: FAILED, FAILED: HELD, OPEN: OPEN}[inner.status]
        return _Judged(flipped if shape.op == "!" else inner.status, inner.open)
    if shape.op in ("and", "or"):
        settles = FAILED if shape.op == "and" else HELD
        if any(part.status is settles and not part.open for part in parts):
            return _Judged(settles, _NOTHING)
        if any(part.status is settles for part in parts):
            status = settles
        elif any(part.status is OPEN for part in parts):
            status = OPEN
        else:
            status = HELD if shape.op == "and" else FAILED
        return _Judged(status, frozenset().union(*(part.open for part in parts)))
    return _branch(parts)


def _branch(parts: Sequence[_Judged]) -> _Judged:
    """``if`` [condition, then, condition, then, …, else]: no else reads as null (false)."""
    if not parts:
        return _Judged(FAILED, _NOTHING)
    if len(parts) == 1:
        return parts[0]
    condition, then, rest = parts[0], parts[1], _branch(parts[2:])
    if condition.status is HELD:
        status = then.status
    elif condition.status is FAILED:
        status = rest.status
    else:
        status = OPEN
    if not condition.open and condition.status is not OPEN:
        return _Judged(status, then.open if condition.status is HELD else rest.open)
    return _Judged(status, condition.open | then.open | rest.open)


def rebuild(snapshot: Mapping[str, object | None]) -> dict[str, object]:
    """Facts (nested by path) holding the snapshot's known values, for re-evaluating parts of
    rules; a value already inside a known ancestor's value is not written again (the ancestor is
    the member's own data and is never changed)."""
    data: dict[str, object] = {}
    whole: set[tuple[str, ...]] = set()
    for path, value in sorted(snapshot.items(), key=lambda item: item[0].count(".")):
        if value is None:
            continue
        keys = tuple(path.split("."))
        if any(keys[:cut] in whole for cut in range(1, len(keys))):
            continue
        node = data
        for key in keys[:-1]:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node.setdefault(keys[-1], value)
            whole.add(keys)
    return data
