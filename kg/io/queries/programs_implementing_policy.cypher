// Question: Which programmes (or offices, schools) implement a policy, and where does the text say so?
// Param: policy = ""  part of the policy's name ("" lists every policy)
// The evidence join is a WHERE, not {id: r.sentence}: ArcadeDB 26.10 loses a relationship property used only
// inside a later pattern's property map (the row then has no evidence).
MATCH (x)-[r:IMPLEMENTS]->(p:Policy)
WHERE p.name CONTAINS $policy
OPTIONAL MATCH (s:Sentence) WHERE s.id = r.sentence
RETURN p.name AS policy, labels(x)[0] AS implementer_label, x.name AS implementer, r.doc AS doc,
       s.text AS evidence
ORDER BY policy, implementer, doc
