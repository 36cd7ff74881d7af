//! What the SQLite and MariaDB stores share: the row type, and one implementation of [`Store`]
//! written once and instantiated per dialect by [`impl_store!`]. Both dialects accept `?`
//! placeholders and the same SQL except for upserts, so the only dialect-specific text is passed
//! to the macro. (A generic `impl<DB: sqlx::Database>` would need a wall of higher-ranked trait
//! bounds on every function; the macro keeps the body plain sqlx code.)

use dataflow_core::app::{AppName, AppRegistration, AppSort};
use dataflow_core::page::{Direction, SortOrder};
use dataflow_core::stream_definition::{StreamDefinitionRecord, StreamSort};

use crate::error::Error;

/// The columns of [`AppRow`], in order.
pub(crate) const APP_COLUMNS: &str = "app_type, name, version, uri, metadata_uri, default_version";

/// How many rows one multi-row statement carries; 6 binds each stays far below both databases'
/// placeholder limits.
pub(crate) const BATCH: usize = 500;

/// A row of `app_registration`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AppRow {
    app_type: String,
    name: String,
    version: String,
    uri: String,
    metadata_uri: Option<String>,
    default_version: bool,
}

impl TryFrom<AppRow> for AppRegistration {
    type Error = Error;

    fn try_from(row: AppRow) -> Result<Self, Error> {
        let corrupt = |reason: String| Error::Corrupt {
            table: "app_registration",
            reason,
        };
        Ok(Self {
            app_type: row
                .app_type
                .parse()
                .map_err(|e: dataflow_core::Error| corrupt(e.to_string()))?,
            name: AppName::new(&row.name).map_err(|e| corrupt(e.to_string()))?,
            version: row.version,
            uri: row.uri,
            metadata_uri: row.metadata_uri,
            default_version: row.default_version,
        })
    }
}

/// The `ORDER BY` clause for a list: the requested keys, then the natural order
/// (type, name, version), then `id` so that pages never overlap.
pub(crate) fn order_by(sort: &[SortOrder<AppSort>]) -> String {
    let mut keys: Vec<String> = sort
        .iter()
        .map(|order| {
            let column = match order.property {
                AppSort::Name => "name",
                AppSort::Type => "app_type",
                AppSort::Version => "version",
                AppSort::Uri => "uri",
                AppSort::DefaultVersion => "default_version",
            };
            format!("{column} {}", direction(order.direction))
        })
        .collect();
    keys.extend(["app_type ASC", "name ASC", "version ASC", "id ASC"].map(str::to_owned));
    format!(" ORDER BY {}", keys.join(", "))
}

/// The columns of [`StreamRow`], in order.
pub(crate) const STREAM_COLUMNS: &str =
    "name, dsl_text, original_dsl_text, description, source_destination";

/// A row of `stream_definitions`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct StreamRow {
    name: String,
    dsl_text: String,
    original_dsl_text: String,
    description: String,
    /// Read as bytes: sqlx reads MariaDB's binary-collated (`utf8mb4_bin`) text as `VARBINARY`,
    /// which it refuses to decode as a `String`.
    source_destination: Option<Vec<u8>>,
}

impl TryFrom<StreamRow> for StreamDefinitionRecord {
    type Error = Error;

    fn try_from(row: StreamRow) -> Result<Self, Error> {
        let source_destination = row
            .source_destination
            .map(String::from_utf8)
            .transpose()
            .map_err(|e| Error::Corrupt {
                table: "stream_definitions",
                reason: format!("source_destination of '{}' is not UTF-8: {e}", row.name),
            })?;
        Ok(Self {
            name: row.name,
            dsl_text: row.dsl_text,
            original_dsl_text: row.original_dsl_text,
            description: row.description,
            source_destination,
        })
    }
}

