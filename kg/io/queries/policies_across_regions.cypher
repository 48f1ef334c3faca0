// Question: Which policies are cited across the most regions?
// Param: limit = 20  how many policies to list
// A citation is a mention of the policy in a sentence; its region is the one the document covers.
MATCH (s:Sentence)-[:MENTIONS]->(p:Policy)
MATCH (d:Document {doc: s.doc})
OPTIONAL MATCH (d)-[:COVERS]->(r:Region)
RETURN p.name AS policy, count(DISTINCT r) AS regions, count(DISTINCT d) AS documents,
       count(s) AS mentions, collect(DISTINCT r.name) AS region_names
ORDER BY regions DESC, documents DESC, mentions DESC, policy
LIMIT $limit
