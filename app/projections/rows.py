"""Read-model rows as pure functions of aggregate state.

The incremental projector and the rebuild both derive rows here, so a replayed
read model cannot drift from one built command by command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.apikey import APIKEY, ApiKey
from app.domain.assessment import ASSESSMENT
from app.domain.cluster import CLUSTER, Cluster
from app.domain.pact import Pact
from app.domain.scoring import UnitScore, unit_score
from app.domain.sheet import SHEET
from app.domain.unit import UNIT, Unit
from app.projections import scoring_rows, search


def unit_row(unit: Unit, version: int) -> dict:
    return {
        "id": unit.id,
        "name": unit.name,
        "province": unit.province,
        "merged_into": unit.merged_into,
        "merged_on": unit.merged_on,
        "merged_basis": unit.merged_basis,
        "version": version,
    }


def cluster_row(cluster: Cluster, version: int) -> dict:
    last = cluster.handovers[-1] if cluster.handovers else None
    return {
        "id": cluster.id,
        "name": cluster.name,
        "region": cluster.region,
        "formed_on": cluster.formed_on,
        "kind": cluster.kind,
        "flag_holder": cluster.flag_holder,
        "last_conference_number": last.conference_number if last else None,
        "version": version,
    }


def member_rows(cluster: Cluster) -> list[dict]:
    return [
        {"cluster_id": cluster.id, "unit_id": m.unit_id, "joined_on": m.joined_on, "left_on": m.left_on}
        for m in cluster.memberships
    ]


def leadership_rows(cluster: Cluster) -> list[dict]:
    return [
        {
            "cluster_id": cluster.id,
            "year": lead.year,
            "chair": lead.chair,
            "deputy": lead.deputy,
            "decision_ref": lead.decision_ref,
        }
        for lead in cluster.leadership.values()
    ]


def handover_rows(cluster: Cluster) -> list[dict]:
    return [
        {
            "cluster_id": cluster.id,
            "conference_number": h.conference_number,
            "year": h.year,
            "from_unit": h.from_unit,
            "to_unit": h.to_unit,
            "handed_over_on": h.handed_over_on,
        }
        for h in cluster.handovers
    ]


def pact_row(pact: Pact, version: int) -> dict:
    return {
        "id": pact.id,
        "cluster_id": pact.cluster_id,
        "title": pact.title,
        "theme": pact.theme,
        "year": pact.year,
        "period_start": pact.period_start,
        "period_end": pact.period_end,
        "content_items": list(pact.content_items),
        "parties": list(pact.parties),
        "proposed_on": pact.proposed_on,
        "attainment_cap": pact.attainment_cap,
        "status": pact.status,
        "closed_on": pact.closed_on,
        "version": version,
    }


def pact_status_row(pact: Pact, version: int) -> dict:
    """The columns of rm_pacts that change after the proposal."""
    return {"status": pact.status, "closed_on": pact.closed_on, "version": version}


def signature_row(pact: Pact, unit_id: str) -> dict:
    s = pact.signatures[unit_id]
    return {"pact_id": pact.id, "unit_id": unit_id, "signed_by": s.signed_by, "signed_on": s.signed_on}


def target_row(pact: Pact, code: str, ordinal: int) -> dict:
    t = pact.targets[code]
    return {
        "pact_id": pact.id,
        "code": code,
        "ordinal": ordinal,
        "title": t.title,
        "kind": t.kind,
        "measure": t.measure,
        "direction": t.direction,
        "value": t.value,
        "weight": t.weight,
        "applies_to": list(t.applies_to) if t.applies_to is not None else None,
    }


def result_row(pact: Pact, unit_id: str, target_code: str) -> dict:
    r = pact.results[(unit_id, target_code)]
    return {
        "pact_id": pact.id,
        "unit_id": unit_id,
        "target_code": target_code,
        "value": r.value,
        "reported_on": r.reported_on,
        "source": r.source,
        "note": r.note,
    }


def award_row(pact: Pact, seq: int) -> dict:
    a = pact.awards[seq - 1]
    return {
        "pact_id": pact.id,
        "seq": seq,
        "recipient_unit": a.recipient_unit,
        "recipient_person": a.recipient_person,
        "title": a.title,
        "conferred_by": a.conferred_by,
        "decision_ref": a.decision_ref,
        "granted_on": a.granted_on,
    }


def score_row(pact_id: str, score: UnitScore) -> dict:
    return {
        "pact_id": pact_id,
        "unit_id": score.unit_id,
        "score": score.score,
        "points": dict(score.points),
        "missing": list(score.missing),
    }


def unit_score_row(pact: Pact, unit_id: str) -> dict:
    return score_row(pact.id, unit_score(pact, unit_id))


def unit_name_rows(unit: Unit) -> list[dict]:
    spans = unit.names
    return [
        {
            "unit_id": unit.id,
            "seq": i,
            "name": span.name,
            "province": span.province,
            "valid_from": span.valid_from,
            "valid_to": spans[i].valid_from if i < len(spans) else None,
        }
        for i, span in enumerate(spans, 1)
    ]


def repartition_rows(cluster: Cluster) -> list[dict]:
    return [
        {
            "cluster_id": cluster.id,
            "unit_id": r.unit_id,
            "successor": r.into,
            "effective_on": r.effective_on,
            "decision_ref": r.decision_ref,
            "decided_on": r.decided_on,
            "admitted": r.admitted,
        }
        for r in cluster.repartitions
    ]


def all_unit_rows(unit: Unit, version: int) -> dict[str, list[dict]]:
    return {
        "rm_units": [unit_row(unit, version)],
        "rm_unit_names": unit_name_rows(unit),
        "rm_search": search.rows("unit", unit.id, [s.name for s in unit.names] or [unit.name]),
    }


def all_cluster_rows(cluster: Cluster, version: int) -> dict[str, list[dict]]:
    return {
        "rm_clusters": [cluster_row(cluster, version)],
        "rm_cluster_members": member_rows(cluster),
        "rm_leadership": leadership_rows(cluster),
        "rm_host_handovers": handover_rows(cluster),
        "rm_cluster_repartitions": repartition_rows(cluster),
        "rm_search": search.rows("cluster", cluster.id, [cluster.name]),
    }


def all_api_key_rows(key: ApiKey, version: int) -> dict[str, list[dict[str, object]]]:
    row: dict[str, object] = {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "unit_id": key.unit_id,
        "cluster_id": key.cluster_id,
        "created_on": key.created_on,
        "expires_on": key.expires_on,
        "revoked_on": key.revoked_on,
        "version": version,
    }
    return {"rm_api_keys": [row]}


# The kinds whose read-model rows are replaced whole (they change rarely), by stream
# type: the live projector and the rebuild take them from here. Pacts go row by row.
WHOLE_ROWS: dict[str, Callable[[Any, int], dict[str, list[dict[str, Any]]]]] = {
    UNIT.stream_type: all_unit_rows,
    CLUSTER.stream_type: all_cluster_rows,
    APIKEY.stream_type: all_api_key_rows,
    SHEET.stream_type: scoring_rows.all_sheet_rows,
    ASSESSMENT.stream_type: scoring_rows.all_assessment_rows,
}
