// Question: Which documents are there, by region and year, and who issued them?
// Param: region = ""  part of the region's name ("" lists every document)
MATCH (d:Document)
OPTIONAL MATCH (d)-[:COVERS]->(r:Region)
WITH d, r
WHERE coalesce(r.name, '') CONTAINS $region
OPTIONAL MATCH (d)-[:ISSUED_BY]->(o:Office)
OPTIONAL MATCH (d)-[:FOR_YEAR]->(y:Year)
WITH d, r, o, y ORDER BY y.value
RETURN coalesce(r.name, '') AS region, collect(DISTINCT y.value) AS years, d.kind AS kind, d.name AS document,
       o.name AS issued_by, d.published AS published
ORDER BY region, document
