"""The demo's world: the units, the clusters they form, and the changes of 2025.

The pacts of the seed articles (app.demo.data) are signed inside this world.
Every date the articles do not give is a named placeholder, listed with its reason
in docs/demo-data.md.
"""

from __future__ import annotations

from datetime import date

from app.demo import texts
from app.domain import commands as c

# First day of the year of the earliest fact about each group (placeholders).
BTB_FORMED_ON = date(2012, 1, 1)  # A1: the 2012 conference of article 000 is undated
CLUSTER_2_FORMED_ON = date(2023, 1, 1)  # A2: cluster no. 2 existed before 24/3/2023
CLUSTER_VI_FORMED_ON = date(2023, 1, 1)  # A20: cluster no. VI had a chair for 2023
SOUTH_CENTRAL_FORMED_ON = date(2025, 1, 1)  # A21: no source dates the South Central Coast cluster
HA_TINH_OWN_FROM = date(2016, 1, 1)  # A3: start of the 2016–2020 period
LANG_SON_OWN_FROM = date(2010, 1, 1)  # A4: start of the year 2010

# Dates the domain gives.
HUE_CITY = date(2025, 1, 1)  # DOMAIN: Thừa Thiên Huế becomes Huế city
MERGERS = date(2025, 7, 1)  # DOMAIN: new provinces operate from 1/7/2025
MERGER_BASIS = "Nghị quyết số 202/2025/QH15"

# --- units: id -> province (the department is "Sở Công Thương <province>") --------

NORTH_CENTRAL = {
    "thanh-hoa": "Thanh Hóa",
    "nghe-an": "Nghệ An",
    "ha-tinh": "Hà Tĩnh",
    "quang-binh": "Quảng Bình",
    "quang-tri": "Quảng Trị",
    "thua-thien-hue": "Thừa Thiên Huế",
}
RED_RIVER_DELTA = {
    "ha-noi": "Hà Nội",
    "hai-phong": "Hải Phòng",
    "quang-ninh": "Quảng Ninh",
    "hai-duong": "Hải Dương",
    "hung-yen": "Hưng Yên",
    "thai-binh": "Thái Bình",
    "ha-nam": "Hà Nam",
    "nam-dinh": "Nam Định",
    "ninh-binh": "Ninh Bình",
    "bac-ninh": "Bắc Ninh",
    "vinh-phuc": "Vĩnh Phúc",
}
# DOMAIN's South Central Coast cluster (sources found), and the successors of 2025.
SOUTH_CENTRAL = {
    "da-nang": "Đà Nẵng",
    "quang-nam": "Quảng Nam",
    "quang-ngai": "Quảng Ngãi",
    "binh-dinh": "Bình Định",
    "phu-yen": "Phú Yên",
    "khanh-hoa": "Khánh Hòa",
}
# Lạng Sơn is in no cluster in the articles; the others only take part in the 2025 mergers.
OTHERS = {
    "lang-son": "Lạng Sơn",
    "phu-tho": "Phú Thọ",
    "gia-lai": "Gia Lai",
    "dak-lak": "Đắk Lắk",
    "kon-tum": "Kon Tum",
    "ninh-thuan": "Ninh Thuận",
}
UNITS = {**NORTH_CENTRAL, **RED_RIVER_DELTA, **SOUTH_CENTRAL, **OTHERS}
# Cụm thi đua số 2 had 6 members in 2023; the only one a source names is its chair.
CLUSTER_2_MEMBERS = ("hung-yen",)

# absorbed -> successor, Resolution 202/2025/QH15 (only units registered here).
MERGED_INTO = {
    "quang-binh": "quang-tri",
    "hai-duong": "hai-phong",
    "thai-binh": "hung-yen",
    "ha-nam": "ninh-binh",
    "nam-dinh": "ninh-binh",
    "vinh-phuc": "phu-tho",
}
# DOMAIN marks these (effective 1/7/2025) unverified: labelled so in docs/demo-data.md.
MERGED_INTO_UNVERIFIED = {
    "quang-nam": "da-nang",
    "binh-dinh": "gia-lai",
    "phu-yen": "dak-lak",
    "kon-tum": "quang-ngai",
    "ninh-thuan": "khanh-hoa",
}


