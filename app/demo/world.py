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
# Lạng Sơn is in no cluster in the articles; Phú Thọ only absorbs Vĩnh Phúc in 2025.
OTHERS = {"lang-son": "Lạng Sơn", "phu-tho": "Phú Thọ"}
UNITS = {**NORTH_CENTRAL, **RED_RIVER_DELTA, **OTHERS}

# absorbed -> successor, Resolution 202/2025/QH15 (only units registered here).
MERGED_INTO = {
    "quang-binh": "quang-tri",
    "hai-duong": "hai-phong",
    "thai-binh": "hung-yen",
    "ha-nam": "ninh-binh",
    "nam-dinh": "ninh-binh",
    "vinh-phuc": "phu-tho",
}


def department(province: str) -> str:
    return f"Sở Công Thương {province}"


def units() -> list[c.Command]:
    # The first command is the marker load_demo looks for: keep thanh-hoa first.
    return [c.RegisterUnit(id=uid, name=department(p), province=p) for uid, p in UNITS.items()]


def clusters() -> list[c.Command]:
    return [
        c.FormCluster(
            id="bac-trung-bo",
            name="Sở Công Thương 6 tỉnh Bắc Trung Bộ",
            region="Bắc Trung Bộ",
            members=tuple(NORTH_CENTRAL),
            formed_on=BTB_FORMED_ON,
        ),
        # A5: article 002 names no members; the 11 Red River Delta provinces are assumed.
        c.FormCluster(
            id="cum-2-dbbb",
            name=texts.CLUSTER_2_NAME,
            region="Đồng bằng Bắc bộ",
            members=tuple(RED_RIVER_DELTA),
            formed_on=CLUSTER_2_FORMED_ON,
        ),
        # A6: a department's own emulation movement needs a cluster to hang a pact on.
        c.FormCluster(
            id="ha-tinh-noi-bo",
            name="Phong trào thi đua nội bộ Sở Công Thương Hà Tĩnh",
            region="Hà Tĩnh",
            members=("ha-tinh",),
            formed_on=HA_TINH_OWN_FROM,
        ),
        c.FormCluster(
            id="lang-son-noi-bo",
            name="Phong trào thi đua nội bộ Sở Công Thương Lạng Sơn",
            region="Lạng Sơn",
            members=("lang-son",),
            formed_on=LANG_SON_OWN_FROM,
        ),
    ]


def changes_of_2025() -> list[c.Command]:
    commands: list[c.Command] = [
        c.RenameUnit(unit_id="thua-thien-hue", name=department("Huế"), province="Huế", effective_on=HUE_CITY),
    ]
    # The merge handler moves each absorbed unit's cluster seats to its successor.
    for absorbed, successor in MERGED_INTO.items():
        commands.append(
            c.MergeUnit(unit_id=absorbed, into=successor, effective_on=MERGERS, legal_basis=MERGER_BASIS)
        )
    return commands
