"""The demo data set: loaded whole, once, and the seed articles' facts readable back."""

import shutil
import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa

from app.demo import META, load_demo
from app.demo.data import demo_commands
from app.domain import commands as c
from app.domain import errors
from app.events.schema import events
from app.projections import queries
from app.projections import tables as t
from tests.conftest import make_ledger


def _count(ledger) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()


def _rows(ledger, query):
    with ledger.engine.connect() as conn:
        return conn.execute(query).mappings().all()


@pytest.fixture
def demo(ledger):
    written = load_demo(ledger)
    assert written == _count(ledger) > 0
    return ledger


def test_loading_twice_writes_nothing_more(demo):
    before = _count(demo)
    assert load_demo(demo) == 0
    assert _count(demo) == before


def test_every_demo_event_is_tagged_as_coming_from_the_demo(demo):
    metadata = _rows(demo, sa.select(events.c.metadata))
    assert {(m["metadata"]["actor"], m["metadata"]["source"]) for m in metadata} == {("demo-loader", "demo")}


def test_a_clash_records_nothing(ledger):
    ledger.bus.handle(c.RegisterUnit(id="ha-noi", name="Sở Công Thương Hà Nội", province="Hà Nội"))
    with pytest.raises(errors.AlreadyExists):
        load_demo(ledger)
    assert _count(ledger) == 1


def test_thanh_hoa_handed_the_host_flag_of_conference_11_to_thua_thien_hue(demo):
    (handover,) = _rows(demo, sa.select(t.host_handovers))
    assert dict(handover) == {
        "cluster_id": "bac-trung-bo",
        "conference_number": 11,
        "year": 2023,
        "from_unit": "thanh-hoa",
        "to_unit": "thua-thien-hue",
        "handed_over_on": date(2022, 5, 13),
    }


def test_the_2022_pact_is_in_force_with_six_signatures_of_13_may(demo):
    (pact,) = _rows(demo, sa.select(t.pacts).where(t.pacts.c.id == "btb-2022"))
    signatures = _rows(demo, sa.select(t.pact_signatures).where(t.pact_signatures.c.pact_id == "btb-2022"))
    assert pact["status"] == "in_force"
    assert {s["signed_on"] for s in signatures} == {date(2022, 5, 13)}
    assert len(signatures) == 6
    # The regional figures of article 003 are the region's indicators, not pact content.
    assert pact["content_items"] == []


def test_the_2023_cluster_2_pact_has_its_theme_and_seven_items(demo):
    (pact,) = _rows(demo, sa.select(t.pacts).where(t.pacts.c.id == "cum2-2023"))
    assert pact["theme"] == "Chủ động khắc phục khó khăn, đoàn kết, hợp tác, đổi mới và phát triển"
    assert len(pact["content_items"]) == 7
    # Only the member a source names (Hưng Yên, the 2023 chair) is listed.
    assert pact["status"] == "in_force" and pact["parties"] == ["hung-yen"]
    lead = _rows(demo, sa.select(t.leadership).where(t.leadership.c.cluster_id == "cum-2-dbbb"))
    assert [(r["year"], r["chair"], r["deputy"]) for r in lead] == [(2023, "hung-yen", None)]


def test_the_2012_pact_carries_the_registered_targets(demo):
    targets = _rows(demo, sa.select(t.pact_targets).where(t.pact_targets.c.pact_id == "btb-2012"))
    assert [(r["code"], r["value"]) for r in sorted(targets, key=lambda r: r["ordinal"])] == [
        ("KH-2012", 100),
        ("TT-LDTT", 90),
        ("TT-LDXS", 20),
        ("CB-LDTT", 90),
        ("CB-CSTD", 15),
    ]


