// Question: Which schools take part in the most programmes?
// Param: limit = 10  how many schools to list
MATCH (s:School)-[:PARTICIPATES_IN]->(p:Program)
RETURN s.name AS school, s.region AS region, count(DISTINCT p) AS programmes,
       collect(DISTINCT p.name) AS programme_names
ORDER BY programmes DESC, school
LIMIT $limit
