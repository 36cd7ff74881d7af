-- Releases: the desired state of each deployment of a stream (Skipper's releases). One row per
-- (stream, version); versions count 1, 2, 3 … per stream and are never reused. Stream names
-- compare case-insensitively, as in stream_definitions: `MyStream` and `mystream` share one
-- sequence of versions.
CREATE TABLE releases (
    stream_name    TEXT    NOT NULL COLLATE NOCASE,
    version        INTEGER NOT NULL CHECK (version > 0),
    platform_name  TEXT    NOT NULL,
    -- deploying, deployed, failed or deleted (ReleaseStatus in core).
    status         TEXT    NOT NULL,
    -- Whether the release's objects should exist on the platform (ReleaseStatus::is_live),
    -- written with every status so the reconcile loop's list is one index range.
    live           INTEGER NOT NULL CHECK (live IN (0, 1)),
    -- Rendered YAML and JSON objects of strings, masked by the server before it writes them.
    manifest       TEXT    NOT NULL,
    properties     TEXT    NOT NULL,
    app_versions   TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    -- Milliseconds since the Unix epoch, UTC.
    first_deployed INTEGER NOT NULL,
    last_updated   INTEGER NOT NULL,
    deleted        INTEGER,
    -- The key; also serves a stream's latest release and its history (newest first).
    PRIMARY KEY (stream_name, version)
);

-- The reconcile loop's list of live releases, by (stream, version) with keyset paging.
CREATE INDEX releases_live ON releases (live, stream_name, version);
