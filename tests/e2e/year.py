"""A year of results for the whole country: 34 provinces (from 1 July 2025) x 12 targets.

Builds the pact through the API and writes its results as a ministry exporter
would: CSV in Vietnamese number forms (1.234,5 · 1 234,5 · 12,5%), with a BOM.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from fastapi.testclient import TestClient

from tests.e2e.api import API, ok

PROVINCES = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip
CLUSTER = "ca-nuoc"
PACT = "ca-nuoc-2025"
TARGETS = tuple(f"CT{k:02d}" for k in range(1, 13))
HEADER = "unit_id,target_code,value,reported_on,source,note"


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).lower().replace(" ", "-")


UNITS = tuple(slug(p) for p in PROVINCES)


def set_up(client: TestClient) -> None:
    """The 34 departments, one cluster of them all, the 2025 pact and its 12 targets."""
    for unit_id, province in zip(UNITS, PROVINCES, strict=True):
        body = {"id": unit_id, "name": f"Sở Công Thương {province}", "province": province}
        ok(client.post(f"{API}/units", json=body), 201)
    cluster = {
        "id": CLUSTER,
        "name": "Các Sở Công Thương cả nước",
        "region": "Cả nước",
        "members": list(UNITS),
        "formed_on": "2025-07-01",
    }
    ok(client.post(f"{API}/clusters", json=cluster), 201)
    pact = {
        "id": PACT,
        "cluster_id": CLUSTER,
        "title": "Giao ước thi đua năm 2025",
        "year": 2025,
        "proposed_on": "2025-07-15",
    }
    ok(client.post(f"{API}/pacts", json=pact), 201)
    for code in TARGETS:
        target = {
            "code": code,
            "title": f"Chỉ tiêu {code}",
            "kind": "quantitative",
            "value": 1000,
            "weight": 5,
        }
        ok(client.post(f"{API}/pacts/{PACT}/targets", json=target))


def vietnamese(value: Decimal, form: int) -> str:
    """The value as a Vietnamese report writes it, in one of three forms."""
    whole, _, decimals = f"{value:.1f}".partition(".")
    groups = f"{int(whole):,}"
    if form == 0:
        return f"{groups.replace(',', '.')},{decimals}"  # 1.234,5
    if form == 1:
        return f"{groups.replace(',', ' ')},{decimals}"  # 1 234,5
    return f"{whole},{decimals}%"  # 1234,5%


def expected_value(i: int, k: int) -> Decimal:
    return Decimal(800 + 13 * i + 7 * k) + Decimal(k % 10) / 10


def rows(bad: dict[int, str] | None = None) -> list[str]:
    """The 408 data lines; ``bad`` replaces some (by 1-based row number)."""
    lines = []
    for i, unit_id in enumerate(UNITS):
        for k, code in enumerate(TARGETS):
            value = vietnamese(expected_value(i, k), (i + k) % 3)
            note = '"số liệu ước, chờ thống kê"' if k == 0 else ""
            lines.append(
                f'{unit_id},{code},"{value}",2025-12-31,"Báo cáo tổng kết năm 2025, Sở Công Thương",{note}'
            )
    for row, line in (bad or {}).items():
        lines[row - 1] = line
    return lines


def csv_body(lines: list[str], bom: bool = True) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join([HEADER, *lines, ""]).encode()
