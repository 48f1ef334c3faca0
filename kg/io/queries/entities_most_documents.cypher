// Question: Which schools, offices, programmes, policies and regions are mentioned in the most documents?
// Param: limit = 25  how many entities to list
MATCH (:Sentence)-[m:MENTIONS]->(e)
WHERE e:School OR e:Office OR e:Program OR e:Policy OR e:Region
RETURN labels(e)[0] AS label, e.name AS entity, count(DISTINCT m.doc) AS documents, count(m) AS mentions
ORDER BY documents DESC, mentions DESC, entity
LIMIT $limit
