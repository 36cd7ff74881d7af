//! The reconcile loop: makes each platform match the live releases in the database, whatever
//! happened before (a server killed mid-deploy, API errors, objects deleted or edited by hand).
//! It is level-triggered: every pass reads the whole desired state and the platforms' watch
//! caches, and acts on the difference. A pass runs after every change a request records (the
//! services wake it) and at least every interval.
//!
//! One pass, per stream with live releases:
//! 1. the newest live release is applied when its platform may differ from it
//!    ([`AppDeployer::drifted`], read from the caches: no API call when nothing changed);
//! 2. a release being rolled out is settled: a first release once applied; an upgrade (or
//!    rollback) when every app it runs is `deployed`, or failed when that takes longer than the
//!    upgrade timeout (the previous release then runs again, re-applied by the next pass);
//! 3. objects no live release accounts for are deleted: a stream without live release loses
//!    all of its objects, a stream with one live release those of any other release. While an
//!    upgrade runs (two live releases) nothing of the stream is deleted.
//!
//! Every change to the platform happens here, in one task, so a pass never races a request.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use dataflow_core::Code;
use dataflow_core::release::{Release, ReleaseStatus, Timestamp};
use dataflow_core::status::DeploymentState;
use dataflow_deployer::{AppDeployer, DeleteScope, StreamRelease};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::task::JoinHandle;
use tracing::{debug, error, info, warn};

use crate::error::{AppError, AppResult};
use crate::service::platforms::Account;
use crate::service::releases::{Releases, described, live_stream_state};

/// How many live releases one query reads.
const PAGE: u32 = 500;

/// Labels of a deployer operation.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    /// `apply` or `delete`.
    pub operation: &'static str,
    /// `success` or `failure`.
    pub outcome: &'static str,
}

/// Labels of a failed deployer operation.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FailureLabels {
    /// `apply`, `delete`, `plan` or `status`.
    pub operation: &'static str,
    /// The error's code (`PlatformUnavailableException`, ...).
    pub kind: String,
}

/// Labels of the streams-by-state gauge.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    /// The stream state (`deployed`, `partial`, ...).
    pub state: String,
}

/// What the reconcile loop does, for Prometheus.
#[derive(Debug, Clone)]
pub struct ReconcileMetrics {
    operations: Family<OperationLabels, Counter>,
    failures: Family<FailureLabels, Counter>,
    apply_seconds: Histogram,
    streams: Family<StateLabels, Gauge>,
    passes: Counter,
}

impl Default for ReconcileMetrics {
    fn default() -> Self {
        Self {
            operations: Family::default(),
            failures: Family::default(),
            // 5 ms .. ~80 s
            apply_seconds: Histogram::new(exponential_buckets(0.005, 2.0, 15)),
            streams: Family::default(),
            passes: Counter::default(),
        }
    }
}

impl ReconcileMetrics {
    /// Registers the metrics in `registry`.
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "deployer_operations",
            "Platform operations of the reconcile loop, by operation and outcome",
            self.operations.clone(),
        );
        registry.register(
            "deployer_failures",
            "Failed platform operations, by operation and error kind",
            self.failures.clone(),
        );
        registry.register(
            "deployer_apply_duration_seconds",
            "Time to apply one stream release",
            self.apply_seconds.clone(),
        );
        registry.register(
            "streams",
            "Deployed streams by state, as of the last reconcile pass",
            self.streams.clone(),
        );
        registry.register(
            "reconcile_passes",
            "Reconcile passes run",
            self.passes.clone(),
        );
    }

    fn operation(&self, operation: &'static str, outcome: Result<(), &AppError>) {
        let outcome_label = if outcome.is_ok() {
            "success"
        } else {
            "failure"
        };
        self.operations
            .get_or_create(&OperationLabels {
                operation,
                outcome: outcome_label,
            })
            .inc();
        if let Err(e) = outcome {
            self.failure(operation, e);
        }
    }

    fn failure(&self, operation: &'static str, error: &AppError) {
        self.failures
            .get_or_create(&FailureLabels {
                operation,
                kind: error.code().logref().to_owned(),
            })
            .inc();
    }
}

/// How the loop runs.
#[derive(Debug, Clone, Copy)]
pub struct ReconcileSettings {
    /// The longest time between two passes.
    pub interval: Duration,
    /// How long an upgrade's apps may take to become `deployed` before it is rolled back.
    pub upgrade_timeout: Duration,
}

/// The reconcile loop. See the module documentation.
#[derive(Debug)]
pub struct Reconciler {
    releases: Releases,
    settings: ReconcileSettings,
    metrics: ReconcileMetrics,
    /// Planned releases by (stream, version), with the update stamp they were planned at.
    planned: HashMap<(String, u32), (Timestamp, Arc<StreamRelease>)>,
}

