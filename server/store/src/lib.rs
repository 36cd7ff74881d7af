//! Persistence for the dataflow server.
//!
//! One [`Store`] trait, used as `Arc<dyn Store>`, with two implementations: SQLite (the embedded
//! zero-setup default) and MariaDB (production). Both run the migrations of their own dialect
//! from `migrations/` at [`connect`], and both pass the same conformance suite
//! (`tests/conformance.rs`). Every list query is bounded and backed by an index.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use dataflow_core::app::{AppQuery, AppRegistration, AppType, NewAppRegistration};
use dataflow_core::page::Page;
use dataflow_core::stream_definition::{StreamDefinitionRecord, StreamQuery};
use secrecy::{ExposeSecret, SecretString};

mod error;
mod mysql;
mod releases;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Entity, Error, Result};
pub use releases::ReleaseStore;

/// What to do when a registration to save already exists (same type, name and version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictPolicy {
    /// Save nothing and fail with [`Error::AlreadyRegistered`].
    Fail,
    /// Leave the existing registration alone and save the others.
    Skip,
    /// Replace the existing registration's URIs (SCDF's `force=true`).
    Overwrite,
}

/// What [`Store::save_apps`] did, registration by registration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveOutcome {
    /// Registrations that did not exist before.
    pub created: Vec<AppRegistration>,
    /// Registrations whose URIs were replaced.
    pub updated: Vec<AppRegistration>,
    /// Registrations left alone because they exist ([`ConflictPolicy::Skip`]).
    pub skipped: Vec<AppRegistration>,
}

/// The server's state. Implementations must be safe to share across tasks.
///
/// Releases are kept through the [`ReleaseStore`] supertrait.
#[async_trait]
pub trait Store: ReleaseStore + Send + Sync + fmt::Debug {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;

    /// Which database this is, for logs and `/about` (`sqlite` or `mariadb`).
    fn dialect(&self) -> &'static str;

    /// Saves registrations in one transaction: all of them or none.
    ///
    /// The first registration of a (type, name) becomes its default version. Existing
    /// registrations are handled as `policy` says. `apps` must not repeat a (type, name, version).
    async fn save_apps(
        &self,
        apps: &[NewAppRegistration],
        policy: ConflictPolicy,
    ) -> Result<SaveOutcome>;

    /// One page of registrations matching `query`, and how many match in all.
    async fn find_apps(&self, query: &AppQuery) -> Result<Page<AppRegistration>>;

    /// One registration; with `version` `None`, the default version.
    async fn find_app(
        &self,
        app_type: AppType,
        name: &str,
        version: Option<&str>,
    ) -> Result<Option<AppRegistration>>;

    /// Every registered version of each (type, name) in `apps`, oldest registration first.
    async fn app_versions(&self, apps: &[(AppType, String)]) -> Result<Vec<Vec<String>>>;

    /// Makes `version` the default of its (type, name); [`Error::NotFound`] if not registered.
    async fn set_default_app(&self, app_type: AppType, name: &str, version: &str) -> Result<()>;

    /// Removes one registration; [`Error::NotFound`] if not registered.
    async fn delete_app(&self, app_type: AppType, name: &str, version: &str) -> Result<()>;

    /// Removes every registration; returns how many.
    async fn delete_all_apps(&self) -> Result<u64>;

    /// Saves a new stream definition; [`Error::Conflict`] if a stream of that name (ignoring
    /// case) exists.
    async fn create_stream(&self, stream: &StreamDefinitionRecord) -> Result<()>;

    /// One stream definition, by name ignoring case.
    async fn find_stream(&self, name: &str) -> Result<Option<StreamDefinitionRecord>>;

    /// One page of stream definitions matching `query`, and how many match in all.
    async fn find_streams(&self, query: &StreamQuery) -> Result<Page<StreamDefinitionRecord>>;

    /// At most `limit` streams reading from the destinations of the stream named `stream`: those
    /// whose source destination is `stream` or starts with `stream.` (its taps), compared
    /// case-sensitively as brokers compare destinations; by name.
    async fn streams_reading_from(
        &self,
        stream: &str,
        limit: u32,
    ) -> Result<Vec<StreamDefinitionRecord>>;

    /// Removes one stream definition (by name ignoring case); [`Error::NotFound`] if there is
    /// none.
    async fn delete_stream(&self, name: &str) -> Result<()>;

    /// Removes every stream definition; returns how many.
    async fn delete_all_streams(&self) -> Result<u64>;
}

/// How to reach the database, beside its URL.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// User name, overriding the URL's.
    pub username: Option<String>,
    /// Password, overriding the URL's.
    pub password: Option<SecretString>,
    /// Upper bound of pooled connections.
    pub max_connections: Option<u32>,
    /// How long to keep trying to reach the database (default 30 s).
    pub connect_timeout: Option<std::time::Duration>,
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "******"))
            .field("max_connections", &self.max_connections)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

impl ConnectOptions {
    fn acquire_timeout(&self) -> std::time::Duration {
        self.connect_timeout
            .unwrap_or(std::time::Duration::from_secs(30))
    }

    fn password(&self) -> Option<&str> {
        self.password.as_ref().map(ExposeSecret::expose_secret)
    }
}

/// Opens the database named by `url` (`sqlite:<path>`, `mysql://…` or `mariadb://…`), runs its
/// migrations and returns the store.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Arc<dyn Store>> {
    match url.split_once(':').map(|(scheme, _)| scheme) {
        Some("sqlite") => Ok(Arc::new(sqlite::SqliteStore::connect(url, options).await?)),
        Some("mysql" | "mariadb") => Ok(Arc::new(mysql::MySqlStore::connect(url, options).await?)),
        _ => Err(Error::Config(format!(
            "unsupported database URL '{}': expected sqlite:<path>, mysql://… or mariadb://…",
            redact_url(url)
        ))),
    }
}

/// `url` with any password replaced by `******`, for logs and messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot have a password, which this one has.
            let _ = parsed.set_password(Some("******"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Unparseable: show the scheme only, in case the rest holds a secret.
        Err(_) => match url.split_once(':') {
            Some((scheme, _)) => format!("{scheme}:…"),
            None => "…".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_passwords() {
        assert_eq!(
            redact_url("mysql://u:hunter2@db:3306/dataflow"),
            "mysql://u:******@db:3306/dataflow"
        );
        assert_eq!(
            redact_url("sqlite:data/dataflow.db"),
            "sqlite:data/dataflow.db"
        );
        assert_eq!(redact_url("mysql://db/x"), "mysql://db/x");
        assert!(!redact_url("mysql://u:hunter2@[bad").contains("hunter2"));
    }

    #[test]
    fn connect_options_debug_hides_the_password() {
        let options = ConnectOptions {
            password: Some(SecretString::from("hunter2")),
            ..ConnectOptions::default()
        };
        assert!(!format!("{options:?}").contains("hunter2"));
    }
}
