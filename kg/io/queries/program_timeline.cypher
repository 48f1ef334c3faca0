// Question: What is the timeline of a programme: when is it scheduled, what are its goals, which documents mention it?
// Param: program = "工程"  part of the programme's name
CALL {
  MATCH (p:Program)-[r:DUE]->(y:Year)
  WHERE p.name CONTAINS $program
  RETURN p.name AS programme, y.value AS year, 'scheduled' AS event, r.doc AS doc
  UNION
  MATCH (p:Program)-[:HAS_GOAL]->(g:Goal)
  WHERE p.name CONTAINS $program
  RETURN p.name AS programme, g.year AS year, g.status + ' goal: ' + g.name AS event, g.doc AS doc
  UNION
  MATCH (s:Sentence)-[:MENTIONS]->(p:Program)
  WHERE p.name CONTAINS $program
  MATCH (d:Document {doc: s.doc})
  RETURN p.name AS programme, d.year AS year, 'mentioned' AS event, s.doc AS doc
}
RETURN programme, year, event, doc
ORDER BY programme, year, event, doc
