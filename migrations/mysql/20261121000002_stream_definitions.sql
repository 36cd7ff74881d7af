-- Stream definitions: one row per stream, keyed by its name. Names compare case-insensitively
-- (the table's collation), as app names do; `mystream` and `MyStream` are the same stream.
CREATE TABLE stream_definitions (
    name               VARCHAR(255) NOT NULL PRIMARY KEY,
    -- The DSL as it is now, and as the user first wrote it (they differ once deployments rewrite
    -- the definition with the versions and properties deployed).
    dsl_text           MEDIUMTEXT   NOT NULL,
    original_dsl_text  MEDIUMTEXT   NOT NULL,
    description        TEXT         NOT NULL,
    -- The name of the definition's source destination (`:orders > log` reads `orders`; a tap
    -- `:mystream.http > log` reads `mystream.http`), NULL without one. Compared byte for byte:
    -- broker destinations are case-sensitive.
    source_destination VARCHAR(255) COLLATE utf8mb4_bin,
    created_at         TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    -- The streams reading from a stream's destinations (related streams, taps): equality and
    -- prefix range scans.
    KEY stream_definitions_source_destination (source_destination)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;