/// The `ORDER BY` clause for a stream list: the requested keys, then the name (unique).
pub(crate) fn stream_order_by(sort: &[SortOrder<StreamSort>]) -> String {
    let mut keys: Vec<String> = sort
        .iter()
        .map(|order| {
            let column = match order.property {
                StreamSort::Name => "name",
                StreamSort::DslText => "dsl_text",
                StreamSort::Description => "description",
            };
            format!("{column} {}", direction(order.direction))
        })
        .collect();
    keys.push("name ASC".to_owned());
    format!(" ORDER BY {}", keys.join(", "))
}

/// Appends ` LIMIT ? OFFSET ?` selecting `page`.
pub(crate) fn push_page<'args, DB, P>(
    select: &mut sqlx::QueryBuilder<'args, DB>,
    page: &dataflow_core::page::PageRequest<P>,
) where
    DB: sqlx::Database,
    i64: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    select
        .push(" LIMIT ")
        .push_bind(i64::from(page.size))
        .push(" OFFSET ")
        .push_bind(offset);
}

const fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    }
}

/// The bounds of the text range holding exactly the strings that start with `<stream>.`:
/// from `<stream>.` (included) to `<stream>/` (excluded), `/` being the character after `.`.
/// A range, unlike `LIKE`, needs no escaping of `_` in stream names, compares byte for byte on
/// both databases, and is an index range scan on both.
pub(crate) fn tap_range(stream: &str) -> (String, String) {
    (format!("{stream}."), format!("{stream}/"))
}

