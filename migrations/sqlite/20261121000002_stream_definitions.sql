-- Stream definitions: one row per stream, keyed by its name. Names compare case-insensitively,
-- as app names do (and as on MariaDB's default collation); `mystream` and `MyStream` are the
-- same stream.
CREATE TABLE stream_definitions (
    name               TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    -- The DSL as it is now, and as the user first wrote it (they differ once deployments rewrite
    -- the definition with the versions and properties deployed).
    dsl_text           TEXT NOT NULL,
    original_dsl_text  TEXT NOT NULL,
    description        TEXT NOT NULL,
    -- The name of the definition's source destination (`:orders > log` reads `orders`; a tap
    -- `:mystream.http > log` reads `mystream.http`), NULL without one. Compared byte for byte
    -- (BINARY): broker destinations are case-sensitive.
    source_destination TEXT,
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The streams reading from a stream's destinations (related streams, taps): equality and prefix
-- range scans.
CREATE INDEX stream_definitions_source_destination ON stream_definitions (source_destination);
