//! Releases (Skipper's): the desired state of each deployment of a stream.
//!
//! **Dialects.** SQLite and MariaDB accept the same `?` SQL for every statement here, so the SQL
//! is written once as constants, read into one row type ([`ReleaseRow`]) and bound by one
//! generic function ([`bind_release`]). The one `impl ReleaseStore` at the end is written once and
//! stamped for both pools by a small macro that only names the store type: a generic
//! `impl<DB: sqlx::Database>` would need
//! higher-ranked bounds (on `Arguments`, `FromRow`, `Encode` of every bound type) repeated on
//! each method, which hides the SQL behind the bounds. The only dialect difference is in
//! `lock_writes`: SQLite serializes this process's writes, MariaDB relies on the unique key.
//!
//! **Versions.** A release's version is the stream's highest version plus one, written under
//! the primary key (stream, version): if another writer (another task, another server on the
//! same database) took the number meanwhile, the insert fails as a unique violation and the
//! store reads the highest version again. Each round lets at least one writer through, so no
//! version is skipped or repeated.

use std::collections::BTreeMap;
use std::time::SystemTime;

use async_trait::async_trait;
use dataflow_core::release::{
    NewRelease, Release, ReleaseSpec, ReleaseStatus, Timestamp, release_key,
};

use crate::error::{Entity, Error, Result};
use crate::mysql::MySqlStore;
use crate::sqlite::SqliteStore;

/// The releases of streams. A supertrait of [`crate::Store`], so `Arc<dyn Store>` offers it.
#[async_trait]
pub trait ReleaseStore: Send + Sync {
    /// Records the next release of `release.stream`: version 1 for a stream without releases,
    /// else the stream's highest version plus one, even when several callers create releases of
    /// the same stream at once. Stamps it created and updated now.
    async fn create_release(&self, release: &NewRelease) -> Result<Release>;

    /// One release, by stream name (ignoring case) and version.
    async fn find_release(&self, stream: &str, version: u32) -> Result<Option<Release>>;

    /// The stream's release with the highest version, whatever its status.
    async fn latest_release(&self, stream: &str) -> Result<Option<Release>>;

    /// The stream's newest [live](ReleaseStatus::is_live) release: the one that runs (or is
    /// being rolled out) now. `None` when the stream is not deployed.
    async fn live_release(&self, stream: &str) -> Result<Option<Release>>;

    /// For each of `streams` that has a live release, its name as stored and the platform its
    /// release runs on (one query for a whole page of streams; names compare ignoring case).
    async fn live_platforms(&self, streams: &[&str]) -> Result<Vec<(String, String)>>;

    /// At most `limit` releases of the stream, newest first (Skipper's history).
    async fn release_history(&self, stream: &str, limit: u32) -> Result<Vec<Release>>;

    /// Sets a release's status and description and stamps it updated now (and deleted now,
    /// if `status` is [`ReleaseStatus::Deleted`] and it was not deleted before); returns the
    /// release as stored. [`Error::NotFound`] if there is no such release.
    async fn update_release_status(
        &self,
        stream: &str,
        version: u32,
        status: ReleaseStatus,
        description: &str,
    ) -> Result<Release>;

    /// At most `limit` releases whose objects should exist on their platform
    /// ([`ReleaseStatus::is_live`]), ordered by stream name then version, starting after the
    /// (stream, version) `after` (keyset paging: pass the last release of the previous page).
    ///
    /// This is the reconcile loop's desired state. It is normally the latest release of each
    /// deployed stream; during an upgrade it is also the previous release, which keeps running
    /// until the new one is healthy.
    async fn live_releases(&self, after: Option<(&str, u32)>, limit: u32) -> Result<Vec<Release>>;

    /// Replaces what a release runs without making a new one (a scale changes the instance
    /// count in place, as Skipper's does): its masked manifest and properties and its spec;
    /// stamps it updated now and returns it as stored. [`Error::NotFound`] if there is no such
    /// release.
    async fn update_release_spec(
        &self,
        stream: &str,
        version: u32,
        manifest: &str,
        properties: &BTreeMap<String, String>,
        spec: &ReleaseSpec,
    ) -> Result<Release>;
}

/// The columns of [`ReleaseRow`], in order.
const COLUMNS: &str = "stream_name, version, platform_name, status, manifest, properties, \
                       app_versions, description, first_deployed, last_updated, deleted, spec";

