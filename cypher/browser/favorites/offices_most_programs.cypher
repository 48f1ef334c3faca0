// offices_most_programs: Which offices are responsible for the most programmes?
// $limit: how many offices to list
:param limit => 10;
MATCH (o:Office)-[:RESPONSIBLE_FOR]->(p:Program)
RETURN o.name AS office, o.region AS region, count(DISTINCT p) AS programmes,
       collect(DISTINCT p.name) AS programme_names
ORDER BY programmes DESC, office
LIMIT $limit
