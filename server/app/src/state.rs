//! What every request handler can reach.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context as _;
use dataflow_deployer::kubernetes::KubernetesPlatform;
use dataflow_store::Store;

use crate::metrics::Metrics;
use crate::service::cpu::CpuPool;
use crate::service::deployments::Deployments;
use crate::service::platforms::Platforms;
use crate::service::reconcile::{ReconcileSettings, Reconciler};
use crate::service::registry::{Fetcher, ImportPolicy, Registry};
use crate::service::releases::Releases;
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
    /// Stream deployments on the platform accounts (releases).
    pub releases: Releases,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Largest request body accepted.
    pub max_request_bytes: usize,
    /// Whether `X-Forwarded-Host`/`-Proto` come from a proxy the operator runs (and so may
    /// set the links' base URL).
    pub trust_forwarded_headers: bool,
    /// Runs CPU-heavy request work (DSL parsing) off the async workers.
    pub cpu: CpuPool,
}

impl AppState {
    /// State over `store` with the given limits, `file:` and non-public app lists off.
    pub fn new(
        store: Arc<dyn Store>,
        max_request_bytes: usize,
        fetch_timeout: std::time::Duration,
    ) -> anyhow::Result<Self> {
        Self::with_import_policy(
            store,
            max_request_bytes,
            fetch_timeout,
            ImportPolicy::default(),
        )
    }

    /// State over `store` reading app lists as `policy` allows.
    pub fn with_import_policy(
        store: Arc<dyn Store>,
        max_request_bytes: usize,
        fetch_timeout: std::time::Duration,
        policy: ImportPolicy,
    ) -> anyhow::Result<Self> {
        let fetcher = Fetcher::new(policy, max_request_bytes, fetch_timeout)
            .context("cannot start the HTTP client for app lists")?;
        let cpu = CpuPool::default();
        let deployments = Deployments::new(
            store.clone(),
            KubernetesPlatform::default(),
            BTreeMap::new(),
        );
        Ok(Self {
            registry: Registry::new(store.clone(), fetcher),
            streams: Streams::new(store.clone(), cpu.clone()),
            releases: Releases::new(
                store.clone(),
                deployments.clone(),
                Platforms::default(),
                Arc::default(),
            ),
            deployments,
            store,
            metrics: Arc::new(Metrics::default()),
            max_request_bytes,
            trust_forwarded_headers: false,
            cpu,
        })
    }

    /// The same state taking `X-Forwarded-Host`/`-Proto` for links when `trusted`.
    #[must_use]
    pub fn trusting_forwarded_headers(self, trusted: bool) -> Self {
        Self {
            trust_forwarded_headers: trusted,
            ..self
        }
    }

    /// The same state deploying with `deployments` (the configured platform and server-wide
    /// app properties) instead of the defaults.
    #[must_use]
    pub fn with_deployments(self, deployments: Deployments) -> Self {
        let releases = Releases::new(
            self.store.clone(),
            deployments.clone(),
            self.releases.platforms().clone(),
            self.releases.wake_handle(),
        );
        Self {
            deployments,
            releases,
            ..self
        }
    }

    /// The same state deploying streams to `platforms` (their client metrics registered).
    #[must_use]
    pub fn with_platforms(self, platforms: &Platforms) -> Self {
        let releases = Releases::new(
            self.store.clone(),
            self.deployments.clone(),
            platforms.clone(),
            self.releases.wake_handle(),
        );
        Self {
            releases,
            metrics: Arc::new(Metrics::new(platforms)),
            ..self
        }
    }

    /// Starts the reconcile loop over this state's releases and platforms; it runs until the
    /// returned task is aborted.
    pub fn start_reconciler(&self, settings: ReconcileSettings) -> tokio::task::JoinHandle<()> {
        Reconciler::new(
            self.releases.clone(),
            settings,
            self.metrics.reconcile.clone(),
        )
        .spawn()
    }
}
