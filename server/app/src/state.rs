//! What every request handler can reach.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context as _;
use dataflow_deployer::kubernetes::KubernetesPlatform;
use dataflow_store::Store;

use crate::metrics::Metrics;
use crate::service::deployments::Deployments;
use crate::service::registry::Registry;
use crate::service::streams::Streams;

/// Shared state of the server (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The app registry.
    pub registry: Registry,
    /// Stream definitions.
    pub streams: Streams,
    /// Stream deployment planning and rendering.
    pub deployments: Deployments,
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
            streams: Streams::new(store.clone()),
            deployments: Deployments::new(
                store.clone(),
                KubernetesPlatform::default(),
                BTreeMap::new(),
            ),
            store,
            metrics: Arc::new(Metrics::default()),
            max_request_bytes,
        })
    }

    /// The same state deploying with `deployments` (the configured platform and server-wide
    /// app properties) instead of the defaults.
    #[must_use]
    pub fn with_deployments(self, deployments: Deployments) -> Self {
        Self {
            deployments,
            ..self
        }
    }
}
