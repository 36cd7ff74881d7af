//! The MariaDB (MySQL protocol) store, for production.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};

use crate::sql::impl_store;
use crate::{ConnectOptions, Error, Result, redact_url};

/// A store in a MariaDB database.
#[derive(Debug)]
pub(crate) struct MySqlStore {
    pub(crate) pool: sqlx::MySqlPool,
}

impl MySqlStore {
    pub(crate) async fn connect(url: &str, options: &ConnectOptions) -> Result<Self> {
        // sqlx speaks the MySQL protocol under the `mysql:` scheme only.
        let url = match url.strip_prefix("mariadb:") {
            Some(rest) => format!("mysql:{rest}"),
            None => url.to_owned(),
        };
        let mut connect = MySqlConnectOptions::from_str(&url).map_err(|e| {
            Error::Config(format!("invalid MariaDB URL '{}': {e}", redact_url(&url)))
        })?;
        if let Some(username) = &options.username {
            connect = connect.username(username);
        }
        if let Some(password) = options.password() {
            connect = connect.password(password);
        }
        let pool = MySqlPoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(10))
            .acquire_timeout(options.acquire_timeout())
            .connect_with(connect)
            .await
            .map_err(Error::Unavailable)?;
        sqlx::migrate!("../../migrations/mysql").run(&pool).await?;
        Ok(Self { pool })
    }

    /// MariaDB's row locks and unique keys are enough: no extra serialization.
    #[expect(clippy::unused_async, reason = "same shape as the SQLite store's lock")]
    pub(crate) async fn lock_writes(&self) {}
}

impl_store!(
    MySqlStore,
    sqlx::MySql,
    dialect = "mariadb",
    upsert = " ON DUPLICATE KEY UPDATE uri = VALUES(uri), metadata_uri = VALUES(metadata_uri)"
);

/// The migrations, for the check that both dialects stay in step.
#[cfg(test)]
pub(crate) fn migrator() -> sqlx::migrate::Migrator {
    sqlx::migrate!("../../migrations/mysql")
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_dialects_have_the_same_migration_versions() {
        let versions = |m: sqlx::migrate::Migrator| -> Vec<(i64, String)> {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect()
        };
        let mysql = versions(super::migrator());
        let sqlite = versions(crate::sqlite::migrator());
        assert!(!mysql.is_empty());
        assert_eq!(
            mysql, sqlite,
            "migrations/mysql and migrations/sqlite must stay in step"
        );
    }
}
