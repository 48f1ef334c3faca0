// entities_most_documents: Which schools, offices, programmes, policies and regions are mentioned in the most documents?
// $limit: how many entities to list
:param limit => 25;
MATCH (:Sentence)-[m:MENTIONS]->(e)
WHERE e:School OR e:Office OR e:Program OR e:Policy OR e:Region
RETURN labels(e)[0] AS label, e.name AS entity, count(DISTINCT m.doc) AS documents, count(m) AS mentions
ORDER BY documents DESC, mentions DESC, entity
LIMIT $limit
