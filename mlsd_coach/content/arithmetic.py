"""The fact sheet's arithmetic: a case's `checks` are simple relations between its scale
numbers ("430M a day is about 5,000 a second"), evaluated when the case is loaded so that a
fact sheet cannot contradict itself where the contradiction is a sum.

Expressions are numbers joined by + - * / ** and brackets, with thousands separators and the
suffixes k, M, B and % allowed ("1.2B", "0.1%"); nothing else is evaluated."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable

MAX_EXPRESSION = 300
_SUFFIXES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "%": 1e-2}
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?|\.\d+)([kKMB%]?)")
_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


class NotArithmetic(ValueError):
    """An expression that is not plain arithmetic on numbers."""


def evaluate(expression: str) -> float:
    """The value of `expression`, or NotArithmetic saying why it cannot be read."""
    if len(expression) > MAX_EXPRESSION:
        raise NotArithmetic(f"longer than {MAX_EXPRESSION} characters")

    def plain(match: re.Match[str]) -> str:
        number = float(match.group(1).replace(",", ""))
        return repr(number * _SUFFIXES.get(match.group(2), 1.0))

    source = _NUMBER.sub(plain, expression)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise NotArithmetic(f"'{expression}' is not arithmetic on numbers") from None
    return _value(tree.body, expression)


def _value(node: ast.expr, expression: str) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_value(node.operand, expression)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _value(node.left, expression), _value(node.right, expression)
        if isinstance(node.op, ast.Pow) and abs(right) > 20:
            raise NotArithmetic(f"'{expression}': exponents above 20 are not needed here")
        try:
            return _OPERATORS[type(node.op)](left, right)
        except ZeroDivisionError:
            raise NotArithmetic(f"'{expression}' divides by zero") from None
    raise NotArithmetic(f"'{expression}' may hold only numbers, + - * / ** and brackets")


def holds(left: float, right: float, relation: str, within: float) -> bool:
    """Whether `left relation right` holds; "about" allows `within` relative error."""
    if relation == "at_most":
        return left <= right * (1 + within)
    if relation == "at_least":
        return left >= right * (1 - within)
    return abs(left - right) <= within * max(abs(left), abs(right))
