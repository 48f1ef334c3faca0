// Question: Which extracted relations are the least certain, with the sentence to check them against?
// Param: threshold = 0.8  list relations whose confidence is below this
// Param: limit = 50  how many relations to list
// The evidence join is a WHERE, not {id: r.sentence}: ArcadeDB 26.10 loses a relationship property used only
// inside a later pattern's property map (the row then has no evidence).
MATCH (a)-[r:RESPONSIBLE_FOR|PARTICIPATES_IN|IMPLEMENTS|HAS_GOAL|DUE]->(b)
WHERE r.confidence < $threshold
OPTIONAL MATCH (s:Sentence) WHERE s.id = r.sentence
RETURN type(r) AS relation, a.name AS head, b.name AS tail, r.confidence AS confidence, r.extractor AS extractor,
       r.doc AS doc, s.text AS evidence
ORDER BY confidence, relation, head, tail
LIMIT $limit
