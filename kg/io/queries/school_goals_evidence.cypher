// Question: What goals does a school have, and which sentence states each one?
// Param: school = "中学"  part of the school's name or of one of its aliases
// The evidence join is a WHERE, not {id: r.sentence}: ArcadeDB 26.10 loses a relationship property used only
// inside a later pattern's property map (the row then has no evidence).
MATCH (s:School)-[h:HAS_GOAL]->(g:Goal)
WHERE s.name CONTAINS $school OR any(a IN coalesce(s.aliases, []) WHERE a CONTAINS $school)
OPTIONAL MATCH (e:Sentence) WHERE e.id = h.sentence
RETURN s.name AS school, g.name AS goal, g.metric AS metric, g.comparator AS comparator, g.value AS value,
       g.unit AS unit, g.year AS year, g.status AS status, e.text AS evidence
ORDER BY school, goal
