-- Server evidence of failed or slow runs (the server's own figures before and after, the hint), as JSON text; NULL
-- for runs without evidence. Also inside result_json; kept here so it can be selected without reading whole results.
ALTER TABLE runs ADD COLUMN evidence_json VARCHAR;
