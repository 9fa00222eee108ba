"""Stage 4, match: printed texts against the versioned data (criteria catalog, editions, municipalities)."""
