// Question: Which offices work on the same programmes (the co-responsibility network)?
// Param: min_shared = 1  the least number of shared programmes for a pair to be listed
// An office works on a programme when it is responsible for it or takes part in it.
MATCH (a:Office)-[:RESPONSIBLE_FOR|PARTICIPATES_IN]->(p:Program)<-[:RESPONSIBLE_FOR|PARTICIPATES_IN]-(b:Office)
WHERE a.id < b.id
WITH a, b, collect(DISTINCT p.name) AS programmes
WHERE size(programmes) >= $min_shared
RETURN a.name AS office, b.name AS partner, size(programmes) AS shared, programmes
ORDER BY shared DESC, office, partner
