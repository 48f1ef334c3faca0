// goals_by_region_year: How many goals does each region plan and report achieved, year by year?
MATCH (g:Goal)
OPTIONAL MATCH (:Document {doc: g.doc})-[:COVERS]->(r:Region)
RETURN coalesce(r.name, '') AS region, g.year AS year,
       sum(CASE g.status WHEN 'planned' THEN 1 ELSE 0 END) AS planned,
       sum(CASE g.status WHEN 'achieved' THEN 1 ELSE 0 END) AS achieved,
       sum(CASE WHEN g.value IS NULL THEN 0 ELSE 1 END) AS numeric
ORDER BY region, year
