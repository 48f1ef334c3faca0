// plan_vs_result: Which targets did a region set, and what did later documents report of each?
// $region: part of the region's name ("" for every region)
// $year: only targets due this year (null: every year)
:param region => "砚溪";
:param year => null;
// A target is a planned Goal; its region is the one kg.graph.tracking linked it in (the Region it is set for,
// else its document's); its reports are the achieved Goals it is REPORTED_AS, one row each (none: one row
// without a report); outcome is derived there too.
MATCH (g:Goal {status: 'planned'})
WHERE g.region CONTAINS $region AND ($year IS NULL OR g.year = $year)
MATCH (d:Document {doc: g.doc})
OPTIONAL MATCH (g)-[l:REPORTED_AS]->(a:Goal)
RETURN g.region AS region, g.year AS year, g.metric AS metric, g.name AS target, g.comparator AS comparator,
       g.value AS planned, g.unit AS unit, a.name AS report, a.value AS reported, a.unit AS reported_unit,
       a.year AS reported_year, g.outcome AS outcome, l.score AS score, d.name AS plan
ORDER BY region, year, metric, target, reported_year