def test_ha_tinh_results_awards_and_2021_2025_targets(demo):
    results = _rows(demo, sa.select(t.pact_results).where(t.pact_results.c.pact_id == "ha-tinh-2016-2020"))
    assert {r["target_code"]: r["value"] for r in results}["XK"] == 56.42
    awards = _rows(demo, sa.select(t.pact_awards).where(t.pact_awards.c.pact_id == "ha-tinh-2016-2020"))
    assert {(a["title"], a["recipient_person"], a["conferred_by"]) for a in awards} == {
        ("Huân chương Lao động hạng Nhất", None, "Chủ tịch nước"),
        (
            "Chiến sĩ thi đua cấp tỉnh (giai đoạn 2017 - 2019)",
            "Hoàng Văn Quảng, Giám đốc Sở Công Thương Hà Tĩnh",
            "UBND tỉnh Hà Tĩnh",
        ),
    }
    targets = _rows(demo, sa.select(t.pact_targets).where(t.pact_targets.c.pact_id == "ha-tinh-2021-2025"))
    assert {r["code"]: r["value"] for r in targets} == {
        "GTSXCN": 11.9,
        "LCHH-DV": 11.96,
        "XK-2025": 2,
        "PB-HTNV": 100,
    }
    assert {tuple(r["applies_to"]) for r in targets} == {("ha-tinh",)}


def test_lang_son_2010_missed_the_plan_and_won_the_government_flag(demo):
    results = _rows(demo, sa.select(t.pact_results).where(t.pact_results.c.unit_id == "lang-son"))
    by_code = {r["target_code"]: r for r in results}
    assert by_code["GTSXCN-KH"]["value"] == 0 and "11,64%" in by_code["GTSXCN-KH"]["note"]
    assert by_code["XNK"]["value"] == 21
    (award,) = _rows(demo, sa.select(t.pact_awards).where(t.pact_awards.c.pact_id == "lang-son-2010"))
    assert award["title"] == "Cờ thi đua của Chính phủ"  # the article gives no year of work


def test_the_2025_changes(demo):
    units = {r["id"]: r for r in _rows(demo, sa.select(t.units))}
    assert units["thua-thien-hue"]["name"] == "Sở Công Thương Huế"
    assert units["thua-thien-hue"]["merged_into"] is None
    assert (units["quang-binh"]["merged_into"], units["quang-binh"]["merged_on"]) == (
        "quang-tri",
        date(2025, 7, 1),
    )
    assert {u["id"] for u in units.values() if u["merged_into"] == "ninh-binh"} == {"ha-nam", "nam-dinh"}
    current = _rows(demo, sa.select(t.cluster_members).where(t.cluster_members.c.left_on.is_(None)))
    seats = {(r["cluster_id"], r["unit_id"]) for r in current}
    assert ("bac-trung-bo", "quang-tri") in seats and ("bac-trung-bo", "quang-binh") not in seats
    assert {u for k, u in seats if k == "bac-trung-bo"} == {
        "thanh-hoa",
        "nghe-an",
        "ha-tinh",
        "quang-tri",
        "thua-thien-hue",
    }
    assert {u for k, u in seats if k == "cum-2-dbbb"} == {"hung-yen"}
    # Bình Định and Phú Yên left; their successors sit in no cluster the demo knows:
    # the South Central Coast cluster waits for a decision, no one is seated twice.
    assert {u for k, u in seats if k == "nam-trung-bo"} == {"da-nang", "quang-ngai", "khanh-hoa"}
    pending = _rows(
        demo, sa.select(t.cluster_repartitions).where(t.cluster_repartitions.c.decided_on.is_(None))
    )
    assert {(r["cluster_id"], r["unit_id"], r["successor"]) for r in pending} == {
        ("nam-trung-bo", "binh-dinh", "gia-lai"),
        ("nam-trung-bo", "phu-yen", "dak-lak"),
    }
    emulation = {r["id"] for r in _rows(demo, sa.select(t.clusters).where(t.clusters.c.kind == "emulation"))}
    seated = [u for k, u in seats if k in emulation]
    assert len(seated) == len(set(seated))


