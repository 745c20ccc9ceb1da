"""What each schema of the OpenAPI document means, with an example from the demo data.

Kept beside the models rather than in them so that the bodies stay readable; a test
checks that every schema of the document has its entry here and that each example
is valid against its schema (tests/e2e/test_openapi_contract.py).
"""

from __future__ import annotations

from typing import Any

_UNIT = {
    "id": "quang-binh",
    "name": "Sở Công Thương Quảng Bình",
    "province": "Quảng Bình",
    "merged_into": "quang-tri",
    "merged_on": "2025-07-01",
    "version": 2,
}
_MEMBERSHIP = {"unit_id": "quang-binh", "joined_on": "2012-01-01", "left_on": "2025-07-01"}
_CLUSTER = {
    "id": "bac-trung-bo",
    "name": "Sở Công Thương 6 tỉnh Bắc Trung Bộ",
    "region": "Bắc Trung Bộ",
    "formed_on": "2012-01-01",
    "members": ["ha-tinh", "nghe-an", "quang-tri", "thanh-hoa", "thua-thien-hue"],
    "memberships": [{"unit_id": "ha-tinh", "joined_on": "2012-01-01", "left_on": None}, _MEMBERSHIP],
    "flag_holder": "thua-thien-hue",
    "last_conference_number": 11,
    "version": 3,
}
_HANDOVER = {
    "conference_number": 11,
    "year": 2023,
    "from_unit": "thanh-hoa",
    "to_unit": "thua-thien-hue",
    "handed_over_on": "2022-05-13",
}
_LEADERSHIP = {"year": 2023, "chair": "thua-thien-hue", "deputy": "thanh-hoa", "decision_ref": "QĐ 12/BCT"}
_STANDING = {
    "rank": 1,
    "unit_id": "lang-son",
    "unit_name": "Sở Công Thương Lạng Sơn",
    "score": 1.0,
    "points": {"GTSXCN-KH": 0.0, "XNK": 1.0},
    "missing": [],
}
_HOST = {"unit_id": "thanh-hoa", "conference_number": 10}
_SUMMARY = {
    "id": "btb-2022",
    "cluster_id": "bac-trung-bo",
    "title": "Giao ước thi đua năm 2022, Sở Công Thương 6 tỉnh Bắc Trung Bộ (hội nghị lần thứ X)",
    "theme": "phấn đấu hoàn thành thắng lợi các mục tiêu, nhiệm vụ trên lĩnh vực công thương năm 2022",
    "year": 2022,
    "period_start": None,
    "period_end": None,
    "content_items": ["Năm 2021, kim ngạch xuất khẩu toàn vùng đạt 11,28 tỷ USD."],
    "parties": ["thanh-hoa", "nghe-an", "ha-tinh", "quang-binh", "quang-tri", "thua-thien-hue"],
    "proposed_on": "2022-05-13",
    "attainment_cap": 1.0,
    "status": "in_force",
    "closed_on": None,
    "version": 7,
}
_SIGNATURE = {
    "unit_id": "ha-tinh",
    "signed_by": "Đại diện lãnh đạo Sở Công Thương Hà Tĩnh",
    "signed_on": "2022-05-13",
}
_TARGET = {
    "code": "XNK",
    "ordinal": 2,
    "title": "Tăng trưởng tổng kim ngạch xuất nhập khẩu so với 2009",
    "kind": "quantitative",
    "measure": "%",
    "direction": "at_least",
    "value": 21.0,
    "weight": 1.0,
    "applies_to": None,
}
_RESULT = {
    "unit_id": "lang-son",
    "target_code": "XNK",
    "value": 23.5,
    "reported_on": "2011-01-24",
    "source": "Báo Lạng Sơn (LSO): hội nghị tổng kết năm 2010, 24/1/2011",
    "note": None,
}
_AWARD = {
    "seq": 1,
    "recipient_unit": "ha-tinh",
    "recipient_person": None,
    "title": "Huân chương Lao động hạng Nhất",
    "conferred_by": "Chủ tịch nước",
    "decision_ref": None,
    "granted_on": "2020-06-26",
}
_HASH = "7abadb11f3bf2223b023de1e2ab5602a6a896cbef4a925b526387a91926e6880"
_EVENT = {
    "position": 76,
    "event_id": "01a23448-b558-70fb-a23c-254fd4d42949",
    "stream_id": "pact:btb-2022",
    "stream_type": "pact",
    "version": 2,
    "type": "PactSigned",
    "schema_version": 1,
    "data": _SIGNATURE,
    "metadata": {"actor": "vp-bct", "actor_role": "admin", "source": "api", "reason": "ký giao ước"},
    "occurred_on": "2022-05-13",
    "recorded_at": "2026-12-02T01:05:09.976213Z",
    "prev_hash": _HASH,
    "hash": "6861228445534f03761bedd5bf330adae0b261c847f11746ceadf71cde6f1b45",
}
_CHECKPOINT = {
    "position": 94,
    "hash": _HASH,
    "signed_at": "2026-12-02T01:05:10Z",
    "key_id": "b3f1c2d4e5a6",
    "signature": "kE2z0R9m3Q6XyqJ1bqk3m0Yx8b0n3gGJ6f1e8v9y2c4u7w5s1a0d3f6h9j2l5n8p0r3t6v9x2z5b8d1g4j7m0p3sAA",
}
_NEXT = "https://pacts.example.gov.vn/api/v1/events?limit=100&after=176"