/// `text` as a `LIKE` pattern matching it anywhere, with `!` as the escape character.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '!' | '%' | '_') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Implements [`crate::Store`] for `$store`, a struct with a `pool: sqlx::Pool<$db>` field and an
/// `async fn lock_writes(&self)` that serializes write transactions where the database needs it.
/// `$upsert` is appended to the multi-row insert when existing rows are to be overwritten.
macro_rules! impl_store {
    ($store:ty, $db:ty, dialect = $dialect:literal, upsert = $upsert:expr) => {
        impl $store {
            fn push_app_filter(
                qb: &mut sqlx::QueryBuilder<'_, $db>,
                query: &dataflow_core::app::AppQuery,
            ) {
                qb.push(" WHERE 1 = 1");
                if let Some(app_type) = query.app_type {
                    qb.push(" AND app_type = ").push_bind(app_type.as_str());
                }
                if let Some(search) = &query.search {
                    qb.push(" AND LOWER(name) LIKE ")
                        .push_bind($crate::sql::contains_pattern(search))
                        .push(" ESCAPE '!'");
                }
                if let Some(version) = &query.version {
                    qb.push(" AND LOWER(version) = ").push_bind(version.to_lowercase());
                }
                if query.default_only {
                    qb.push(" AND default_version = ").push_bind(true);
                }
            }

            /// Rows of `app_registration` for the given names, in registration order.
            async fn apps_named(
                conn: &mut <$db as sqlx::Database>::Connection,
                names: &[&str],
            ) -> $crate::Result<Vec<dataflow_core::app::AppRegistration>> {
                let mut found = Vec::new();
                for chunk in names.chunks($crate::sql::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {} FROM app_registration WHERE name IN (",
                        $crate::sql::APP_COLUMNS
                    ));
                    let mut list = qb.separated(", ");
                    for name in chunk {
                        list.push_bind(*name);
                    }
                    qb.push(") ORDER BY id");
                    let rows: Vec<$crate::sql::AppRow> =
                        qb.build_query_as().fetch_all(&mut *conn).await?;
                    for row in rows {
                        found.push(row.try_into()?);
                    }
                }
                Ok(found)
            }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            async fn ping(&self) -> $crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            fn dialect(&self) -> &'static str {
                $dialect
            }

            async fn save_apps(
                &self,
                apps: &[dataflow_core::app::NewAppRegistration],
                policy: $crate::ConflictPolicy,
            ) -> $crate::Result<$crate::SaveOutcome> {
                use std::collections::{BTreeSet, HashMap, HashSet};

                use dataflow_core::app::{AppRegistration, AppType};

                let _guard = self.lock_writes().await;
                let mut tx = self.pool.begin().await?;

                let names: Vec<&str> = apps
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let found = Self::apps_named(&mut tx, &names).await?;
                // Both databases compare names and versions case-insensitively; so do these keys.
                let key = |t: AppType, name: &str, version: &str| {
                    (t, name.to_lowercase(), version.to_lowercase())
                };
                let existing: HashMap<(AppType, String, String), &AppRegistration> = found
                    .iter()
                    .map(|r| (key(r.app_type, r.name.as_str(), &r.version), r))
                    .collect();
                let mut has_default: HashSet<(AppType, String)> = found
                    .iter()
                    .filter(|r| r.default_version)
                    .map(|r| (r.app_type, r.name.as_str().to_lowercase()))
                    .collect();

                let mut outcome = $crate::SaveOutcome::default();
                let mut writes: Vec<AppRegistration> = Vec::with_capacity(apps.len());
                for app in apps {
                    match (existing.get(&key(app.app_type, app.name.as_str(), &app.version)), policy) {
                        (Some(reg), $crate::ConflictPolicy::Fail) => {
                            // Dropping `tx` rolls back; nothing was written yet anyway.
                            return Err($crate::Error::AlreadyRegistered(Box::new((*reg).clone())));
                        }
                        (Some(reg), $crate::ConflictPolicy::Skip) => {
                            outcome.skipped.push((*reg).clone());
                        }
                        (Some(reg), $crate::ConflictPolicy::Overwrite) => {
                            let updated = AppRegistration {
                                uri: app.uri.clone(),
                                metadata_uri: app.metadata_uri.clone(),
                                ..(*reg).clone()
                            };
                            outcome.updated.push(updated.clone());
                            writes.push(updated);
                        }
                        (None, _) => {
                            let first =
                                has_default.insert((app.app_type, app.name.as_str().to_lowercase()));
                            let created = AppRegistration {
                                name: app.name.clone(),
                                app_type: app.app_type,
                                version: app.version.clone(),
                                uri: app.uri.clone(),
                                metadata_uri: app.metadata_uri.clone(),
                                default_version: first,
                            };
                            outcome.created.push(created.clone());
                            writes.push(created);
                        }
                    }
                }

                for chunk in writes.chunks($crate::sql::BATCH) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                        "INSERT INTO app_registration ({}) ",
                        $crate::sql::APP_COLUMNS
                    ));
                    qb.push_values(chunk, |mut row, reg| {
                        row.push_bind(reg.app_type.as_str())
                            .push_bind(reg.name.as_str())
                            .push_bind(reg.version.as_str())
                            .push_bind(reg.uri.as_str())
                            .push_bind(reg.metadata_uri.as_deref())
                            .push_bind(reg.default_version);
                    });
                    if policy == $crate::ConflictPolicy::Overwrite {
                        qb.push($upsert);
                    }
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn find_apps(
                &self,
                query: &dataflow_core::app::AppQuery,
            ) -> $crate::Result<dataflow_core::page::Page<dataflow_core::app::AppRegistration>>
            {
                let mut count = sqlx::QueryBuilder::<$db>::new(
                    "SELECT COUNT(*) FROM app_registration",
                );
                Self::push_app_filter(&mut count, query);
                let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

                let mut select = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM app_registration",
                    $crate::sql::APP_COLUMNS
                ));
                Self::push_app_filter(&mut select, query);
                select.push($crate::sql::order_by(&query.page.sort));
                $crate::sql::push_page(&mut select, &query.page);
                let rows: Vec<$crate::sql::AppRow> =
                    select.build_query_as().fetch_all(&self.pool).await?;
                let items = rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
                Ok(dataflow_core::page::Page { items, total: u64::try_from(total).unwrap_or(0) })
            }

            async fn find_app(
                &self,
                app_type: dataflow_core::app::AppType,
                name: &str,
                version: Option<&str>,
            ) -> $crate::Result<Option<dataflow_core::app::AppRegistration>> {
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM app_registration WHERE app_type = ",
                    $crate::sql::APP_COLUMNS
                ));
                qb.push_bind(app_type.as_str()).push(" AND name = ").push_bind(name);
                match version {
                    Some(version) => qb.push(" AND version = ").push_bind(version),
                    None => qb.push(" AND default_version = ").push_bind(true),
                };
                let row: Option<$crate::sql::AppRow> =
                    qb.build_query_as().fetch_optional(&self.pool).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn app_versions(
                &self,
                apps: &[(dataflow_core::app::AppType, String)],
            ) -> $crate::Result<Vec<Vec<String>>> {
                let names: Vec<&str> = apps.iter().map(|(_, n)| n.as_str()).collect();
                let mut conn = self.pool.acquire().await?;
                let found = Self::apps_named(&mut conn, &names).await?;
                Ok(apps
                    .iter()
                    .map(|(app_type, name)| {
                        found
                            .iter()
                            .filter(|r| {
                                r.app_type == *app_type && r.name.as_str().eq_ignore_ascii_case(name)
                            })
                            .map(|r| r.version.clone())
                            .collect()
                    })
                    .collect())
            }

            async fn set_default_app(
                &self,
                app_type: dataflow_core::app::AppType,
                name: &str,
                version: &str,
            ) -> $crate::Result<()> {
                let _guard = self.lock_writes().await;
                let mut tx = self.pool.begin().await?;
                let exists: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM app_registration WHERE app_type = ? AND name = ? AND version = ?",
                )
                .bind(app_type.as_str())
                .bind(name)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = exists else {
                    return Err($crate::Error::NotFound {
                        entity: $crate::Entity::App,
                        key: format!("{app_type}:{name}:{version}"),
                    });
                };
                // Clear the old default first: the database allows one default per (type, name).
                sqlx::query(
                    "UPDATE app_registration SET default_version = ? \
                     WHERE app_type = ? AND name = ? AND default_version = ? AND id <> ?",
                )
                .bind(false)
                .bind(app_type.as_str())
                .bind(name)
                .bind(true)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE app_registration SET default_version = ? WHERE id = ?")
                    .bind(true)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_app(
                &self,
                app_type: dataflow_core::app::AppType,
                name: &str,
                version: &str,
            ) -> $crate::Result<()> {
                let _guard = self.lock_writes().await;
                let done = sqlx::query(
                    "DELETE FROM app_registration WHERE app_type = ? AND name = ? AND version = ?",
                )
                .bind(app_type.as_str())
                .bind(name)
                .bind(version)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::Error::NotFound {
                        entity: $crate::Entity::App,
                        key: format!("{app_type}:{name}:{version}"),
                    });
                }
                Ok(())
            }

            async fn delete_all_apps(&self) -> $crate::Result<u64> {
                let _guard = self.lock_writes().await;
                let done = sqlx::query("DELETE FROM app_registration").execute(&self.pool).await?;
                Ok(done.rows_affected())
            }

            async fn create_stream(
                &self,
                stream: &dataflow_core::stream_definition::StreamDefinitionRecord,
            ) -> $crate::Result<()> {
                let _guard = self.lock_writes().await;
                sqlx::query(&format!(
                    "INSERT INTO stream_definitions ({}) VALUES (?, ?, ?, ?, ?)",
                    $crate::sql::STREAM_COLUMNS
                ))
                .bind(stream.name.as_str())
                .bind(stream.dsl_text.as_str())
                .bind(stream.original_dsl_text.as_str())
                .bind(stream.description.as_str())
                .bind(stream.source_destination.as_deref())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn find_stream(
                &self,
                name: &str,
            ) -> $crate::Result<Option<dataflow_core::stream_definition::StreamDefinitionRecord>>
            {
                let row: Option<$crate::sql::StreamRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM stream_definitions WHERE name = ?",
                    $crate::sql::STREAM_COLUMNS
                ))
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn find_streams(
                &self,
                query: &dataflow_core::stream_definition::StreamQuery,
            ) -> $crate::Result<
                dataflow_core::page::Page<dataflow_core::stream_definition::StreamDefinitionRecord>,
            > {
                let filter = |qb: &mut sqlx::QueryBuilder<'_, $db>| {
                    if let Some(search) = &query.search {
                        qb.push(" WHERE LOWER(name) LIKE ")
                            .push_bind($crate::sql::contains_pattern(search))
                            .push(" ESCAPE '!'");
                    }
                };
                let mut count =
                    sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM stream_definitions");
                filter(&mut count);
                let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

                let mut select = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM stream_definitions",
                    $crate::sql::STREAM_COLUMNS
                ));
                filter(&mut select);
                select.push($crate::sql::stream_order_by(&query.page.sort));
                $crate::sql::push_page(&mut select, &query.page);
                let rows: Vec<$crate::sql::StreamRow> =
                    select.build_query_as().fetch_all(&self.pool).await?;
                let items = rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
                Ok(dataflow_core::page::Page { items, total: u64::try_from(total).unwrap_or(0) })
            }

            async fn streams_reading_from(
                &self,
                stream: &str,
                limit: u32,
            ) -> $crate::Result<Vec<dataflow_core::stream_definition::StreamDefinitionRecord>>
            {
                let (from, to) = $crate::sql::tap_range(stream);
                let rows: Vec<$crate::sql::StreamRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM stream_definitions \
                     WHERE source_destination = ? \
                        OR (source_destination >= ? AND source_destination < ?) \
                     ORDER BY name LIMIT ?",
                    $crate::sql::STREAM_COLUMNS
                ))
                .bind(stream)
                .bind(from)
                .bind(to)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn delete_stream(&self, name: &str) -> $crate::Result<()> {
                let _guard = self.lock_writes().await;
                let done = sqlx::query("DELETE FROM stream_definitions WHERE name = ?")
                    .bind(name)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::Error::NotFound {
                        entity: $crate::Entity::Stream,
                        key: name.to_owned(),
                    });
                }
                Ok(())
            }

            async fn delete_all_streams(&self) -> $crate::Result<u64> {
                let _guard = self.lock_writes().await;
                let done = sqlx::query("DELETE FROM stream_definitions")
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(crate) use impl_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Brake_50%!"), "%brake!_50!%!!%");
    }

    #[test]
    fn tap_ranges_hold_exactly_the_dotted_prefix() {
        let (from, to) = tap_range("my_stream");
        for inside in [
            "my_stream.",
            "my_stream.http",
            "my_stream.a.b",
            "my_stream.~",
        ] {
            assert!(from.as_str() <= inside && inside < to.as_str(), "{inside}");
        }
        for outside in [
            "my_stream",
            "my_stream-2.x",
            "my_stream/x",
            "my_streamx.y",
            "myXstream.a",
        ] {
            assert!(
                !(from.as_str() <= outside && outside < to.as_str()),
                "{outside}"
            );
        }
    }

    #[test]
    fn stream_order_ends_with_the_name() {
        assert_eq!(stream_order_by(&[]), " ORDER BY name ASC");
        let desc = [SortOrder {
            property: StreamSort::DslText,
            direction: Direction::Desc,
        }];
        assert_eq!(stream_order_by(&desc), " ORDER BY dsl_text DESC, name ASC");
    }

    #[test]
    fn order_always_ends_with_a_unique_key() {
        assert_eq!(
            order_by(&[]),
            " ORDER BY app_type ASC, name ASC, version ASC, id ASC"
        );
        let desc = [SortOrder {
            property: AppSort::Name,
            direction: Direction::Desc,
        }];
        assert!(order_by(&desc).starts_with(" ORDER BY name DESC, app_type ASC"));
    }
}