def test_the_cooperation_conference_is_not_cluster_vi(demo):
    clusters = {r["id"]: r for r in _rows(demo, sa.select(t.clusters))}
    assert (clusters["bac-trung-bo"]["kind"], clusters["cum-vi"]["kind"]) == ("cooperation", "emulation")
    lead = _rows(
        demo, sa.select(t.leadership).where(t.leadership.c.cluster_id.in_(["bac-trung-bo", "cum-vi"]))
    )
    # Nghệ An chaired cluster VI for 2023 while the conference flag went to Thừa Thiên Huế.
    assert [(r["cluster_id"], r["year"], r["chair"]) for r in lead] == [("cum-vi", 2023, "nghe-an")]


def test_vietnamese_text_is_stored_in_nfc(demo):
    texts = [r["name"] for r in _rows(demo, sa.select(t.units))]
    for pact in _rows(demo, sa.select(t.pacts)):
        texts += [pact["title"], pact["theme"], *pact["content_items"]]
    texts += [r["title"] for r in _rows(demo, sa.select(t.pact_targets))]
    assert "Sở Công Thương Thanh Hóa" in texts
    assert all(unicodedata.is_normalized("NFC", s) for s in texts)


def test_the_demo_commands_are_all_in_nfc():
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                yield from strings(item)

    for command in demo_commands():
        for field in command.__slots__:
            for s in strings(getattr(command, field)):
                assert unicodedata.is_normalized("NFC", s), (command, field)


def test_each_event_of_a_batch_names_the_command_that_recorded_it(demo, sqlite_template, tmp_path):
    """The demo is one batch; its metadata must say what recording each command alone says."""
    reference_path = tmp_path / "one-by-one.db"
    shutil.copy(sqlite_template, reference_path)
    one_by_one = make_ledger(f"sqlite:///{reference_path}")
    try:
        for command in demo_commands():
            one_by_one.bus.handle(command, META)
        expected = _commands_by_event(one_by_one)
    finally:
        one_by_one.close()

    recorded = _commands_by_event(demo)

    assert recorded == expected
    commands = set(recorded.values())
    assert {"RegisterUnit", "FormCluster", "ProposePact", "SignPact", "RecordResult"} <= commands


def _commands_by_event(ledger) -> dict[tuple[str, int], str]:
    query = sa.select(events.c.stream_id, events.c.version, events.c.metadata)
    return {(r["stream_id"], r["version"]): r["metadata"]["command"] for r in _rows(ledger, query)}


def test_the_demo_scores_as_before_and_ranks_nobody_where_nothing_is_scored(demo):
    """No demo pact adopts a score sheet: each scores by its flat targets, as before issue 14."""
    with demo.engine.connect() as conn:
        pacts = [p["id"] for p in queries.list_pacts(conn, None, None)]
        scores = {pact_id: queries.pact_scores(conn, pact_id) for pact_id in pacts}

    ranked = {
        p: [(s["rank"], s["unit_id"], s["score"], s.get("stage")) for s in v["standings"]]
        for p, v in scores.items()
    }
    # Lạng Sơn 2010: the plan missed (qualitative, 0 of weight 1), trade met (1 of 1): 100 x 1 / 2.
    assert ranked["lang-son-2010"] == [(1, "lang-son", 50.0, None)]
    # Hà Tĩnh 2016-2020: every target's value is its result (assumption A10): 100.
    assert ranked["ha-tinh-2016-2020"] == [(1, "ha-tinh", 100.0, None)]
    assert all(v["score_sheet"] is None for v in scores.values())
    # Targets without a result, or no targets at all: nobody ranked, the reason given.
    assert {p: v["not_scoreable"] for p, v in scores.items() if v["not_scoreable"]} == {
        "btb-2012": "pact btb-2012 has no results yet",
        "ha-tinh-2021-2025": "pact ha-tinh-2021-2025 has no results yet",
        "btb-2022": "pact btb-2022 has no targets and no score sheet",
        "cum2-2023": "pact cum2-2023 has no targets and no score sheet",
    }
