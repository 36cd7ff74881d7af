-- Releases: the desired state of each deployment of a stream (Skipper's releases). One row per
-- (stream, version); versions count 1, 2, 3 … per stream and are never reused. Stream names
-- compare case-insensitively (the table's collation), as in stream_definitions: `MyStream` and
-- `mystream` share one sequence of versions.
CREATE TABLE releases (
    stream_name    VARCHAR(255) NOT NULL,
    version        BIGINT       NOT NULL,
    platform_name  VARCHAR(255) NOT NULL,
    -- deploying, deployed, failed or deleted (ReleaseStatus in core).
    status         VARCHAR(16)  NOT NULL,
    -- Whether the release's objects should exist on the platform (ReleaseStatus::is_live),
    -- written with every status so the reconcile loop's list is one index range.
    live           BOOLEAN      NOT NULL,
    -- Rendered YAML and JSON objects of strings, masked by the server before it writes them.
    manifest       MEDIUMTEXT   NOT NULL,
    properties     MEDIUMTEXT   NOT NULL,
    app_versions   TEXT         NOT NULL,
    description    TEXT         NOT NULL,
    -- Milliseconds since the Unix epoch, UTC.
    first_deployed BIGINT       NOT NULL,
    last_updated   BIGINT       NOT NULL,
    deleted        BIGINT,
    -- The key; also serves a stream's latest release and its history (newest first).
    PRIMARY KEY (stream_name, version),
    -- The reconcile loop's list of live releases, by (stream, version) with keyset paging.
    KEY releases_live (live, stream_name, version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;
