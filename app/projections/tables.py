"""Read-model tables. Disposable: ``pacts rebuild`` truncates and replays them."""

from __future__ import annotations

import sqlalchemy as sa

from app.events.schema import metadata

units = sa.Table(
    "rm_units",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("province", sa.String(200), nullable=False),
    sa.Column("merged_into", sa.String(64), nullable=True),
    sa.Column("merged_on", sa.Date, nullable=True),
    sa.Column("merged_basis", sa.String(300), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

clusters = sa.Table(
    "rm_clusters",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("region", sa.String(200), nullable=False),
    sa.Column("formed_on", sa.Date, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False, server_default="emulation"),
    sa.Column("flag_holder", sa.String(64), nullable=True),
    sa.Column("last_conference_number", sa.Integer, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

cluster_members = sa.Table(
    "rm_cluster_members",
    metadata,
    sa.Column("cluster_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("joined_on", sa.Date, primary_key=True),
    sa.Column("left_on", sa.Date, nullable=True),
    sa.Index(None, "unit_id"),
)

leadership = sa.Table(
    "rm_leadership",
    metadata,
    sa.Column("cluster_id", sa.String(64), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("chair", sa.String(64), nullable=False),
    sa.Column("deputy", sa.String(64), nullable=True),
    sa.Column("decision_ref", sa.String(200), nullable=False),
)

host_handovers = sa.Table(
    "rm_host_handovers",
    metadata,
    sa.Column("cluster_id", sa.String(64), primary_key=True),
    sa.Column("conference_number", sa.Integer, primary_key=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("from_unit", sa.String(64), nullable=False),
    sa.Column("to_unit", sa.String(64), nullable=False),
    sa.Column("handed_over_on", sa.Date, nullable=False),
)

pacts = sa.Table(
    "rm_pacts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("cluster_id", sa.String(64), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("theme", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=True),
    sa.Column("period_start", sa.Integer, nullable=True),
    sa.Column("period_end", sa.Integer, nullable=True),
    sa.Column("content_items", sa.JSON, nullable=False),
    sa.Column("parties", sa.JSON, nullable=False),
    sa.Column("proposed_on", sa.Date, nullable=False),
    sa.Column("attainment_cap", sa.Float, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("closed_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index(None, "cluster_id", "year"),
)

pact_signatures = sa.Table(
    "rm_pact_signatures",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("signed_by", sa.String(300), nullable=False),
    sa.Column("signed_on", sa.Date, nullable=False),
)

pact_targets = sa.Table(
    "rm_pact_targets",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("measure", sa.String(50), nullable=False),
    sa.Column("direction", sa.String(20), nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("applies_to", sa.JSON, nullable=True),
)

pact_results = sa.Table(
    "rm_pact_results",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("target_code", sa.String(64), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("reported_on", sa.Date, nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)

pact_awards = sa.Table(
    "rm_pact_awards",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("recipient_unit", sa.String(64), nullable=False),
    sa.Column("recipient_person", sa.String(300), nullable=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("conferred_by", sa.String(300), nullable=False),
    sa.Column("decision_ref", sa.String(200), nullable=True),
    sa.Column("granted_on", sa.Date, nullable=False),
)

pact_scores = sa.Table(
    "rm_pact_scores",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("points", sa.JSON, nullable=False),
    sa.Column("missing", sa.JSON, nullable=False),
)

# API keys as the log tells them: who holds which role and scope, and since when.
# Their secrets' hashes are not here (app.services.tables.api_key_hashes): a
# rebuild can replay this table, never those.
api_keys = sa.Table(
    "rm_api_keys",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("unit_id", sa.String(64), nullable=True),
    sa.Column("cluster_id", sa.String(64), nullable=True),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=True),
    sa.Column("revoked_on", sa.Date, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
)

# Each name a unit bore, and from when (names as they were on a date).
unit_names = sa.Table(
    "rm_unit_names",
    metadata,
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("province", sa.String(200), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=True),
    sa.Column("valid_to", sa.Date, nullable=True),
)

# Seats a merger emptied: pending until an admin decides (decided_on set).
cluster_repartitions = sa.Table(
    "rm_cluster_repartitions",
    metadata,
    sa.Column("cluster_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("successor", sa.String(64), nullable=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("decision_ref", sa.String(200), nullable=True),
    sa.Column("decided_on", sa.Date, nullable=True),
    sa.Column("admitted", sa.Boolean, nullable=True),
)

# What /search looks in: one row per name of a unit, cluster, pact or award, with its
# folded form (app.projections.search.fold), so that both stores match alike.
search_names = sa.Table(
    "rm_search",
    metadata,
    sa.Column("stream_id", sa.String(80), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("folded", sa.String(500), nullable=False),
    sa.Index(None, "folded"),
)

# Scoring by score sheet (docs/scoring.md): every version of each sheet, the
# version each pact adopted, and each unit's stages as entries. Points and
# totals are computed when read, from the sheet version: never stored twice.
score_sheets = sa.Table(
    "rm_score_sheets",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("legal_basis", sa.Text, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=True),
    sa.Column("tolerance", sa.Float, nullable=False),
    sa.Column("attainment_cap", sa.Float, nullable=False),
    sa.Column("groups", sa.JSON, nullable=False),
)

pact_score_sheets = sa.Table(
    "rm_pact_score_sheets",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("sheet_code", sa.String(64), nullable=False),
    sa.Column("sheet_version", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # of the pact's assessment stream
)

assessments = sa.Table(
    "rm_assessments",
    metadata,
    sa.Column("pact_id", sa.String(64), primary_key=True),
    sa.Column("unit_id", sa.String(64), primary_key=True),
    sa.Column("grader_id", sa.String(64), nullable=True),
    sa.Column("explanation", sa.Text, nullable=True),
    # {"self" | "cross" | "final": {"grader_id", "entries", "on", "reason"}}: the latest of each.
    sa.Column("stages", sa.JSON, nullable=False),
)

# Children first: the order rebuild truncates in.
ALL = (
    search_names,
    cluster_repartitions,
    unit_names,
    assessments,
    pact_score_sheets,
    score_sheets,
    pact_scores,
    pact_awards,
    pact_results,
    pact_targets,
    pact_signatures,
    pacts,
    host_handovers,
    leadership,
    cluster_members,
    clusters,
    units,
    api_keys,
)