/// The highest version of a stream (NULL without releases).
const MAX_VERSION: &str = "SELECT MAX(version) FROM releases WHERE stream_name = ?";

/// Binds [`bind_release`]'s 13 values.
const INSERT: &str = "INSERT INTO releases (stream_name, version, platform_name, status, live, \
                      manifest, properties, app_versions, description, first_deployed, \
                      last_updated, deleted, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// Binds manifest, properties, spec, now, stream, version.
const UPDATE_SPEC: &str = "UPDATE releases SET manifest = ?, properties = ?, spec = ?, \
                           last_updated = ? WHERE stream_name = ? AND version = ?";

/// Binds status, live, description, now, deleted-now-or-NULL, stream, version.
const UPDATE_STATUS: &str = "UPDATE releases SET status = ?, live = ?, description = ?, \
                             last_updated = ?, deleted = COALESCE(deleted, ?) \
                             WHERE stream_name = ? AND version = ?";

fn select_one() -> String {
    format!("SELECT {COLUMNS} FROM releases WHERE stream_name = ? AND version = ?")
}

fn select_history() -> String {
    format!("SELECT {COLUMNS} FROM releases WHERE stream_name = ? ORDER BY version DESC LIMIT ?")
}

fn select_live_of_stream() -> String {
    format!(
        "SELECT {COLUMNS} FROM releases WHERE live = ? AND stream_name = ? \
         ORDER BY version DESC LIMIT 1"
    )
}

/// How many stream names one [`ReleaseStore::live_platforms`] statement binds.
const LIVE_PLATFORMS_BATCH: usize = 500;

/// The live releases' platforms of `count` streams (`count` ≥ 1 placeholders).
fn live_platforms_sql(count: usize) -> String {
    let placeholders = vec!["?"; count].join(", ");
    format!(
        "SELECT DISTINCT stream_name, platform_name FROM releases \
         WHERE live = ? AND stream_name IN ({placeholders})"
    )
}

fn select_live_first() -> String {
    format!("SELECT {COLUMNS} FROM releases WHERE live = ? ORDER BY stream_name, version LIMIT ?")
}

fn select_live_after() -> String {
    format!(
        "SELECT {COLUMNS} FROM releases WHERE live = ? AND stream_name >= ? \
         AND (stream_name > ? OR version > ?) \
         ORDER BY stream_name, version LIMIT ?"
    )
}

/// How often [`ReleaseStore::create_release`] reads the next version again after another
/// writer took it; each round lets at least one writer through, so this bounds how many
/// releases of one stream can be created at the same moment before one fails with
/// [`Error::Conflict`].
const CREATE_ATTEMPTS: usize = 64;

/// A row of `releases`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ReleaseRow {
    stream_name: String,
    version: i64,
    platform_name: String,
    status: String,
    manifest: String,
    properties: String,
    app_versions: String,
    description: String,
    first_deployed: i64,
    last_updated: i64,
    deleted: Option<i64>,
    spec: String,
}

fn corrupt(reason: String) -> Error {
    Error::Corrupt {
        table: "releases",
        reason,
    }
}

fn map_from_json(column: &str, key: &str, text: &str) -> Result<BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|e| {
        corrupt(format!(
            "{column} of release {key} is not a JSON object: {e}"
        ))
    })
}

fn map_to_json(map: &BTreeMap<String, String>) -> String {
    // A map of strings always serializes.
    serde_json::to_string(map).unwrap_or_else(|_| "{}".to_owned())
}

/// The stored form of a [`ReleaseSpec`] (the `spec` column).
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct SpecJson {
    #[serde(default)]
    properties: BTreeMap<String, String>,
    #[serde(default)]
    app_releases: BTreeMap<String, u32>,
}

fn spec_from_json(key: &str, text: &str) -> Result<ReleaseSpec> {
    let json: SpecJson = serde_json::from_str(text)
        .map_err(|e| corrupt(format!("spec of release {key} is not a JSON object: {e}")))?;
    Ok(ReleaseSpec {
        properties: json.properties,
        app_releases: json.app_releases,
    })
}

fn spec_to_json(spec: &ReleaseSpec) -> String {
    let json = SpecJson {
        properties: spec.properties.clone(),
        app_releases: spec.app_releases.clone(),
    };
    // Maps of strings and numbers always serialize.
    serde_json::to_string(&json).unwrap_or_else(|_| "{}".to_owned())
}

