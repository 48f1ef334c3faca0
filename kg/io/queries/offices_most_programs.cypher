// Question: Which offices are responsible for the most programmes?
// Param: limit = 10  how many offices to list
MATCH (o:Office)-[:RESPONSIBLE_FOR]->(p:Program)
RETURN o.name AS office, o.region AS region, count(DISTINCT p) AS programmes,
       collect(DISTINCT p.name) AS programme_names
ORDER BY programmes DESC, office
LIMIT $limit
