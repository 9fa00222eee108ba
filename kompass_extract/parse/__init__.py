"""Stage 3, parse: the located parts into typed values (cover metadata, area boxes, narrative, lists, overview tables)."""
