-- What the platform must run for a release, as the user gave it: a JSON object
-- {"properties": {key: value}, "app_releases": {label: version}}. Unlike `properties` it is
-- not masked, so the reconcile loop can re-plan the release after a restart; it is never shown.
ALTER TABLE releases ADD COLUMN spec MEDIUMTEXT NOT NULL DEFAULT '{}';
