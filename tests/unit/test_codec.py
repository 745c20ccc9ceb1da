"""The codec's generated encoders write exactly what the plain definition would:
every field, dates as ISO text, tuples as lists, and the JSON text of that dict."""

import dataclasses
import json
import typing
from datetime import date, datetime
from types import UnionType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.db import dumps
from app.domain.events import EVENT_TYPES
from app.events import codec
from app.projections import replay


def _members(hint: object) -> set[object]:
    if typing.get_origin(hint) in (typing.Union, UnionType):
        return {m for arg in typing.get_args(hint) for m in _members(arg)}
    return {typing.get_origin(hint) or hint}


def _strategy(hint: object) -> st.SearchStrategy:
    """Values of the declared type, and the off-type values callers do pass
    (an int where a float is declared, a datetime for a date, NaN)."""
    options = []
    for member in _members(hint):
        if member is type(None):
            options.append(st.none())
        elif member is str:
            # Quotes, backslashes, control characters, diacritics, lone surrogates.
            options.append(st.text(st.characters(codec=None, categories=None)))
        elif member is float:
            options += [st.floats(allow_nan=True, allow_infinity=True), st.integers()]
        elif member is int:
            options.append(st.integers())
        elif member is bool:
            options.append(st.booleans())
        elif member is date:
            options += [st.dates(), st.datetimes()]
        elif member is tuple:
            items = st.lists(st.text(), max_size=4)
            # Other iterables too: encode() lists whatever it is given.
            options += [items.map(tuple), items, st.text(max_size=3), st.frozensets(st.text(), max_size=3)]
        else:  # a new field type: this test must learn it
            raise AssertionError(f"no strategy for {member}")
    return st.one_of(options)


def _events(cls: type) -> st.SearchStrategy:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: _strategy(hints[f.name]) for f in dataclasses.fields(cls)})


def _plain_encoding(event: object) -> dict:
    """The definition: each field by name, dates to ISO text, a tuple field's value as a list."""
    hints = typing.get_type_hints(type(event))
    data = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if value is not None and date in _members(hints[f.name]):
            value = value.isoformat()
        elif value is not None and tuple in _members(hints[f.name]):
            value = list(value)
        data[f.name] = value
    return data


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_generated_encoders_equal_the_plain_definition(name):
    @settings(max_examples=60, deadline=None)
    @given(_events(EVENT_TYPES[name]))
    def check(event):
        data = codec.encode(event)
        assert data == _plain_encoding(event)  # the same NaN object compares equal in a dict
        assert list(data) == [f.name for f in dataclasses.fields(event)]
        text = codec.encode_json(event)
        assert text == dumps(data)
        # The rebuild's parser reads it back as json does (compared as text: NaN != NaN).
        assert dumps(replay._loads(text)) == dumps(json.loads(text))

    check()


def test_a_result_reads_back_equal_and_keeps_its_diacritics():
    event = EVENT_TYPES["ResultRecorded"](
        unit_id="ha-tinh",
        target_code="CT-01",
        value=97.5,
        reported_as="97,5",
        reported_on=date(2025, 3, 1),
        source='Báo cáo "số" 12/BC-SCT\n',
        note=None,
    )

    text = codec.encode_json(event)

    assert '"source":"Báo cáo \\"số\\" 12/BC-SCT\\n"' in text
    assert codec.decode("ResultRecorded", 2, json.loads(text)) == event


def test_off_type_values_fall_back_to_the_json_encoder():
    event = EVENT_TYPES["ResultRecorded"](
        unit_id="u",
        target_code="t",
        value=float("nan"),
        reported_as=None,
        reported_on=datetime(2025, 3, 1, 8, 30),
        source="s",
    )

    text = codec.encode_json(event)

    assert '"value":NaN' in text and '"reported_on":"2025-03-01T08:30:00"' in text
    assert text == dumps(codec.encode(event))
