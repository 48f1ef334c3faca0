// Question: Which goals do the summaries report as achieved, and for whom?
// Param: year = null  only goals of this year (null: every year)
MATCH (g:Goal {status: 'achieved'})
WHERE $year IS NULL OR g.year = $year
MATCH (d:Document {doc: g.doc})
OPTIONAL MATCH (x)-[:HAS_GOAL]->(g)
RETURN d.name AS document, d.kind AS kind, g.name AS goal, g.metric AS metric, g.value AS value,
       g.unit AS unit, g.year AS year, collect(DISTINCT x.name) AS achieved_by
ORDER BY document, goal
