"""Directed-graph algorithms the checks share, on adjacency lists keyed by node id.

Every function is linear in nodes plus edges and iterative (no recursion limit), and visits
neighbours in the order they are listed, so the same drawing always gives the same answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence

Adjacency = Mapping[str, Sequence[str]]


def reach(
    adjacency: Adjacency, starts: Iterable[str], through: Callable[[str], bool] = lambda _: True
) -> dict[str, str | None]:
    """Every node reachable from `starts`, with the node it was first reached from (None for
    a start). Paths continue only out of starts and nodes for which `through` holds; other
    nodes are reached but end the path."""
    parent: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for start in starts:
        if start not in parent:
            parent[start] = None
            queue.append(start)
    is_start = set(parent)
    while queue:
        current = queue.popleft()
        if current not in is_start and not through(current):
            continue
        for following in adjacency.get(current, ()):
            if following not in parent:
                parent[following] = current
                queue.append(following)
    return parent


def path_to(parent: Mapping[str, str | None], end: str) -> list[str]:
    """The path `reach` found to `end`, from its start."""
    path = [end]
    while (previous := parent[path[-1]]) is not None:
        path.append(previous)
    return path[::-1]


def reverse(adjacency: Adjacency) -> dict[str, list[str]]:
    backwards: dict[str, list[str]] = {}
    for source, targets in adjacency.items():
        for target in targets:
            backwards.setdefault(target, []).append(source)
    return backwards


def acyclic_order(adjacency: Adjacency, roots: Sequence[str]) -> tuple[list[str], set[tuple[str, str]]]:
    """The nodes reachable from `roots` in a topological order of the graph without its back
    edges (those that close a cycle on a depth-first walk from the roots), and those edges."""
    finished: list[str] = []
    state: dict[str, int] = {}  # 1 on the walk's stack, 2 finished
    back_edges: set[tuple[str, str]] = set()
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, index = stack[-1]
            targets = adjacency.get(node, ())
            if index == len(targets):
                stack.pop()
                state[node] = 2
                finished.append(node)
                continue
            stack[-1] = (node, index + 1)
            following = targets[index]
            if state.get(following) == 1:
                back_edges.add((node, following))
            elif following not in state:
                state[following] = 1
                stack.append((following, 0))
    return finished[::-1], back_edges
