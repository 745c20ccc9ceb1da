"""What each operation of the OpenAPI document is called and does (app.api.openapi).

The operationIds are what generated clients name their methods (``listPacts``,
``recordResult``): never change one without a reason worth breaking clients for.
"""

from __future__ import annotations

# route function -> (operationId, summary); the description is the function's docstring,
# or the summary's third element where the function has none.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "get_standings": ("getStandings", "A cluster's standings for a year"),
    "form_cluster": (
        "formCluster",
        "Form a cluster",
        "A new emulation cluster (cụm thi đua) and its members.",
    ),
    "add_member": (
        "addMember",
        "Add a member to a cluster",
        "The unit sits in the cluster from ``joined_on``.",
    ),
    "remove_member": ("removeMember", "End a membership"),
    "assign_leadership": ("assignLeadership", "Assign a year's chair and deputy"),
    "hand_over_host_flag": ("handOverHostFlag", "Hand over the host flag"),
    "list_clusters": ("listClusters", "Clusters", "Every cluster with its members now and over time."),
    "get_cluster": ("getCluster", "A cluster", "A cluster; its ETag is its stream's version, for If-Match."),
    "get_rotations": (
        "getRotations",
        "A cluster's host flag and leadership",
        "Who held the host flag (cờ đăng cai) for which conference, and the chair and deputy of each year.",
    ),
    "propose_pact": ("proposePact", "Propose a pact", "A new pact of a cluster, for a year or a period."),
    "sign_pact": (
        "signPact",
        "Sign a pact",
        "A party's signature; the pact is in force once every party signed.",
    ),
    "set_target": ("setTarget", "Set a target"),
    "record_result": ("recordResult", "Record a result"),
    "import_results": ("importResults", "Import a year's results"),
    "withdraw_result": ("withdrawResult", "Withdraw a result"),
    "grant_award": ("grantAward", "Grant an award", "An award (khen thưởng) to a unit, or a person of it."),
    "close_pact": ("closePact", "Close a pact", "No result is recorded after the closing date."),
    "list_pacts": (
        "listPacts",
        "Pacts",
        "Pacts, of a cluster and of a year if asked, without their details.",
    ),
    "get_pact": ("getPact", "A pact", "A pact in full; its ETag is its stream's version, for If-Match."),
    "get_scores": ("getScores", "A pact's scores", "Every party's score and rank under the pact's targets."),
    "register_unit": (
        "registerUnit",
        "Register a unit",
        "A Department of Industry and Trade (Sở Công Thương).",
    ),
    "rename_unit": ("renameUnit", "Rename a unit", "The unit's name and province from ``effective_on``."),
    "merge_unit": ("mergeUnit", "Merge a unit into another"),
    "list_units": ("listUnits", "Units", "Every unit, merged ones included (with their successor)."),
    "get_unit": ("getUnit", "A unit", "A unit; its ETag is its stream's version, for If-Match."),
    "list_events": ("listEvents", "The log"),
    "export_events": ("exportEvents", "Export the log"),
    "unit_events": ("listUnitEvents", "A unit's history"),
    "cluster_events": ("listClusterEvents", "A cluster's history"),
    "pact_events": ("listPactEvents", "A pact's history"),
    "latest_checkpoint": (
        "getLatestCheckpoint",
        "The latest checkpoint",
        "The last signed checkpoint of the log: keep it outside our systems.",
    ),
    "list_checkpoints": ("listCheckpoints", "Checkpoints"),
    "public_key": ("getPublicKey", "The signing key"),
    "sign_checkpoint": ("signCheckpoint", "Sign a checkpoint"),
    "verify_log": ("verifyLog", "Verify the log"),
    "unit_pacts": ("listUnitPacts", "A unit's pacts across years"),
    "rankings": ("listRankings", "Every cluster's standings for a year"),
    "cluster_years": ("listClusterYears", "Which years a cluster has pacts for"),
    "get_indicators": ("getIndicators", "A cluster's figures per indicator"),
    "create_score_sheet": ("createScoreSheet", "Create a score sheet"),
    "list_score_sheets": ("listScoreSheets", "Score sheets"),
    "revise_score_sheet": ("reviseScoreSheet", "Revise a score sheet"),
    "get_score_sheet": ("getScoreSheet", "A score sheet"),
    "get_score_sheet_version": (
        "getScoreSheetVersion",
        "A version of a score sheet",
        "One version of a score sheet, as adopted by pacts.",
    ),
    "adopt_score_sheet": ("adoptScoreSheet", "Adopt a score sheet for a pact"),
    "assign_cross_grader": ("assignCrossGrader", "Assign a unit's cross-grader"),
    "submit_self_assessment": ("submitSelfAssessment", "Submit a self-assessment"),
    "submit_cross_grade": ("submitCrossGrade", "Submit a cross-grade"),
    "file_explanation": ("fileExplanation", "File an explanation"),
    "record_final": ("recordFinal", "Record the final points"),
    "get_assessment": ("getAssessment", "A unit's assessment under a pact"),
    "decide_repartition": (
        "decideRepartition",
        "Decide a seat a merger emptied",
        "An admin admits the absorbed unit's successor to the cluster from a date, or declines.",
    ),
    "get_lineage": ("getLineage", "A unit's names, predecessors and successors"),
    "search": ("search", "Search names without diacritics"),
    "healthz": ("getHealth", "Liveness"),
    "readyz": ("getReadiness", "Readiness"),
    "metrics": ("getMetrics", "Prometheus metrics"),
}

TAGS = [
    {
        "name": "clusters",
        "description": "Clusters (cụm thi đua): members over time, leadership, host flag, standings.",
    },
    {
        "name": "pacts",
        "description": "Pacts (giao ước thi đua): proposal, signatures, targets, results, scores.",
    },
    {
        "name": "results",
        "description": "A pact's results beyond one at a time: a year's import, withdrawals.",
    },
    {"name": "units", "description": "Units: the Departments of Industry and Trade (Sở Công Thương)."},
    {"name": "events", "description": "The log as auditors read it: every event, its metadata and hashes."},
    {"name": "audit", "description": "Signed checkpoints of the log, their public key, verification."},
    {"name": "health", "description": "Probes and metrics for operations."},
]

PATH_PARAMETERS = {
    "cluster_id": ("A cluster's id", "bac-trung-bo"),
    "pact_id": ("A pact's id", "btb-2022"),
    "unit_id": ("A unit's id", "ha-tinh"),
}
