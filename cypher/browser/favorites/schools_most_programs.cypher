// schools_most_programs: Which schools take part in the most programmes?
// $limit: how many schools to list
:param limit => 10;
MATCH (s:School)-[:PARTICIPATES_IN]->(p:Program)
RETURN s.name AS school, s.region AS region, count(DISTINCT p) AS programmes,
       collect(DISTINCT p.name) AS programme_names
ORDER BY programmes DESC, school
LIMIT $limit
