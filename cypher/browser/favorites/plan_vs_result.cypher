// plan_vs_result: Which targets did a region set, and what did later documents report of each?
// $region: part of the region's name ("" for every region)
// $year: only targets due this year (null: every year)
:param region => "砚溪";
:param year => null;
// A target is a planned Goal of a document that COVERS the region; its reports are the achieved Goals it is
// REPORTED_AS (kg.graph.tracking: one row per report, none for a target nothing reports); outcome is derived there.
MATCH (g:Goal {status: 'planned'})
WHERE $year IS NULL OR g.year = $year
MATCH (d:Document {doc: g.doc})-[:COVERS]->(r:Region)
WHERE r.name CONTAINS $region
OPTIONAL MATCH (g)-[l:REPORTED_AS]->(a:Goal)
RETURN r.name AS region, g.year AS year, g.metric AS metric, g.name AS target, g.comparator AS comparator,
       g.value AS planned, g.unit AS unit, a.name AS report, a.value AS reported, a.unit AS reported_unit,
       a.year AS reported_year, g.outcome AS outcome, l.score AS score, d.name AS plan
ORDER BY region, year, metric, target, reported_year