SCHEMAS: dict[str, tuple[str, dict[str, Any]]] = {
    # Requests
    "UnitIn": (
        "A Department of Industry and Trade (Sở Công Thương) to register.",
        {"id": "ha-tinh", "name": "Sở Công Thương Hà Tĩnh", "province": "Hà Tĩnh"},
    ),
    "RenameIn": (
        "A unit's new name and province, from a date.",
        {"name": "Sở Công Thương Huế", "province": "Huế", "effective_on": "2025-01-01"},
    ),
    "MergeIn": (
        "A merger (sáp nhập): the unit continues as ``into`` from ``effective_on``.",
        {"into": "quang-tri", "effective_on": "2025-07-01", "legal_basis": "Nghị quyết 202/2025/QH15"},
    ),
    "ClusterIn": (
        "An emulation cluster (cụm thi đua) to form, with its first members.",
        {
            "id": "bac-trung-bo",
            "name": "Sở Công Thương 6 tỉnh Bắc Trung Bộ",
            "region": "Bắc Trung Bộ",
            "members": ["thanh-hoa", "nghe-an", "ha-tinh", "quang-binh", "quang-tri", "thua-thien-hue"],
            "formed_on": "2012-01-01",
        },
    ),
    "MemberIn": ("A unit joining the cluster.", {"unit_id": "phu-tho", "joined_on": "2025-07-01"}),
    "LeadershipIn": (
        "The cluster's chair and deputy (cụm trưởng, cụm phó) for a year, by Ministry decision.",
        {"year": 2023, "chair": "thua-thien-hue", "deputy": "thanh-hoa", "decision_ref": "QĐ 12/BCT"},
    ),
    "HandoverIn": (
        "The host flag (cờ đăng cai) handed to the next conference's host.",
        {k: v for k, v in _HANDOVER.items()},
    ),
    "PactIn": (
        "A pact (giao ước thi đua) to propose: for one year, or a period of years.",
        {
            "id": "btb-2022",
            "cluster_id": "bac-trung-bo",
            "title": _SUMMARY["title"],
            "theme": _SUMMARY["theme"],
            "year": 2022,
            "content_items": _SUMMARY["content_items"],
            "proposed_on": "2022-05-13",
        },
    ),
    "SignatureIn": ("A party's signature of the pact.", dict(_SIGNATURE)),
    "TargetIn": (
        "A target (chỉ tiêu) of the pact; setting its code again replaces it from then on.",
        {
            "code": "XK-2025",
            "title": "Kim ngạch xuất khẩu vào năm 2025",
            "kind": "quantitative",
            "measure": "tỷ USD",
            "value": "2",
            "weight": 1,
            "applies_to": ["ha-tinh"],
        },
    ),
    "ResultIn": (
        "A unit's result (kết quả) on a target; a later one supersedes it.",
        {
            "unit_id": "lang-son",
            "target_code": "XNK",
            "value": 23.5,
            "reported_on": "2011-01-24",
            "source": _RESULT["source"],
        },
    ),
    "WithdrawalIn": (
        "A result withdrawn, with the reason: the target is missing again in the scores.",
        {
            "unit_id": "lang-son",
            "target_code": "XNK",
            "reason": "Số liệu nhập nhầm",
            "withdrawn_on": "2011-02-01",
        },
    ),
    "AwardIn": (
        "An award (khen thưởng) to a unit, or to a person of it.",
        {
            "recipient_unit": "ha-tinh",
            "title": "Huân chương Lao động hạng Nhất",
            "conferred_by": "Chủ tịch nước",
            "granted_on": "2020-06-26",
        },
    ),
    "CloseIn": ("The pact's closing date: no more results after it.", {"closed_on": "2022-12-31"}),
    # Answers
    "WriteAck": (
        "A write's answer: the stream's new version (also the ETag) and the event's log position.",
        {"id": "btb-2022", "version": 8, "position": 177},
    ),
    "ImportAck": (
        "An import's answer: rows read, results recorded (0 for a dry run), the pact's version.",
        {"id": "btb-2022", "version": 60, "position": 229, "rows": 52, "recorded": 52, "dry_run": False},
    ),
    "UnitOut": ("A unit as it is now, and the version of its stream.", _UNIT),
    "Membership": ("A seat in the cluster, from a date until another (null: still a member).", _MEMBERSHIP),
    "ClusterOut": ("A cluster, its members now and over time, and the host flag's holder.", _CLUSTER),
    "HandoverOut": ("A handover of the host flag.", _HANDOVER),
    "LeadershipOut": ("The chair and deputy of a year.", _LEADERSHIP),
    "RotationsOut": (
        "The host flag's history and the cluster's leadership by year.",
        {
            "cluster_id": "bac-trung-bo",
            "flag_holder": "thua-thien-hue",
            "next_conference_number": 12,
            "as_of_position": 94,
            "handovers": [_HANDOVER],
            "leadership": [_LEADERSHIP],
        },
    ),
    "StandingOut": (
        "A unit's rank, score and points per target code; targets without a result are missing.",
        _STANDING,
    ),
    "Leaders": ("The year's chair and deputy.", {k: v for k, v in _LEADERSHIP.items() if k != "year"}),
    "Host": ("The unit hosting the year's conference.", _HOST),
    "StandingsOut": (
        "A cluster's ranking for a year, with that year's leadership and host.",
        {
            "cluster_id": "lang-son-noi-bo",
            "year": 2010,
            "as_of_position": 94,
            "pact_id": "lang-son-2010",
            "pact_status": "in_force",
            "leadership": None,
            "host": None,
            "standings": [_STANDING],
        },
    ),
    "ScoresOut": (
        "A pact's scores: every party ranked.",
        {
            "pact_id": "lang-son-2010",
            "status": "in_force",
            "attainment_cap": 1.0,
            "standings": [_STANDING],
            "as_of_position": 94,
        },
    ),
    "SignatureOut": ("A signature of the pact.", _SIGNATURE),
    "TargetOut": ("A target in force, in the order set (ordinal).", _TARGET),
    "ResultOut": ("A result in force.", _RESULT),
    "AwardOut": ("An award granted under the pact.", _AWARD),
    "PactSummary": ("A pact without its signatures, targets, results and awards.", _SUMMARY),
    "PactOut": (
        "A pact in full.",
        {
            **_SUMMARY,
            "signatures": [_SIGNATURE],
            "targets": [_TARGET],
            "results": [_RESULT],
            "awards": [_AWARD],
            "as_of_position": 94,
        },
    ),
    "EventOut": (
        "An event of the log as stored: who, when, why, what, and its place in the hash chain.",
        _EVENT,
    ),
    "EventPage": (
        "A page of the log; ``next`` is the next page's URL, null on the last.",
        {
            "items": [_EVENT],
            "next": _NEXT,
            "as_of_position": 176,
        },
    ),
    "CheckpointOut": ("The ledger's signed word that the event at ``position`` has ``hash``.", _CHECKPOINT),
    "CheckpointPage": ("A page of checkpoints, in position order.", {"items": [_CHECKPOINT], "next": None}),
    "PublicKeyOut": (
        "The Ed25519 key that checks checkpoint signatures, as PEM and as a JWK.",
        {
            "key_id": "b3f1c2d4e5a6",
            "algorithm": "Ed25519",
            "pem": "-----BEGIN PUBLIC KEY-----\n"
            "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
            "-----END PUBLIC KEY-----\n",
            "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE"},
        },
    ),
    "VerifyOut": (
        "The live log checked from a checkpoint (or the start) to the head.",
        {
            "intact": True,
            "from_position": 1,
            "to_position": 94,
            "events": 94,
            "checkpoints": 1,
            "signatures": 1,
            "head_hash": _HASH,
            "seconds": 0.012,
            "summary": "94 events intact (1..94), 1 checkpoint, 1 signature",
        },
    ),
    # Errors (app.api.problems)
    "Problem": (
        "An error, as RFC 9457 problem details (application/problem+json).",
        {
            "type": "https://pact-ledger.example/problems/not-found",
            "title": "Not found",
            "status": 404,
            "detail": "no pact btb-2030",
        },
    ),
    "FieldError": (
        "One invalid field and the reason (with the row, for an import).",
        {"field": "value", "reason": "1.850 reads as 1850 in vi and 1.85 in en: say number_format"},
    ),
    "ValidationProblem": (
        "Invalid fields (or rows of an import): each named, with its reason.",
        {
            "type": "https://pact-ledger.example/problems/invalid-fields",
            "title": "Invalid fields",
            "status": 422,
            "detail": "year: Input should be greater than or equal to 1945",
            "errors": [{"field": "year", "reason": "Input should be greater than or equal to 1945"}],
        },
    ),
}