/// Milliseconds since `since`, now.
fn elapsed_since(since: Timestamp) -> Duration {
    let now = Timestamp::from_system_time(SystemTime::now());
    Duration::from_millis(u64::try_from(now.as_millis() - since.as_millis()).unwrap_or(0))
}

impl Reconciler {
    /// A loop over `releases`' database and platforms.
    pub fn new(releases: Releases, settings: ReconcileSettings, metrics: ReconcileMetrics) -> Self {
        Self {
            releases,
            settings,
            metrics,
            planned: HashMap::new(),
        }
    }

    /// Runs the loop on the current Tokio runtime until the task is aborted.
    pub fn spawn(mut self) -> JoinHandle<()> {
        let wake = self.releases.wake_handle();
        tokio::spawn(async move {
            loop {
                let again = match self.pass().await {
                    Ok(changed) => changed,
                    Err(e) => {
                        warn!(error = %e, "Reconcile pass failed; retrying.");
                        false
                    }
                };
                if again {
                    // A pass changed a release's status: the next one acts on it at once.
                    continue;
                }
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(self.settings.interval) => {}
                }
            }
        })
    }

    /// One pass; `true` when it changed a release (so another pass should follow).
    pub async fn pass(&mut self) -> AppResult<bool> {
        self.metrics.passes.inc();
        let platforms = self.releases.platforms().clone();
        // The desired state, by account and stream; releases by ascending version.
        let mut desired: BTreeMap<String, BTreeMap<String, Vec<Release>>> = BTreeMap::new();
        let mut after: Option<(String, u32)> = None;
        loop {
            let batch = self
                .releases
                .store()
                .live_releases(after.as_ref().map(|(s, v)| (s.as_str(), *v)), PAGE)
                .await?;
            let Some(last) = batch.last() else { break };
            after = Some((last.stream.clone(), last.version));
            for release in batch {
                desired
                    .entry(release.platform.clone())
                    .or_default()
                    .entry(release.stream.clone())
                    .or_default()
                    .push(release);
            }
        }
        self.planned.retain(|(stream, version), _| {
            desired.values().any(|streams| {
                streams
                    .get(stream)
                    .is_some_and(|releases| releases.iter().any(|r| r.version == *version))
            })
        });

        let mut changed = false;
        let mut states: BTreeMap<DeploymentState, i64> = BTreeMap::new();
        for account in platforms.all() {
            let streams = desired.remove(&account.name).unwrap_or_default();
            // Observed before anything is applied in this pass: what is seen is older than
            // any object this pass creates, so nothing new is taken for an orphan.
            let observed = match account.deployer.observed().await {
                Ok(observed) => Some(observed),
                Err(e) => {
                    let e = AppError::from(e);
                    self.metrics.failure("status", &e);
                    debug!(account = %account.name, error = %e, "Platform not observed yet.");
                    None
                }
            };
            for (stream, releases) in &streams {
                match self.reconcile_stream(account, releases).await {
                    Ok(stream_changed) => changed |= stream_changed,
                    Err(e) => warn!(%stream, error = %e, "Cannot reconcile the stream."),
                }
                let state = live_stream_state(account.deployer.status(stream).await, 1);
                *states.entry(state).or_default() += 1;
            }
            if let Some(observed) = observed {
                self.delete_orphans(account, &streams, observed).await;
            }
        }
        for (account, streams) in desired {
            warn!(
                %account,
                streams = streams.len(),
                "Releases name a platform account this server does not have; left alone."
            );
        }
        for state in DeploymentState::ALL {
            self.metrics
                .streams
                .get_or_create(&StateLabels {
                    state: state.key().to_owned(),
                })
                .set(states.get(&state).copied().unwrap_or(0));
        }
        Ok(changed)
    }

    async fn plan(&mut self, release: &Release) -> AppResult<Arc<StreamRelease>> {
        let key = (release.stream.clone(), release.version);
        if let Some((stamp, planned)) = self.planned.get(&key)
            && *stamp == release.last_updated
        {
            return Ok(planned.clone());
        }
        let planned = Arc::new(
            self.releases
                .stream_release(release)
                .await
                .inspect_err(|e| {
                    self.metrics.failure("plan", e);
                })?,
        );
        self.planned
            .insert(key, (release.last_updated, planned.clone()));
        Ok(planned)
    }

    async fn apply(&self, deployer: &dyn AppDeployer, release: &StreamRelease) -> AppResult<()> {
        let started = Instant::now();
        let result = deployer.apply(release).await.map_err(AppError::from);
        self.metrics
            .apply_seconds
            .observe(started.elapsed().as_secs_f64());
        self.metrics.operation("apply", result.as_ref().map(|_| ()));
        result
    }

    async fn set_status(
        &self,
        release: &Release,
        status: ReleaseStatus,
        description: &str,
    ) -> AppResult<()> {
        self.releases
            .store()
            .update_release_status(&release.stream, release.version, status, description)
            .await?;
        info!(
            stream = %release.stream,
            version = release.version,
            %status,
            "{description}"
        );
        Ok(())
    }

    /// Applies the newest live release when needed and settles it; `true` when a release's
    /// status changed.
    async fn reconcile_stream(
        &mut self,
        account: &Account,
        releases: &[Release],
    ) -> AppResult<bool> {
        let Some((newest, older)) = releases.split_last() else {
            return Ok(false);
        };
        let planned = match self.plan(newest).await {
            Ok(planned) => planned,
            Err(e) if e.code().class() == dataflow_core::ErrorClass::Internal => return Err(e),
            Err(e) if e.code() == Code::StoreUnavailable => return Err(e),
            Err(e) => {
                // The release cannot be planned any more (an app unregistered behind its back,
                // a definition gone): it fails; the previous release, if any, runs again.
                self.set_status(
                    newest,
                    ReleaseStatus::Failed,
                    &format!("Failed: {}", e.public_message()),
                )
                .await?;
                return Ok(true);
            }
        };
        let deployer = account.deployer.as_ref();
        if deployer.drifted(&planned).await.map_err(AppError::from)? {
            debug!(stream = %newest.stream, version = newest.version, "Applying.");
            if let Err(e) = self.apply(deployer, &planned).await {
                if matches!(
                    e.code().class(),
                    dataflow_core::ErrorClass::Conflict | dataflow_core::ErrorClass::InvalidRequest
                ) {
                    // Retrying cannot help (an object of the same name that is not ours, a
                    // setting the platform refuses): the release fails and says why.
                    error!(stream = %newest.stream, error = %e, "The release cannot be applied.");
                    self.set_status(
                        newest,
                        ReleaseStatus::Failed,
                        &format!("Failed: {}", e.public_message()),
                    )
                    .await?;
                    return Ok(true);
                }
                return Err(e);
            }
        }
        if newest.status != ReleaseStatus::Deploying {
            return Ok(false);
        }
        let rollback = newest.description.starts_with("Rollback");
        if older.is_empty() {
            // A first release (or one after an undeploy) is done once applied, as Skipper's
            // install; its apps' health shows in the stream's state.
            let done = if rollback {
                described::ROLLBACK_COMPLETE
            } else {
                described::INSTALL_COMPLETE
            };
            self.set_status(newest, ReleaseStatus::Deployed, done)
                .await?;
            return Ok(true);
        }
        let status = deployer
            .status(&newest.stream)
            .await
            .map_err(AppError::from)?;
        let waiting: Vec<String> = planned
            .apps
            .iter()
            .map(|app| deployer.deployment_id(app))
            .filter(|id| {
                !status.app(id).is_some_and(|app| {
                    app.release_version == Some(newest.version)
                        && app.state() == DeploymentState::Deployed
                })
            })
            .collect();
        if waiting.is_empty() {
            let done = if rollback {
                described::ROLLBACK_COMPLETE
            } else {
                described::UPGRADE_COMPLETE
            };
            self.set_status(newest, ReleaseStatus::Deployed, done)
                .await?;
            for old in older {
                self.set_status(
                    old,
                    ReleaseStatus::Deleted,
                    &format!("Superseded by release {}", newest.version),
                )
                .await?;
            }
            return Ok(true);
        }
        let elapsed = elapsed_since(newest.first_deployed);
        if elapsed > self.settings.upgrade_timeout {
            let what = if rollback { "Rollback" } else { "Upgrade" };
            self.set_status(
                newest,
                ReleaseStatus::Failed,
                &format!(
                    "{what} failed: {} not deployed within {} s; release {} runs again",
                    waiting.join(", "),
                    self.settings.upgrade_timeout.as_secs(),
                    older.last().map_or(0, |r| r.version)
                ),
            )
            .await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Deletes what no live release of the account accounts for.
    async fn delete_orphans(
        &self,
        account: &Account,
        streams: &BTreeMap<String, Vec<Release>>,
        observed: BTreeMap<String, std::collections::BTreeSet<u32>>,
    ) {
        for (stream, versions) in observed {
            let scope = match streams.get(&stream).map(Vec::as_slice) {
                None | Some([]) => DeleteScope::All,
                Some([only]) if versions.iter().any(|v| *v != only.version) => {
                    DeleteScope::AllButRelease(only.version)
                }
                // Up to date, or an upgrade running: nothing to delete.
                Some(_) => continue,
            };
            info!(%stream, ?scope, "Deleting objects no live release accounts for.");
            let result = account
                .deployer
                .delete(&stream, scope)
                .await
                .map_err(AppError::from);
            self.metrics
                .operation("delete", result.as_ref().map(|_| ()));
            if let Err(e) = result {
                warn!(%stream, error = %e, "Cannot delete the stream's objects; retrying later.");
            }
        }
    }
}
