// Question: Which sections of the documents set the most goals?
// Param: document = ""  part of the document's title ("" looks at every document)
// Param: limit = 20  how many sections to list
MATCH (sec:Section)-[:HAS_SENTENCE]->(:Sentence)-[:MENTIONS]->(g:Goal)
MATCH (d:Document {doc: sec.doc})
WHERE d.name CONTAINS $document
RETURN d.name AS document, sec.marker + sec.title AS section, sec.level AS level, count(DISTINCT g) AS goals,
       sum(CASE g.status WHEN 'achieved' THEN 1 ELSE 0 END) AS achieved
ORDER BY goals DESC, document, section
LIMIT $limit
