"""The store's JSON encoding: compact, Vietnamese text kept as is, same as json.dumps."""

import json

import pytest

from app.db import dumps

VALUES = [
    {"name": "Sở Công Thương Hà Tĩnh", "score": 95.25, "missing": [], "note": None},
    {"nested": {"a": [1, 2.5, True, False, None]}, "": "", "quote": 'a "b" \\ c\n'},
    ["Tỉnh Đắk Lắk", 1e16, -0.0, 123456789012345678901234567890],
    "plain text",
    3.14,
    None,
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_is_compact_utf8_json(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(dumps(value)) == value


def test_dumps_keeps_diacritics_unescaped():
    assert dumps({"t": "Giao ước thi đua"}) == '{"t":"Giao ước thi đua"}'


def test_without_the_c_encoder_dumps_is_the_public_encoder(monkeypatch):
    from app import db

    monkeypatch.setattr(json.encoder, "c_make_encoder", None)  # as on an interpreter without it
    plain = db._one_shot_encoder()
    assert plain == db._ENCODER.encode
    assert [plain(v) for v in VALUES] == [dumps(v) for v in VALUES]
