"""A cluster's figures per indicator for a year (số liệu toàn cụm), as the year-end report gives them.

An indicator is a quantitative target of the cluster's pact for the year; its
figures are the members' latest results. For each: how many members reported,
their mean and, where adding them up means something, their sum and each
member's share of it. Percentages and rates (a measure holding "%") are never
added: a sum of growth rates is no figure of the cluster, so they get the mean
alone. Exact decimals; shares are percent of the sum, unrounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Protocol

from app.domain.pact import Result, Target
from app.domain.sheet import points


class PactFigures(Protocol):
    """What cluster figures read of a pact: a Pact, or its read model's rows."""

    @property
    def parties(self) -> tuple[str, ...]: ...
    @property
    def targets(self) -> Mapping[str, Target]: ...
    @property
    def results(self) -> Mapping[tuple[str, str], Result]: ...


_EXACT = Context(prec=28, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    code: str
    title: str
    measure: str
    additive: bool
    values: Mapping[str, Decimal]  # unit id -> its latest result, in the pact's party order
    mean: Decimal | None
    total: Decimal | None  # None when not additive
    shares: Mapping[str, Decimal]  # unit id -> percent of the total; empty when not additive


def is_additive(measure: str) -> bool:
    return "%" not in measure


def cluster_indicators(pact: PactFigures) -> tuple[Indicator, ...]:
    indicators = []
    with localcontext(_EXACT):
        for target in pact.targets.values():
            if target.kind != "quantitative":
                continue
            values = {
                unit_id: points(result.value)
                for unit_id in pact.parties
                if (result := pact.results.get((unit_id, target.code))) is not None
            }
            additive = is_additive(target.measure)
            total = sum(values.values(), Decimal(0))
            shares = {u: v / total * 100 for u, v in values.items()} if additive and total > 0 else {}
            indicators.append(
                Indicator(
                    code=target.code,
                    title=target.title,
                    measure=target.measure,
                    additive=additive,
                    values=values,
                    mean=total / len(values) if values else None,
                    total=total if additive else None,
                    shares=shares,
                )
            )
    return tuple(indicators)
