-- The app registry: one row per (type, name, version).
-- Names, types and versions compare case-insensitively (as SQLite's NOCASE columns do).
CREATE TABLE app_registration (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    app_type        VARCHAR(16)  NOT NULL,
    name            VARCHAR(255) NOT NULL,
    version         VARCHAR(255) NOT NULL,
    uri             TEXT         NOT NULL,
    metadata_uri    TEXT,
    default_version BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at      TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    -- NULL unless this row is the default, so the unique key allows one default per (type, name).
    default_key     VARCHAR(272) AS (IF(default_version, CONCAT(app_type, ':', name), NULL)) PERSISTENT,
    -- The registry's key; also serves lists ordered by (type, name, version).
    UNIQUE KEY app_registration_key (app_type, name, version),
    UNIQUE KEY app_registration_default (default_key),
    -- Lookups of every version of a name (bulk imports, version lists).
    KEY app_registration_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;
