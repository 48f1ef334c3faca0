// goals_due_by_region: Which goals fall due in a given year, region by region?
// $year: the year the goal is due (the goal's year field)
:param year => 2024;
// Goals are tied to a region through their document: (:Document)-[:COVERS]->(:Region).
MATCH (g:Goal)
WHERE g.year = $year
OPTIONAL MATCH (:Document {doc: g.doc})-[:COVERS]->(r:Region)
RETURN coalesce(r.name, '') AS region,
       count(g) AS goals,
       sum(CASE g.status WHEN 'achieved' THEN 1 ELSE 0 END) AS achieved,
       collect(g.name) AS goal_names
ORDER BY goals DESC, region
