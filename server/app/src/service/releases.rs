//! Stream deployments on a platform: deploy, update, rollback, scale and undeploy record the
//! desired state as releases (Skipper's), and the reconcile loop ([`super::reconcile`]) makes
//! the platform match them. A call answers as soon as the release is recorded; its progress
//! shows in the stream's status and history.
//!
//! Every release is planned from the stream's definition and the release's spec (the
//! deployment properties as given, and which release named each app). An app is named after
//! the release that first ran it as it is (`<stream>-<label>-v<N>`): an update or rollback
//! gives a new name only to the apps whose request changed (or that `force` names), so the
//! others keep running untouched, as Skipper's red/black upgrade does.

use std::collections::BTreeMap;
use std::sync::Arc;

use dataflow_core::Code;
use dataflow_core::deployment::{AppDeploymentRequest, definition_name};
use dataflow_core::page::{Page, PageRequest};
use dataflow_core::planning::PLATFORM_NAME;
use dataflow_core::release::{NewRelease, Release, ReleaseSpec, ReleaseStatus};
use dataflow_core::sanitize::{mask_properties, mask_value};
use dataflow_core::status::DeploymentState;
use dataflow_core::stream_definition::{StreamDefinitionRecord, StreamQuery, StreamSort};
use dataflow_deployer::{AppStatus, StreamRelease, StreamStatus};
use dataflow_store::Store;
use tokio::sync::Notify;
use tracing::{info, instrument, warn};

use crate::error::{AppError, AppResult};
use crate::service::deployments::Deployments;
use crate::service::platforms::{Account, Platforms};

/// The most releases `stream history` shows (newest first).
pub const MAX_HISTORY: u32 = 1_000;

/// Descriptions of releases, as Skipper words them.
pub(crate) mod described {
    /// A first deployment (or one after an undeploy), not yet applied.
    pub(crate) const INSTALL_STARTED: &str = "Install started";
    /// A first deployment, applied.
    pub(crate) const INSTALL_COMPLETE: &str = "Install complete";
    /// An update, not yet healthy.
    pub(crate) const UPGRADE_STARTED: &str = "Upgrade started";
    /// An update, healthy.
    pub(crate) const UPGRADE_COMPLETE: &str = "Upgrade complete";
    /// A rollback, not yet healthy.
    pub(crate) const ROLLBACK_STARTED: &str = "Rollback started";
    /// A rollback, healthy.
    pub(crate) const ROLLBACK_COMPLETE: &str = "Rollback complete";
    /// An undeployed release.
    pub(crate) const DELETE_COMPLETE: &str = "Delete complete";
}

/// A request to update a deployed stream (`POST /streams/deployments/update/{name}`).
#[derive(Debug, Clone, Default)]
pub struct UpdateRequest {
    /// Properties merged over the current release's.
    pub properties: BTreeMap<String, String>,
    /// Redeploy apps even when unchanged.
    pub force: bool,
    /// With `force`, only these apps (labels); all when empty.
    pub app_names: Vec<String>,
}

/// The stream deployment service.
#[derive(Debug, Clone)]
pub struct Releases {
    store: Arc<dyn Store>,
    deployments: Deployments,
    platforms: Platforms,
    wake: Arc<Notify>,
}

fn stream_not_found(name: &str) -> AppError {
    AppError::new(
        Code::NoSuchStreamDefinition,
        format!("Could not find stream definition named {name}"),
    )
}

fn not_deployed(name: &str) -> AppError {
    AppError::new(
        Code::StreamNotDeployed,
        format!("Stream '{name}' is not deployed; deploy it first"),
    )
}

/// The deployment properties without the platform choice, and the platform chosen.
fn split_platform(
    properties: &BTreeMap<String, String>,
) -> (Option<String>, BTreeMap<String, String>) {
    let mut rest = properties.clone();
    let platform = rest.remove(PLATFORM_NAME);
    (platform, rest)
}

/// The resource of a request without its version suffix, as SCDF shows it.
fn unversioned_resource(request: &AppDeploymentRequest) -> &str {
    request
        .resource
        .strip_suffix(&format!(":{}", request.version))
        .unwrap_or(&request.resource)
}