def department(province: str) -> str:
    return f"Sở Công Thương {province}"


def units() -> list[c.Command]:
    # The first command is the marker load_demo looks for: keep thanh-hoa first.
    return [c.RegisterUnit(id=uid, name=department(p), province=p) for uid, p in UNITS.items()]


def clusters() -> list[c.Command]:
    return [
        # The numbered cooperation conference of the six (host flag in rotation): not
        # the Ministry's emulation cluster no. VI, though its members are the same.
        c.FormCluster(
            id="bac-trung-bo",
            name="Hội nghị ngành Công Thương 6 tỉnh Bắc Trung Bộ",
            region="Bắc Trung Bộ",
            members=tuple(NORTH_CENTRAL),
            formed_on=BTB_FORMED_ON,
            kind="cooperation",
        ),
        c.FormCluster(
            id="cum-vi",
            name="Cụm thi đua số VI",
            region="Bắc Trung Bộ",
            members=tuple(NORTH_CENTRAL),
            formed_on=CLUSTER_VI_FORMED_ON,
        ),
        # A5: only the members a source names (Hưng Yên, the 2023 chair).
        c.FormCluster(
            id="cum-2-dbbb",
            name=texts.CLUSTER_2_NAME,
            region="Đồng bằng Bắc bộ",
            members=CLUSTER_2_MEMBERS,
            formed_on=CLUSTER_2_FORMED_ON,
        ),
        c.FormCluster(
            id="nam-trung-bo",
            name="Cụm thi đua Sở Công Thương các tỉnh Duyên hải Nam Trung Bộ",
            region="Duyên hải Nam Trung Bộ",
            members=tuple(SOUTH_CENTRAL),
            formed_on=SOUTH_CENTRAL_FORMED_ON,
        ),
        # A6: a department's own emulation movement needs a cluster to hang a pact on.
        c.FormCluster(
            id="ha-tinh-noi-bo",
            name="Phong trào thi đua nội bộ Sở Công Thương Hà Tĩnh",
            region="Hà Tĩnh",
            members=("ha-tinh",),
            formed_on=HA_TINH_OWN_FROM,
            kind="internal",
        ),
        c.FormCluster(
            id="lang-son-noi-bo",
            name="Phong trào thi đua nội bộ Sở Công Thương Lạng Sơn",
            region="Lạng Sơn",
            members=("lang-son",),
            formed_on=LANG_SON_OWN_FROM,
            kind="internal",
        ),
    ]


def leadership() -> list[c.Command]:
    """Chairs a source names; no source names a deputy or cites the decision (A22)."""
    return [
        c.AssignLeadership(
            cluster_id="cum-2-dbbb", year=2023, chair="hung-yen", deputy=None, decision_ref=""
        ),
        c.AssignLeadership(cluster_id="cum-vi", year=2023, chair="nghe-an", deputy=None, decision_ref=""),
    ]


def changes_of_2025() -> list[c.Command]:
    commands: list[c.Command] = [
        c.RenameUnit(unit_id="thua-thien-hue", name=department("Huế"), province="Huế", effective_on=HUE_CITY),
    ]
    # Each absorbed unit leaves its clusters on the day; a cluster its successor does
    # not sit in waits for an admin's decision (nam-trung-bo: Gia Lai, Đắk Lắk).
    for absorbed, successor in {**MERGED_INTO, **MERGED_INTO_UNVERIFIED}.items():
        commands.append(
            c.MergeUnit(unit_id=absorbed, into=successor, effective_on=MERGERS, legal_basis=MERGER_BASIS)
        )
    return commands
