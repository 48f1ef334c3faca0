// Question: Which targets has no later document reported on, region by region?
// Param: region = ""  part of the region's name ("" for every region)
// A planned Goal with no REPORTED_AS link (its outcome is 'no report'), in the region kg.graph.tracking gave it.
MATCH (g:Goal {status: 'planned'})
WHERE g.region CONTAINS $region AND NOT EXISTS { (g)-[:REPORTED_AS]->() }
MATCH (d:Document {doc: g.doc})
RETURN g.region AS region, g.year AS year, g.metric AS metric, g.name AS target, g.comparator AS comparator,
       g.value AS planned, g.unit AS unit, d.name AS plan
ORDER BY region, year, metric, target