impl TryFrom<ReleaseRow> for Release {
    type Error = Error;

    fn try_from(row: ReleaseRow) -> Result<Self> {
        let key = format!("{}:{}", row.stream_name, row.version);
        let version = u32::try_from(row.version)
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| corrupt(format!("release {key} has an invalid version")))?;
        Ok(Self {
            status: row
                .status
                .parse()
                .map_err(|e: dataflow_core::Error| corrupt(format!("release {key}: {e}")))?,
            properties: map_from_json("properties", &key, &row.properties)?,
            app_versions: map_from_json("app_versions", &key, &row.app_versions)?,
            spec: spec_from_json(&key, &row.spec)?,
            stream: row.stream_name,
            version,
            platform: row.platform_name,
            manifest: row.manifest,
            description: row.description,
            first_deployed: Timestamp::from_millis(row.first_deployed),
            last_updated: Timestamp::from_millis(row.last_updated),
            deleted: row.deleted.map(Timestamp::from_millis),
        })
    }
}

/// The values of a new release's row, computed once for every attempt.
struct NewRow<'a> {
    release: &'a NewRelease,
    properties: String,
    app_versions: String,
    spec: String,
    now: Timestamp,
}

impl<'a> NewRow<'a> {
    fn new(release: &'a NewRelease) -> Self {
        Self {
            release,
            properties: map_to_json(&release.properties),
            app_versions: map_to_json(&release.app_versions),
            spec: spec_to_json(&release.spec),
            now: now(),
        }
    }

    fn release(&self, version: u32) -> Release {
        let r = self.release;
        Release {
            stream: r.stream.clone(),
            version,
            platform: r.platform.clone(),
            status: r.status,
            manifest: r.manifest.clone(),
            properties: r.properties.clone(),
            app_versions: r.app_versions.clone(),
            description: r.description.clone(),
            first_deployed: self.now,
            last_updated: self.now,
            deleted: (r.status == ReleaseStatus::Deleted).then_some(self.now),
            spec: r.spec.clone(),
        }
    }
}

fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

/// Binds [`INSERT`]'s values: the one place their order is written.
fn bind_release<'q, DB>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    row: &'q NewRow<'_>,
    version: u32,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let r = row.release;
    let deleted = (r.status == ReleaseStatus::Deleted).then_some(row.now.as_millis());
    query
        .bind(r.stream.as_str())
        .bind(i64::from(version))
        .bind(r.platform.as_str())
        .bind(r.status.as_str())
        .bind(r.status.is_live())
        .bind(r.manifest.as_str())
        .bind(row.properties.as_str())
        .bind(row.app_versions.as_str())
        .bind(r.description.as_str())
        .bind(row.now.as_millis())
        .bind(row.now.as_millis())
        .bind(deleted)
        .bind(row.spec.as_str())
}

/// The next version after `max`; a stream at `u32::MAX` releases has no next one.
fn next_version(stream: &str, max: Option<i64>) -> Result<u32> {
    let max = u32::try_from(max.unwrap_or(0))
        .map_err(|_| corrupt(format!("stream {stream} has an invalid highest version")))?;
    max.checked_add(1)
        .ok_or_else(|| corrupt(format!("stream {stream} has no release version left")))
}

fn not_found(stream: &str, version: u32) -> Error {
    Error::NotFound {
        entity: Entity::Release,
        key: release_key(stream, version),
    }
}

fn into_releases(rows: Vec<ReleaseRow>) -> Result<Vec<Release>> {
    rows.into_iter().map(TryInto::try_into).collect()
}

