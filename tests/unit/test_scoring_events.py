"""The events and commands of scoring by sheet: frozen, keyword-only, events named in the past tense."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from app.domain import scoring_commands, scoring_events

COMMANDS = [
    cls
    for _, cls in inspect.getmembers(scoring_commands, inspect.isclass)
    if cls.__module__ == scoring_commands.__name__
]


@pytest.mark.parametrize("cls", [*scoring_events.SCORING_EVENT_TYPES, *COMMANDS], ids=lambda c: c.__name__)
def test_each_is_frozen_and_built_by_keyword_only(cls):
    params = cls.__dataclass_params__

    assert params.frozen
    assert all(f.kw_only for f in dataclasses.fields(cls))


@pytest.mark.parametrize("cls", scoring_events.SCORING_EVENT_TYPES, ids=lambda c: c.__name__)
def test_an_event_is_named_for_what_happened(cls):
    assert cls.__name__.endswith("ed")
    assert cls.STREAM_TYPE in {"sheet", "pact", "assessment"}
