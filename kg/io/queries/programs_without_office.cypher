// Question: Which programmes have no office responsible for them?
// Param: limit = 50  how many programmes to list (the most widely mentioned first)
MATCH (p:Program)
WHERE NOT EXISTS { (:Office)-[:RESPONSIBLE_FOR]->(p) }
RETURN p.name AS programme, size(coalesce(p.docs, [])) AS documents,
       COUNT { (p)-[:HAS_GOAL]->(:Goal) } AS goals,
       COUNT { (p)<-[:PARTICIPATES_IN]-() } AS participants
ORDER BY documents DESC, goals DESC, participants DESC, programme
LIMIT $limit