// One implementation of [`ReleaseStore`] for both pools: its text is the same for SQLite and
// MariaDB (plain `?` SQL, the shared row type, `lock_writes` doing what each database needs), and
// sqlx's generic bounds would bury it; the macro only names the store type.
macro_rules! impl_release_store {
    ($($store:ty),+) => {$(
        #[async_trait]
        impl ReleaseStore for $store {
            async fn create_release(&self, release: &NewRelease) -> Result<Release> {
                let row = NewRow::new(release);
                let mut attempts = 0;
                loop {
                    attempts += 1;
                    let _guard = self.lock_writes().await;
                    let max: Option<i64> = sqlx::query_scalar(MAX_VERSION)
                        .bind(release.stream.as_str())
                        .fetch_one(&self.pool)
                        .await?;
                    let version = next_version(&release.stream, max)?;
                    match bind_release(sqlx::query(INSERT), &row, version)
                        .execute(&self.pool)
                        .await
                        .map_err(Error::from)
                    {
                        Ok(_) => return Ok(row.release(version)),
                        Err(Error::Conflict(_)) if attempts < CREATE_ATTEMPTS => {}
                        Err(e) => return Err(e),
                    }
                }
            }

            async fn find_release(&self, stream: &str, version: u32) -> Result<Option<Release>> {
                let row: Option<ReleaseRow> = sqlx::query_as(&select_one())
                    .bind(stream)
                    .bind(i64::from(version))
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn latest_release(&self, stream: &str) -> Result<Option<Release>> {
                Ok(self.release_history(stream, 1).await?.pop())
            }

            async fn live_release(&self, stream: &str) -> Result<Option<Release>> {
                let row: Option<ReleaseRow> = sqlx::query_as(&select_live_of_stream())
                    .bind(true)
                    .bind(stream)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn live_platforms(&self, streams: &[&str]) -> Result<Vec<(String, String)>> {
                let mut found = Vec::new();
                // Bounded statements: at most LIVE_PLATFORMS_BATCH names each.
                for batch in streams.chunks(LIVE_PLATFORMS_BATCH) {
                    let sql = live_platforms_sql(batch.len());
                    let mut query = sqlx::query_as::<_, (String, String)>(&sql).bind(true);
                    for stream in batch {
                        query = query.bind(*stream);
                    }
                    found.extend(query.fetch_all(&self.pool).await?);
                }
                Ok(found)
            }

            async fn release_history(&self, stream: &str, limit: u32) -> Result<Vec<Release>> {
                let rows: Vec<ReleaseRow> = sqlx::query_as(&select_history())
                    .bind(stream)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                into_releases(rows)
            }

            async fn update_release_status(
                &self,
                stream: &str,
                version: u32,
                status: ReleaseStatus,
                description: &str,
            ) -> Result<Release> {
                let now = now().as_millis();
                {
                    let _guard = self.lock_writes().await;
                    sqlx::query(UPDATE_STATUS)
                        .bind(status.as_str())
                        .bind(status.is_live())
                        .bind(description)
                        .bind(now)
                        .bind((status == ReleaseStatus::Deleted).then_some(now))
                        .bind(stream)
                        .bind(i64::from(version))
                        .execute(&self.pool)
                        .await?;
                }
                self.find_release(stream, version)
                    .await?
                    .ok_or_else(|| not_found(stream, version))
            }

            async fn live_releases(&self, after: Option<(&str, u32)>, limit: u32) -> Result<Vec<Release>> {
                let rows: Vec<ReleaseRow> = match after {
                    None => {
                        sqlx::query_as(&select_live_first())
                            .bind(true)
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await?
                    }
                    Some((stream, version)) => {
                        sqlx::query_as(&select_live_after())
                            .bind(true)
                            .bind(stream)
                            .bind(stream)
                            .bind(i64::from(version))
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await?
                    }
                };
                into_releases(rows)
            }

            async fn update_release_spec(
                &self,
                stream: &str,
                version: u32,
                manifest: &str,
                properties: &BTreeMap<String, String>,
                spec: &ReleaseSpec,
            ) -> Result<Release> {
                {
                    let _guard = self.lock_writes().await;
                    sqlx::query(UPDATE_SPEC)
                        .bind(manifest)
                        .bind(map_to_json(properties))
                        .bind(spec_to_json(spec))
                        .bind(now().as_millis())
                        .bind(stream)
                        .bind(i64::from(version))
                        .execute(&self.pool)
                        .await?;
                }
                self.find_release(stream, version)
                    .await?
                    .ok_or_else(|| not_found(stream, version))
            }
        }
    )+};
}

impl_release_store!(SqliteStore, MySqlStore);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_from_one_and_stop_at_the_top() {
        assert_eq!(next_version("s", None).unwrap(), 1);
        assert_eq!(next_version("s", Some(41)).unwrap(), 42);
        assert!(matches!(
            next_version("s", Some(i64::from(u32::MAX))),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(
            next_version("s", Some(-1)),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn insert_binds_as_many_values_as_it_names_columns() {
        let placeholders = INSERT.matches('?').count();
        let columns = INSERT
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(columns, _)| columns.split(',').count());
        assert_eq!(Some(placeholders), columns);
        assert_eq!(placeholders, 13);
    }
}
