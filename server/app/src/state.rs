//! What every request handler can reach.

use std::sync::Arc;

use anyhow::Context as _;
use dataflow_store::Store;

use crate::metrics::Metrics;
use crate::service::registry::Registry;

/// Shared state of the server (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The app registry.
    pub registry: Registry,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Largest request body accepted.
    pub max_request_bytes: usize,
}

impl AppState {
    /// State over `store` with the given limits.
    pub fn new(
        store: Arc<dyn Store>,
        max_request_bytes: usize,
        fetch_timeout: std::time::Duration,
    ) -> anyhow::Result<Self> {
        let registry = Registry::new(store.clone(), max_request_bytes, fetch_timeout)
            .context("cannot start the HTTP client for app lists")?;
        Ok(Self {
            registry,
            store,
            metrics: Arc::new(Metrics::default()),
            max_request_bytes,
        })
    }
}
