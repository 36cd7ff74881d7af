-- The app registry: one row per (type, name, version). Names, types and versions compare
-- case-insensitively, as on MariaDB's default collation.
CREATE TABLE app_registration (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    app_type        TEXT    NOT NULL COLLATE NOCASE,
    name            TEXT    NOT NULL COLLATE NOCASE,
    version         TEXT    NOT NULL COLLATE NOCASE,
    uri             TEXT    NOT NULL,
    metadata_uri    TEXT,
    default_version INTEGER NOT NULL DEFAULT 0 CHECK (default_version IN (0, 1)),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The registry's key; also serves lists ordered by (type, name, version).
CREATE UNIQUE INDEX app_registration_key ON app_registration (app_type, name, version);
-- At most one default version per (type, name), enforced by the database.
CREATE UNIQUE INDEX app_registration_default ON app_registration (app_type, name)
    WHERE default_version = 1;
-- Lookups of every version of a name (bulk imports, version lists).
CREATE INDEX app_registration_name ON app_registration (name);
