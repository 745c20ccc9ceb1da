"""The demo data set: the facts of the five seed articles as the commands the API takes.

Every date or value the articles do not give is a named placeholder below, and
docs/demo-data.md lists each one with its reason. Order matters: the commands
run in one transaction, each against the state the earlier ones left.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.demo import texts, world
from app.domain import commands as c

# --- dates the articles give (the placeholders of the world's are in app.demo.world) ---

CONFERENCE_10 = date(2022, 5, 13)  # 003: lần thứ X, Thanh Hóa hosts
CLUSTER_2_SIGNING = date(2023, 3, 24)  # 002: "Ngày 24/3" of the 2023 pact
HA_TINH_REVIEW = date(2020, 6, 26)  # 004: "Sáng 26/6", review of 2016–2020
LANG_SON_REVIEW = date(2011, 1, 24)  # 001: "Ngày 24/1/2011", review of 2010

SOURCE_001 = "Báo Lạng Sơn (LSO): hội nghị tổng kết năm 2010, 24/1/2011"
SOURCE_004 = "Baohatinh.vn: hội nghị điển hình tiên tiến giai đoạn 2016 - 2020, 26/6/2020"


def _signatures(pact_id: str, unit_ids: Iterable[str], signed_on: date) -> list[c.Command]:
    # The articles name no signatories, only "đại diện lãnh đạo" of each department.
    return [
        c.SignPact(
            pact_id=pact_id,
            unit_id=uid,
            signed_by=f"Đại diện lãnh đạo {world.department(world.UNITS[uid])}",
            signed_on=signed_on,
        )
        for uid in unit_ids
    ]


def _target(
    pact_id: str,
    code: str,
    title: str,
    measure: str,
    value: float,
    applies_to: tuple[str, ...] | None = None,
    set_on: date | None = None,
) -> c.SetTarget:
    # A7: the articles give no weights; every target weighs 1.
    return c.SetTarget(
        pact_id=pact_id,
        code=code,
        title=title,
        kind="quantitative",
        measure=measure,
        direction="at_least",
        value=value,
        weight=1.0,
        applies_to=applies_to,
        set_on=set_on,
    )


def _btb_2012() -> list[c.Command]:
    pid = "btb-2012"
    return [
        c.ProposePact(
            id=pid,
            cluster_id="bac-trung-bo",
            title="Giao ước thi đua năm 2012 giữa Sở Công Thương 6 tỉnh Bắc Trung Bộ",
            theme=texts.PACT_2012_THEME,
            year=2012,
            period_start=None,
            period_end=None,
            content_items=texts.PACT_2012_ITEMS,
            proposed_on=world.BTB_FORMED_ON,
        ),
        *_signatures(pid, world.NORTH_CENTRAL, world.BTB_FORMED_ON),
        _target(pid, "KH-2012", "Hoàn thành nhiệm vụ, kế hoạch năm 2012", "%", 100),
        # A8: "trên 90%" is modelled as at least 90.
        _target(pid, "TT-LDTT", "Tập thể đạt danh hiệu Tập thể lao động tiên tiến", "%", 90),
        _target(pid, "TT-LDXS", "Tập thể đạt danh hiệu Tập thể lao động xuất sắc", "%", 20),
        # A9: the article says "trên 90 cán bộ"; read as 90 % of staff, as DOMAIN does.
        _target(pid, "CB-LDTT", "Cán bộ đạt danh hiệu Lao động tiên tiến", "%", 90),
        # A23: "15% đạt CSTĐ" is most likely the legal ceiling (≤ 15% of the Advanced
        # Workers, Decree 91/2017 art. 9.3), not a goal: the title says it is a reading.
        _target(
            pid,
            "CB-CSTD",
            "Cán bộ đạt danh hiệu Chiến sĩ thi đua (diễn giải: 15% có lẽ là mức trần theo quy định)",
            "%",
            15,
        ),
    ]


def _btb_2022() -> list[c.Command]:
    pid = "btb-2022"
    return [
        c.ProposePact(
            id=pid,
            cluster_id="bac-trung-bo",
            title="Giao ước thi đua năm 2022, Sở Công Thương 6 tỉnh Bắc Trung Bộ (hội nghị lần thứ X)",
            theme=texts.PACT_2022_THEME,
            year=2022,
            period_start=None,
            period_end=None,
            content_items=(),  # the article lists none; its figures are the region's (A17)
            proposed_on=CONFERENCE_10,
        ),
        *_signatures(pid, world.NORTH_CENTRAL, CONFERENCE_10),
        c.HandOverHostFlag(
            cluster_id="bac-trung-bo",
            conference_number=11,
            year=2023,
            from_unit="thanh-hoa",
            to_unit="thua-thien-hue",
            handed_over_on=CONFERENCE_10,
        ),
    ]


def _cum2_2023() -> list[c.Command]:
    pid = "cum2-2023"
    return [
        c.ProposePact(
            id=pid,
            cluster_id="cum-2-dbbb",
            title=f"Giao ước thi đua năm 2023 {texts.CLUSTER_2_NAME}",
            theme=texts.PACT_2023_THEME,
            year=2023,
            period_start=None,
            period_end=None,
            content_items=texts.PACT_2023_ITEMS,
            proposed_on=CLUSTER_2_SIGNING,
        ),
        *_signatures(pid, world.CLUSTER_2_MEMBERS, CLUSTER_2_SIGNING),
    ]


def _ha_tinh_2016_2020() -> list[c.Command]:
    pid = "ha-tinh-2016-2020"
    # A10: the article reports achievements, not the targets behind them; it says the
    # department "hoàn thành vượt mức các chỉ tiêu", so each target is set to the figure
    # achieved, which scores the same full points as any lower true target would.
    achieved = (
        ("SX-TT", "Tốc độ tăng trưởng sản xuất bình quân", "%/năm", 46.67, None),
        (
            "CN-TY-TRONG",
            "Tỷ trọng công nghiệp trong cơ cấu kinh tế",
            "%",
            38.9,
            "Tăng nhanh, từ 12,42% lên 38,9%.",
        ),
        ("CCN", "Cụm công nghiệp được quy hoạch, thành lập", "cụm", 23, None),
        ("TM-DV", "Tốc độ tăng bình quân thương mại, dịch vụ", "%/năm", 5.5, None),
        ("XK", "Tốc độ tăng xuất khẩu", "%/năm", 56.42, None),
    )
    note = "Bài báo không nêu giá trị chỉ tiêu; giá trị chỉ tiêu lấy bằng kết quả (giả định A10)."
    commands: list[c.Command] = [
        c.ProposePact(
            id=pid,
            cluster_id="ha-tinh-noi-bo",
            title="Phong trào thi đua Sở Công Thương Hà Tĩnh giai đoạn 2016 - 2020",
            theme=texts.HA_TINH_2016_2020_THEME,
            year=None,
            period_start=2016,
            period_end=2020,
            content_items=texts.HA_TINH_2016_2020_ITEMS,
            proposed_on=world.HA_TINH_OWN_FROM,
        ),
    ]
    for code, title, measure, value, detail in achieved:
        commands.append(_target(pid, code, title, measure, value, ("ha-tinh",)))
        commands.append(
            c.RecordResult(
                pact_id=pid,
                unit_id="ha-tinh",
                target_code=code,
                value=value,
                reported_on=HA_TINH_REVIEW,
                source=SOURCE_004,
                note=" ".join(filter(None, (detail, note))),
            )
        )
    return [
        *commands,
        # A11: "Đảng và Nhà nước" are named together; by law the State President confers
        # orders. The decision date is not given: the date is the review that reported it.
        c.GrantAward(
            pact_id=pid,
            recipient_unit="ha-tinh",
            title="Huân chương Lao động hạng Nhất",
            conferred_by="Chủ tịch nước",
            granted_on=HA_TINH_REVIEW,
        ),
        c.GrantAward(
            pact_id=pid,
            recipient_unit="ha-tinh",
            title="Chiến sĩ thi đua cấp tỉnh (giai đoạn 2017 - 2019)",
            conferred_by="UBND tỉnh Hà Tĩnh",
            granted_on=HA_TINH_REVIEW,
            recipient_person="Hoàng Văn Quảng, Giám đốc Sở Công Thương Hà Tĩnh",
        ),
    ]


def _ha_tinh_2021_2025() -> list[c.Command]:
    pid = "ha-tinh-2021-2025"
    only = ("ha-tinh",)
    return [
        c.ProposePact(
            id=pid,
            cluster_id="ha-tinh-noi-bo",
            title="Chỉ tiêu thi đua Sở Công Thương Hà Tĩnh giai đoạn 2021 - 2025",
            theme=texts.HA_TINH_2021_2025_THEME,
            year=None,
            period_start=2021,
            period_end=2025,
            content_items=(),
            proposed_on=HA_TINH_REVIEW,
        ),
        _target(
            pid, "GTSXCN", "Tăng trưởng giá trị sản xuất công nghiệp", "%/năm", 11.9, only, HA_TINH_REVIEW
        ),
        _target(
            pid,
            "LCHH-DV",
            "Tốc độ tăng bình quân tổng mức lưu chuyển hàng hóa và doanh thu dịch vụ",
            "%/năm",
            11.96,
            only,
            HA_TINH_REVIEW,
        ),
        _target(pid, "XK-2025", "Kim ngạch xuất khẩu vào năm 2025", "tỷ USD", 2, only, HA_TINH_REVIEW),
        _target(pid, "PB-HTNV", "Phòng, ban, đơn vị hoàn thành tốt nhiệm vụ", "%", 100, only, HA_TINH_REVIEW),
    ]


def _lang_son_2010() -> list[c.Command]:
    pid = "lang-son-2010"
    return [
        c.ProposePact(
            id=pid,
            cluster_id="lang-son-noi-bo",
            title="Phong trào thi đua Sở Công Thương Lạng Sơn năm 2010",
            theme=texts.LANG_SON_2010_THEME,
            year=2010,
            period_start=None,
            period_end=None,
            content_items=(),
            proposed_on=world.LANG_SON_OWN_FROM,
        ),
        # A12: the plan value is not given, only that it was missed: a yes/no target.
        c.SetTarget(
            pact_id=pid,
            code="GTSXCN-KH",
            title="Giá trị sản xuất công nghiệp đạt kế hoạch năm 2010",
            kind="qualitative",
            measure="đạt/không đạt",
            direction="at_least",
            value=None,
            weight=1.0,
        ),
        c.RecordResult(
            pact_id=pid,
            unit_id="lang-son",
            target_code="GTSXCN-KH",
            value=0.0,
            reported_on=LANG_SON_REVIEW,
            source=SOURCE_001,
            note="Không đạt kế hoạch; tăng trưởng 11,64% so với 2009.",
        ),
        # A13: no target for trade is given; the basic targets were met, so as in A10.
        _target(pid, "XNK", "Tăng trưởng tổng kim ngạch xuất nhập khẩu so với 2009", "%", 21),
        c.RecordResult(
            pact_id=pid,
            unit_id="lang-son",
            target_code="XNK",
            value=21.0,
            reported_on=LANG_SON_REVIEW,
            source=SOURCE_001,
            note="Tổng kim ngạch xuất nhập khẩu tăng 21%. Bài báo không nêu giá trị chỉ "
            "tiêu; giá trị chỉ tiêu lấy bằng kết quả (giả định A13).",
        ),
        # A14: received "năm qua"; the decision is not cited, the date is the review's.
        c.GrantAward(
            pact_id=pid,
            recipient_unit="lang-son",
            title="Cờ thi đua của Chính phủ",
            conferred_by="Chính phủ",
            granted_on=LANG_SON_REVIEW,
        ),
    ]


def demo_commands() -> list[c.Command]:
    return [
        *world.units(),
        *world.clusters(),
        *world.leadership(),
        *_btb_2012(),
        *_lang_son_2010(),
        *_ha_tinh_2016_2020(),
        *_ha_tinh_2021_2025(),
        *_btb_2022(),
        *_cum2_2023(),
        *world.changes_of_2025(),
    ]
