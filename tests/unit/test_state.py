"""evolve copies a frozen state with some fields changed, like dataclasses.replace."""

import dataclasses
from datetime import date

from app.domain.cluster import Membership
from app.domain.state import evolve
from tests.unit.builders import a_pact


def test_evolve_equals_replace_and_leaves_the_original_alone():
    pact = a_pact()

    closed = evolve(pact, closed_on=date(2022, 12, 31))

    assert closed == dataclasses.replace(pact, closed_on=date(2022, 12, 31))
    assert pact.closed_on is None and closed.status == "closed"
    assert closed.targets is pact.targets


def test_evolve_works_on_every_slotted_state():
    membership = Membership("ha-tinh", date(2012, 1, 1))

    assert evolve(membership, left_on=date(2025, 7, 1)) == Membership(
        "ha-tinh", date(2012, 1, 1), date(2025, 7, 1)
    )


def test_evolve_refuses_a_field_the_state_does_not_have():
    import pytest

    with pytest.raises(TypeError):
        evolve(Membership("ha-tinh", date(2012, 1, 1)), joined="x")


def test_evolve_changing_several_fields_in_any_order():
    pact = a_pact()

    a = evolve(pact, closed_on=date(2022, 12, 31), title="Giao ước thi đua 2022")
    b = evolve(pact, title="Giao ước thi đua 2022", closed_on=date(2022, 12, 31))

    assert a == b == dataclasses.replace(pact, closed_on=date(2022, 12, 31), title="Giao ước thi đua 2022")


def test_folds_dispatch_on_the_exact_event_type_and_refuse_others():
    import pytest

    from app.domain import events as e
    from app.domain import pact as pact_module
    from app.domain.state import Folds

    with pytest.raises(TypeError, match="a pact stream cannot hold UnitRenamed"):
        pact_module.apply(e.UnitRenamed(name="x", province="y", effective_on=date(2020, 1, 1)), a_pact())

    folds = Folds("demo")

    @folds.register
    def _(event: e.PactClosed, state: object) -> object:
        return ("closed", event.closed_on, state)

    assert folds(e.PactClosed(closed_on=date(2022, 12, 31)), "s") == ("closed", date(2022, 12, 31), "s")
    with pytest.raises(TypeError, match="already has a fold"):
        folds.register(_)