/// Skipper's manifest of a stream release: one `SpringCloudDeployerApplication` document per
/// app, values of sensitive keys masked.
pub fn skipper_manifest(requests: &[AppDeploymentRequest]) -> String {
    let mut documents = Vec::with_capacity(requests.len());
    for request in requests {
        let masked =
            |map: &BTreeMap<String, String>| -> serde_json::Map<String, serde_json::Value> {
                map.iter()
                    .map(|(key, value)| (key.clone(), mask_value(key, value).into_owned().into()))
                    .collect()
            };
        let mut deployment = masked(&request.deployment_properties);
        if let Some(group) = &request.group {
            deployment.insert(
                dataflow_core::deployment::GROUP.to_owned(),
                group.clone().into(),
            );
        }
        deployment.insert(
            dataflow_core::deployment::COUNT.to_owned(),
            request.instances.to_string().into(),
        );
        let document = serde_json::json!({
            "apiVersion": "skipper.spring.io/v1",
            "kind": "SpringCloudDeployerApplication",
            "metadata": { "name": request.label },
            "spec": {
                "resource": unversioned_resource(request),
                "version": request.version,
                "applicationProperties": masked(&request.app_properties),
                "deploymentProperties": deployment,
            }
        });
        // JSON values of strings and maps always serialize.
        documents.push(serde_yaml::to_string(&document).unwrap_or_default());
    }
    documents.join("---\n")
}

/// The state of a stream with a live release expecting `expected_apps` apps, from what its
/// platform observed: `deploying` while fewer apps are observed (being applied), `unknown` when
/// the platform cannot tell now, else from the apps (reference §5.3).
pub(crate) fn live_stream_state(
    observed: dataflow_deployer::Result<StreamStatus>,
    expected_apps: usize,
) -> DeploymentState {
    match observed {
        Ok(status) if status.apps.is_empty() || status.apps.len() < expected_apps => {
            DeploymentState::Deploying
        }
        Ok(status) => status.state(),
        Err(_) => DeploymentState::Unknown,
    }
}

/// `properties` with `version.<label>` set for each app that has no such key yet.
fn pin_versions(
    mut properties: BTreeMap<String, String>,
    app_versions: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    for (label, version) in app_versions {
        properties
            .entry(format!("version.{label}"))
            .or_insert_with(|| version.clone());
    }
    properties
}

