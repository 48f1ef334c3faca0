// Question: Where is an entity mentioned: which sentences name it, document by document?
// Param: name = "教育局"  part of the entity's name or of one of its aliases
MATCH (s:Sentence)-[m:MENTIONS]->(e)
WHERE (e:School OR e:Office OR e:Program OR e:Policy OR e:Region)
  AND (e.name CONTAINS $name OR any(a IN coalesce(e.aliases, []) WHERE a CONTAINS $name))
RETURN labels(e)[0] AS label, e.name AS entity, m.doc AS doc, m.para AS para, m.start AS start, s.text AS sentence
ORDER BY entity, doc, para, start
