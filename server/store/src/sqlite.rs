//! The embedded SQLite store: one file under the data directory, WAL mode.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{Mutex, MutexGuard};

use crate::sql::impl_store;
use crate::{ConnectOptions, Error, Result};

/// A store in a SQLite file.
#[derive(Debug)]
pub(crate) struct SqliteStore {
    pub(crate) pool: sqlx::SqlitePool,
    /// SQLite has one writer at a time, and a read transaction that later writes can fail with
    /// `SQLITE_BUSY` instead of waiting; serializing our own write transactions avoids that.
    writes: Mutex<()>,
}

impl SqliteStore {
    pub(crate) async fn connect(url: &str, options: &ConnectOptions) -> Result<Self> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("invalid SQLite URL '{url}': {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(4))
            .acquire_timeout(options.acquire_timeout())
            .connect_with(connect)
            .await
            .map_err(Error::Unavailable)?;
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            writes: Mutex::new(()),
        })
    }

    pub(crate) async fn lock_writes(&self) -> MutexGuard<'_, ()> {
        self.writes.lock().await
    }
}

impl_store!(
    SqliteStore,
    sqlx::Sqlite,
    dialect = "sqlite",
    upsert = " ON CONFLICT (app_type, name, version) DO UPDATE SET \
               uri = excluded.uri, metadata_uri = excluded.metadata_uri, \
               updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
);

/// The migrations, for the check that both dialects stay in step.
#[cfg(test)]
pub(crate) fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("../../migrations/sqlite")
}