impl Releases {
    /// The service over `store`, planning with `deployments`, deploying to `platforms`, waking
    /// the reconcile loop through `wake` after every change.
    pub fn new(
        store: Arc<dyn Store>,
        deployments: Deployments,
        platforms: Platforms,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            deployments,
            platforms,
            wake,
        }
    }

    /// The platform accounts.
    pub fn platforms(&self) -> &Platforms {
        &self.platforms
    }

    /// What wakes the reconcile loop.
    pub(crate) fn wake_handle(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    async fn stream(&self, name: &str) -> AppResult<StreamDefinitionRecord> {
        self.store
            .find_stream(name)
            .await?
            .ok_or_else(|| stream_not_found(name))
    }

    /// Plans the stream's apps with `properties` (names for `release`) and checks that each
    /// renders for the account's platform, so a release is only recorded when it can run.
    async fn plan_for(
        &self,
        account: &Account,
        stream: &StreamDefinitionRecord,
        properties: &BTreeMap<String, String>,
        release: u32,
    ) -> AppResult<Vec<AppDeploymentRequest>> {
        let requests = self
            .deployments
            .plan_release(&stream.name, &stream.dsl_text, properties, release)
            .await?;
        self.deployments
            .check_renders(&requests, &account.platform)?;
        Ok(requests)
    }

    /// The properties a release is planned with: its spec's, with each app's version pinned
    /// (`version.<label>`), so a later change of the default version does not change it.
    fn pinned_properties(release: &Release) -> BTreeMap<String, String> {
        pin_versions(release.spec.properties.clone(), &release.app_versions)
    }

    /// What the platform must run for `release`: its apps planned again from the stream's
    /// definition and the release's spec.
    pub async fn stream_release(&self, release: &Release) -> AppResult<StreamRelease> {
        let stream = self.stream(&release.stream).await?;
        let properties = Self::pinned_properties(release);
        let mut apps = self
            .deployments
            .plan_release(&stream.name, &stream.dsl_text, &properties, release.version)
            .await?;
        for app in &mut apps {
            let named_by = release
                .spec
                .app_releases
                .get(&app.label)
                .copied()
                .unwrap_or(release.version);
            app.definition_name = definition_name(&app.label, named_by);
        }
        Ok(StreamRelease {
            stream: release.stream.clone(),
            version: release.version,
            apps,
        })
    }

    /// Records a new release of `stream` running `requests` (planned with `properties`), each
    /// app named after the release `app_releases` gives it or after the new release.
    async fn record(
        &self,
        stream: &StreamDefinitionRecord,
        account: &Account,
        properties: BTreeMap<String, String>,
        requests: &[AppDeploymentRequest],
        carried: &BTreeMap<String, u32>,
        description: &str,
    ) -> AppResult<Release> {
        let next = self
            .store
            .latest_release(&stream.name)
            .await?
            .map_or(1, |latest| latest.version.saturating_add(1));
        let app_releases = |version: u32| -> BTreeMap<String, u32> {
            requests
                .iter()
                .map(|r| {
                    (
                        r.label.clone(),
                        carried.get(&r.label).copied().unwrap_or(version),
                    )
                })
                .collect()
        };
        let new = NewRelease {
            stream: stream.name.clone(),
            platform: account.name.clone(),
            status: ReleaseStatus::Deploying,
            manifest: skipper_manifest(requests),
            properties: mask_properties(&properties),
            app_versions: requests
                .iter()
                .map(|r| (r.label.clone(), r.version.clone()))
                .collect(),
            description: description.to_owned(),
            spec: ReleaseSpec {
                properties,
                app_releases: app_releases(next),
            },
        };
        let mut created = self.store.create_release(&new).await?;
        if created.version != next {
            // Another writer took the number meanwhile: name the new apps after ours.
            let spec = ReleaseSpec {
                app_releases: app_releases(created.version),
                ..new.spec
            };
            created = self
                .store
                .update_release_spec(
                    &created.stream,
                    created.version,
                    &created.manifest,
                    &created.properties,
                    &spec,
                )
                .await?;
        }
        info!(
            stream = %created.stream,
            version = created.version,
            platform = %created.platform,
            "{description}."
        );
        self.wake.notify_one();
        Ok(created)
    }

    /// Deploys the stream (`POST /streams/deployments/{name}`): 409 when it is deployed
    /// already, 4xx naming the property when the properties or the apps cannot be deployed.
    #[instrument(skip(self, properties))]
    pub async fn deploy(
        &self,
        name: &str,
        properties: &BTreeMap<String, String>,
    ) -> AppResult<Release> {
        let stream = self.stream(name).await?;
        if let Some(live) = self.store.live_release(&stream.name).await? {
            return Err(AppError::new(
                Code::StreamAlreadyDeployed,
                format!(
                    "Stream '{}' is already deployed (release {}, {}); update or undeploy it",
                    stream.name, live.version, live.status
                ),
            ));
        }
        let (platform, properties) = split_platform(properties);
        let account = self.platforms.get(platform.as_deref())?;
        let requests = self.plan_for(account, &stream, &properties, 1).await?;
        self.record(
            &stream,
            account,
            properties,
            &requests,
            &BTreeMap::new(),
            described::INSTALL_STARTED,
        )
        .await
    }

    /// The apps of `requests` that can keep the name `current` gave them: unchanged, and not
    /// forced.
    fn carried_over(
        current: &Release,
        running: &StreamRelease,
        requests: &[AppDeploymentRequest],
        forced: impl Fn(&str) -> bool,
    ) -> BTreeMap<String, u32> {
        requests
            .iter()
            .filter(|request| !forced(&request.label))
            .filter_map(|request| {
                let old = running.apps.iter().find(|app| app.label == request.label)?;
                let named_by = current
                    .spec
                    .app_releases
                    .get(&request.label)
                    .copied()
                    .unwrap_or(current.version);
                old.same_apart_from_release(request)
                    .then(|| (request.label.clone(), named_by))
            })
            .collect()
    }

    /// The live release a change starts from; 409 while another change is rolling out.
    async fn settled_live_release(&self, name: &str) -> AppResult<Release> {
        let current = self
            .store
            .live_release(name)
            .await?
            .ok_or_else(|| not_deployed(name))?;
        if current.status == ReleaseStatus::Deploying {
            return Err(AppError::new(
                Code::StreamAlreadyDeployed,
                format!(
                    "Stream '{name}' is being deployed (release {}); wait until it is deployed \
                     or has failed",
                    current.version
                ),
            ));
        }
        Ok(current)
    }

    /// Updates a deployed stream (`POST /streams/deployments/update/{name}`): a new release
    /// with the properties merged over the current ones; only changed (or forced) apps get new
    /// objects. If they do not become ready in time, the reconcile loop rolls it back.
    #[instrument(skip(self, request))]
    pub async fn update(&self, name: &str, request: &UpdateRequest) -> AppResult<Release> {
        let stream = self.stream(name).await?;
        let current = self.settled_live_release(&stream.name).await?;
        let account = self.account_of(&current)?;
        let (_, changes) = split_platform(&request.properties);
        // Apps keep their versions unless the update names new ones.
        let mut properties = Self::pinned_properties(&current);
        properties.extend(changes);
        let requests = self.plan_for(account, &stream, &properties, 1).await?;
        let running = self.stream_release(&current).await?;
        let carried = Self::carried_over(&current, &running, &requests, |label| {
            request.force
                && (request.app_names.is_empty() || request.app_names.iter().any(|a| a == label))
        });
        self.record(
            &stream,
            account,
            properties,
            &requests,
            &carried,
            described::UPGRADE_STARTED,
        )
        .await
    }

    /// Rolls the stream back to release `version` (0: the one before the newest) as a new
    /// release (`POST /streams/deployments/rollback/{name}/{version}`).
    #[instrument(skip(self))]
    pub async fn rollback(&self, name: &str, version: u32) -> AppResult<Release> {
        let stream = self.stream(name).await?;
        let target_version = if version == 0 {
            let latest = self
                .store
                .latest_release(&stream.name)
                .await?
                .ok_or_else(|| not_deployed(&stream.name))?;
            latest.version.saturating_sub(1)
        } else {
            version
        };
        let target = self
            .store
            .find_release(&stream.name, target_version)
            .await?
            .ok_or_else(|| {
                AppError::new(
                    Code::NoSuchRelease,
                    format!(
                        "Stream '{}' has no release {target_version} to roll back to",
                        stream.name
                    ),
                )
            })?;
        let current = match self.store.live_release(&stream.name).await? {
            Some(_) => Some(self.settled_live_release(&stream.name).await?),
            None => None,
        };
        let account = self.platforms.get(Some(&target.platform))?;
        let properties = Self::pinned_properties(&target);
        let requests = self.plan_for(account, &stream, &properties, 1).await?;
        let carried = match &current {
            Some(current) if current.platform == target.platform => {
                let running = self.stream_release(current).await?;
                Self::carried_over(current, &running, &requests, |_| false)
            }
            _ => BTreeMap::new(),
        };
        let description = if current.is_some() {
            described::ROLLBACK_STARTED
        } else {
            described::INSTALL_STARTED
        };
        self.record(
            &stream,
            account,
            properties,
            &requests,
            &carried,
            description,
        )
        .await
    }

    /// Sets the instance count of one app of a deployed stream, in place (Skipper's scale
    /// makes no new release either).
    #[instrument(skip(self))]
    pub async fn scale(&self, name: &str, app: &str, count: u32) -> AppResult<Release> {
        let stream = self.stream(name).await?;
        let current = self.settled_live_release(&stream.name).await?;
        let account = self.account_of(&current)?;
        let mut properties = current.spec.properties.clone();
        let key = format!("deployer.{app}.count");
        properties.retain(|k, _| {
            !(k.eq_ignore_ascii_case(&key)
                || k.eq_ignore_ascii_case(&format!("deployer.{app}.spring.cloud.deployer.count")))
        });
        properties.insert(key, count.to_string());
        let pinned = pin_versions(properties.clone(), &current.app_versions);
        let requests = self.plan_for(account, &stream, &pinned, 1).await?;
        let spec = ReleaseSpec {
            properties: properties.clone(),
            app_releases: current.spec.app_releases.clone(),
        };
        let scaled = self
            .store
            .update_release_spec(
                &current.stream,
                current.version,
                &skipper_manifest(&requests),
                &mask_properties(&properties),
                &spec,
            )
            .await?;
        info!(stream = %scaled.stream, app, count, "Scaled.");
        self.wake.notify_one();
        Ok(scaled)
    }

    /// Undeploys the stream: its live releases are marked deleted and the reconcile loop
    /// removes their objects. Undeploying an undeployed stream changes nothing.
    #[instrument(skip(self))]
    pub async fn undeploy(&self, name: &str) -> AppResult<()> {
        let stream = self.stream(name).await?;
        self.undeploy_releases_of(&stream.name).await
    }

    /// Marks every live release of the stream deleted (at most two: during an upgrade).
    pub(crate) async fn undeploy_releases_of(&self, name: &str) -> AppResult<()> {
        let mut undeployed = false;
        while let Some(live) = self.store.live_release(name).await? {
            self.store
                .update_release_status(
                    &live.stream,
                    live.version,
                    ReleaseStatus::Deleted,
                    described::DELETE_COMPLETE,
                )
                .await?;
            info!(stream = %live.stream, version = live.version, "Undeployed.");
            undeployed = true;
        }
        if undeployed {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// Undeploys every stream (`DELETE /streams/deployments`).
    pub async fn undeploy_all(&self) -> AppResult<()> {
        loop {
            let batch = self.store.live_releases(None, 500).await?;
            if batch.is_empty() {
                break;
            }
            for live in batch {
                self.store
                    .update_release_status(
                        &live.stream,
                        live.version,
                        ReleaseStatus::Deleted,
                        described::DELETE_COMPLETE,
                    )
                    .await?;
            }
        }
        self.wake.notify_one();
        Ok(())
    }

    fn account_of(&self, release: &Release) -> AppResult<&Account> {
        self.platforms.find(&release.platform).ok_or_else(|| {
            AppError::new(
                Code::NoSuchPlatform,
                format!(
                    "Stream '{}' is deployed to the platform account '{}', which this server \
                     no longer has",
                    release.stream, release.platform
                ),
            )
        })
    }

    /// The stream's deployment state (reference §5.3): `undeployed` without a live release,
    /// `deploying` while some app of it is not on the platform yet, else from its apps; `unknown`
    /// when its platform cannot tell now.
    pub async fn state(&self, name: &str) -> AppResult<DeploymentState> {
        let Some(live) = self.store.live_release(name).await? else {
            return Ok(DeploymentState::Undeployed);
        };
        let Some(account) = self.platforms.find(&live.platform) else {
            return Ok(DeploymentState::Unknown);
        };
        let observed = account.deployer.status(&live.stream).await;
        Ok(live_stream_state(observed, live.app_versions.len()))
    }

    /// The deployment states of a page of streams: one query for which are deployed and
    /// where, then each one's platform cache.
    pub async fn states(&self, names: &[&str]) -> AppResult<Vec<DeploymentState>> {
        let live: std::collections::HashMap<String, String> = self
            .store
            .live_platforms(names)
            .await?
            .into_iter()
            .map(|(stream, platform)| (stream.to_lowercase(), platform))
            .collect();
        let mut states = Vec::with_capacity(names.len());
        for name in names {
            let state = match live.get(&name.to_lowercase()) {
                None => DeploymentState::Undeployed,
                Some(platform) => match self.platforms.find(platform) {
                    None => DeploymentState::Unknown,
                    // The page's query does not read how many apps each release runs.
                    Some(account) => live_stream_state(account.deployer.status(name).await, 1),
                },
            };
            states.push(state);
        }
        Ok(states)
    }

    /// The deployment properties SCDF shows for a deployed stream: per app label, the
    /// platform properties (masked), the resource without its version, and the version.
    pub async fn shown_properties(&self, release: &Release) -> AppResult<String> {
        let running = self.stream_release(release).await?;
        let mut shown = serde_json::Map::new();
        for app in &running.apps {
            let mut properties: serde_json::Map<String, serde_json::Value> = app
                .deployment_properties
                .iter()
                .map(|(k, v)| (k.clone(), mask_value(k, v).into_owned().into()))
                .collect();
            properties.insert(
                dataflow_core::deployment::COUNT.to_owned(),
                app.instances.to_string().into(),
            );
            properties.insert("resource".to_owned(), unversioned_resource(app).into());
            properties.insert("version".to_owned(), app.version.clone().into());
            shown.insert(app.label.clone(), properties.into());
        }
        Ok(serde_json::Value::Object(shown).to_string())
    }

    /// The stream's releases, newest first.
    pub async fn history(&self, name: &str) -> AppResult<Vec<Release>> {
        let stream = self.stream(name).await?;
        Ok(self
            .store
            .release_history(&stream.name, MAX_HISTORY)
            .await?)
    }

    /// Release `version` of the stream (0: the newest).
    pub async fn release(&self, name: &str, version: u32) -> AppResult<Release> {
        let stream = self.stream(name).await?;
        let found = if version == 0 {
            self.store.latest_release(&stream.name).await?
        } else {
            self.store.find_release(&stream.name, version).await?
        };
        found.ok_or_else(|| {
            AppError::new(
                Code::NoSuchRelease,
                format!("Stream '{}' has no release {version}", stream.name),
            )
        })
    }

    /// The logs of the stream's apps (or of one, by label or deployment id), by deployment id;
    /// empty when the stream is not deployed.
    pub async fn logs(&self, name: &str, app: Option<&str>) -> AppResult<BTreeMap<String, String>> {
        let stream = self.stream(name).await?;
        let Some(live) = self.store.live_release(&stream.name).await? else {
            return Ok(BTreeMap::new());
        };
        let account = self.account_of(&live)?;
        let logs = account.deployer.logs(&live.stream, app).await?;
        if let Some(app) = app
            && logs.is_empty()
        {
            return Err(AppError::new(
                Code::NoSuchApp,
                format!("Stream '{}' has no deployed app '{app}'", stream.name),
            ));
        }
        Ok(logs)
    }

    /// One page of stream definitions with their apps on the platform (empty for streams not
    /// deployed). A stream whose platform cannot answer shows no apps; the others still do.
    pub async fn runtime_page(
        &self,
        page: PageRequest<StreamSort>,
    ) -> AppResult<Page<(String, Vec<AppStatus>)>> {
        let streams = self
            .store
            .find_streams(&StreamQuery { search: None, page })
            .await?;
        let mut items = Vec::with_capacity(streams.items.len());
        for stream in &streams.items {
            items.push((
                stream.name.clone(),
                self.runtime_apps_of(&stream.name).await?,
            ));
        }
        Ok(Page {
            items,
            total: streams.total,
        })
    }

    /// The apps of one stream as the platforms run them (from their caches; the database is
    /// not read); none when nothing of it runs, or (logged) when a platform cannot answer now.
    pub async fn runtime_apps_of(&self, name: &str) -> AppResult<Vec<AppStatus>> {
        let mut apps = Vec::new();
        for account in self.platforms.all() {
            match account.deployer.status(name).await {
                Ok(status) => apps.extend(status.apps),
                Err(e) => {
                    let e = AppError::from(e);
                    if e.code() != Code::PlatformUnavailable {
                        return Err(e);
                    }
                    warn!(stream = name, account = %account.name, error = %e,
                          "No runtime status for the stream.");
                }
            }
        }
        Ok(apps)
    }

    /// The deployed app with this deployment id, on any account.
    pub async fn runtime_app(&self, deployment_id: &str) -> AppResult<AppStatus> {
        for account in self.platforms.all() {
            if let Some((_, app)) = account.deployer.app(deployment_id).await? {
                return Ok(app);
            }
        }
        Err(AppError::new(
            Code::NoSuchApp,
            format!("No deployed app with the id '{deployment_id}'"),
        ))
    }

    /// The live streams that run `app_type:name` (at `version`, or any version): unregistering
    /// it would leave them unable to be re-planned.
    pub async fn streams_using(
        &self,
        app_type: dataflow_core::app::AppType,
        name: &str,
        version: Option<&str>,
    ) -> AppResult<Vec<String>> {
        let mut users = Vec::new();
        let mut after: Option<(String, u32)> = None;
        loop {
            let batch = self
                .store
                .live_releases(after.as_ref().map(|(s, v)| (s.as_str(), *v)), 500)
                .await?;
            let Some(last) = batch.last() else { break };
            after = Some((last.stream.clone(), last.version));
            for release in &batch {
                let Some(stream) = self.store.find_stream(&release.stream).await? else {
                    continue;
                };
                let Ok(definition) =
                    dataflow_dsl::stream::parse_stream_named(&stream.dsl_text, None)
                else {
                    continue;
                };
                let uses = dataflow_core::stream::stream_apps(&stream.name, &definition)
                    .iter()
                    .any(|app| {
                        app.app_type == app_type
                            && app.name.eq_ignore_ascii_case(name)
                            && version.is_none_or(|v| {
                                release.app_versions.get(&app.label).map(String::as_str) == Some(v)
                            })
                    });
                if uses && !users.contains(&stream.name) {
                    users.push(stream.name.clone());
                }
            }
        }
        Ok(users)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use dataflow_core::app::AppType;
    use dataflow_core::release::Timestamp;

    use super::*;

    fn request(label: &str, release: u32, count: u32) -> AppDeploymentRequest {
        AppDeploymentRequest {
            stream: "s".to_owned(),
            label: label.to_owned(),
            registered_name: label.to_owned(),
            app_type: AppType::Sink,
            definition_name: definition_name(label, release),
            resource: format!("docker:example/{label}:1.0.0"),
            version: "1.0.0".to_owned(),
            group: Some("s".to_owned()),
            app_name: Some(label.to_owned()),
            instances: count,
            indexed: false,
            app_properties: BTreeMap::from([
                ("db.password".to_owned(), "hunter2".to_owned()),
                ("level".to_owned(), "INFO".to_owned()),
            ]),
            deployment_properties: BTreeMap::new(),
            command_line_args: Vec::new(),
        }
    }

    fn release(version: u32, app_releases: &[(&str, u32)]) -> Release {
        Release {
            stream: "s".to_owned(),
            version,
            platform: "default".to_owned(),
            status: ReleaseStatus::Deployed,
            manifest: String::new(),
            properties: BTreeMap::new(),
            app_versions: BTreeMap::new(),
            description: String::new(),
            first_deployed: Timestamp::from_millis(0),
            last_updated: Timestamp::from_millis(0),
            deleted: None,
            spec: ReleaseSpec {
                properties: BTreeMap::new(),
                app_releases: app_releases
                    .iter()
                    .map(|(label, n)| ((*label).to_owned(), *n))
                    .collect(),
            },
        }
    }

    #[test]
    fn skipper_manifests_mask_secrets_and_drop_the_version_from_the_resource() {
        let manifest = skipper_manifest(&[request("log", 1, 2), request("time", 1, 1)]);
        assert!(!manifest.contains("hunter2"), "{manifest}");
        let documents: Vec<serde_yaml::Value> = manifest
            .split("---\n")
            .map(|doc| serde_yaml::from_str(doc).unwrap())
            .collect();
        assert_eq!(documents.len(), 2);
        let log = &documents[0];
        assert_eq!(log["kind"].as_str(), Some("SpringCloudDeployerApplication"));
        assert_eq!(log["metadata"]["name"].as_str(), Some("log"));
        assert_eq!(log["spec"]["resource"].as_str(), Some("docker:example/log"));
        assert_eq!(log["spec"]["version"].as_str(), Some("1.0.0"));
        assert_eq!(
            log["spec"]["deploymentProperties"]["spring.cloud.deployer.count"].as_str(),
            Some("2")
        );
        assert_eq!(
            log["spec"]["applicationProperties"]["level"].as_str(),
            Some("INFO")
        );
    }

    #[test]
    fn unchanged_apps_keep_the_name_of_the_release_that_started_them() {
        // Release 3 runs log (named by release 1) and time (named by release 3).
        let current = release(3, &[("log", 1), ("time", 3)]);
        let running = StreamRelease {
            stream: "s".to_owned(),
            version: 3,
            apps: vec![request("log", 1, 1), request("time", 3, 1)],
        };
        // The next release changes time's instance count only.
        let next = [request("log", 4, 1), request("time", 4, 2)];
        let carried = Releases::carried_over(&current, &running, &next, |_| false);
        assert_eq!(carried, BTreeMap::from([("log".to_owned(), 1)]));
        // Forcing log renames it too.
        let forced = Releases::carried_over(&current, &running, &next, |label| label == "log");
        assert!(forced.is_empty(), "{forced:?}");
    }

    #[test]
    fn the_platform_choice_is_not_a_deployment_property() {
        let (platform, rest) = split_platform(&BTreeMap::from([
            (PLATFORM_NAME.to_owned(), "east".to_owned()),
            ("app.log.x".to_owned(), "1".to_owned()),
        ]));
        assert_eq!(platform.as_deref(), Some("east"));
        assert_eq!(
            rest,
            BTreeMap::from([("app.log.x".to_owned(), "1".to_owned())])
        );
    }
}
