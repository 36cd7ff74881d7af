//! Throwaway databases for tests: a SQLite file in a temporary directory, or a fresh database on
//! the MariaDB server named by `DATAFLOW_TEST_MARIADB_URL` (which `scripts/test.sh` starts).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{ConnectOptions, Store, connect};

/// The variable naming the MariaDB server tests use.
pub const MARIADB_URL_VAR: &str = "DATAFLOW_TEST_MARIADB_URL";

/// A store that lives as long as this value (the SQLite directory is removed on drop; MariaDB
/// databases go with the throwaway server).
#[derive(Debug)]
pub struct TestStore {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The URL it was opened with (holds the test server's password; tests only).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh SQLite store.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("dataflow.db").display());
    let store = connect(&url, &ConnectOptions::default())
        .await
        .expect("open SQLite");
    TestStore {
        store,
        url,
        _dir: Some(dir),
    }
}

/// A fresh, empty MariaDB database on the server named by [`MARIADB_URL_VAR`].
///
/// # Panics
/// When the variable is not set or the server does not answer: a MariaDB test that cannot reach
/// MariaDB must fail, not pass.
pub async fn mariadb() -> TestStore {
    #[expect(
        clippy::disallowed_methods,
        reason = "test harness, not server configuration"
    )]
    let Ok(server) = std::env::var(MARIADB_URL_VAR) else {
        panic!(
            "{MARIADB_URL_VAR} is not set: run the MariaDB suite through scripts/test.sh, \
             which starts a throwaway MariaDB"
        );
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "dataflow_test_{}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos()),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = url::Url::parse(&server).expect("DATAFLOW_TEST_MARIADB_URL is a URL");
    let options = <sqlx::mysql::MySqlConnectOptions as sqlx::ConnectOptions>::from_url(&admin)
        .expect("MariaDB URL");
    let mut conn = sqlx::ConnectOptions::connect(&options)
        .await
        .expect("connect to MariaDB");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    admin.set_path(&name);
    let url = admin.to_string();
    let store = connect(&url, &ConnectOptions::default())
        .await
        .expect("open MariaDB store");
    TestStore {
        store,
        url,
        _dir: None,
    }
}
