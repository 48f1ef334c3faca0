// numeric_goals_by_metric: How do numeric goals on one metric compare across regions?
// $metric: part of the metric's wording (e.g. a rate, 率, or a head count, 人数)
:param metric => "率";
MATCH (g:Goal)
WHERE g.value IS NOT NULL AND g.metric CONTAINS $metric
OPTIONAL MATCH (:Document {doc: g.doc})-[:COVERS]->(r:Region)
RETURN g.metric AS metric, coalesce(r.name, '') AS region, g.year AS year, g.status AS status,
       g.comparator AS comparator, g.value AS value, g.unit AS unit
ORDER BY unit, value DESC, metric, region
