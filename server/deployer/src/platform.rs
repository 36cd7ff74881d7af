//! What the server needs from a platform to run a stream's apps, free of any platform's types:
//! [`AppDeployer`] applies the apps of a stream release, deletes a stream's apps, and reports
//! their status from what it has observed.
//!
//! A stream release is Skipper's unit: version `N` of a stream, holding one
//! [`AppDeploymentRequest`] per app. Apps changed in release `N` are named `<stream>-<app>-vN`;
//! apps carried over unchanged keep the name of the release that first deployed them. A
//! platform marks every object of an app with the release that last applied it, so an upgrade
//! can apply release `N` (all its apps) and then delete everything of the stream that release
//! `N` did not apply ([`DeleteScope::AllButRelease`]).
//!
//! Status follows SCDF (reference section 5): each instance has a [`DeploymentState`] (the
//! platform's own mapping, e.g. pod to state on Kubernetes), an app's state is derived from its
//! instances' ([`app_state`], section 5.2), and a stream's from its apps'
//! ([`DeploymentState::aggregate`], section 5.3).

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use dataflow_core::deployment::AppDeploymentRequest;
use dataflow_core::status::DeploymentState;

use crate::Result;

/// Release `version` of `stream`: every app the release runs, including those carried over
/// unchanged from an earlier release.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamRelease {
    /// The stream's name.
    pub stream: String,
    /// The release version (Skipper's, starting at 1).
    pub version: u32,
    /// One request per app of the release.
    pub apps: Vec<AppDeploymentRequest>,
}

/// Which of a stream's objects [`AppDeployer::delete`] removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteScope {
    /// Everything of the stream (undeploy).
    All,
    /// Everything of the stream not last applied by this release version: after an upgrade to
    /// (or a rollback as) this version succeeded, the replaced apps; after it failed, pass the
    /// version that keeps running.
    AllButRelease(u32),
}

/// The state of a stream's apps as the platform last observed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamStatus {
    /// The stream's name.
    pub stream: String,
    /// Its apps on the platform, ordered by deployment id.
    pub apps: Vec<AppStatus>,
}

impl StreamStatus {
    /// The stream's state from its apps' (reference section 5.3); `undeployed` when nothing of
    /// the stream is on the platform.
    pub fn state(&self) -> DeploymentState {
        if self.apps.is_empty() {
            return DeploymentState::Undeployed;
        }
        DeploymentState::aggregate(self.apps.iter().map(AppStatus::state))
    }

    /// The app with this deployment id (`<stream>-<app>-v<N>`).
    pub fn app(&self, deployment_id: &str) -> Option<&AppStatus> {
        self.apps
            .iter()
            .find(|app| app.deployment_id == deployment_id)
    }
}

/// One app of a stream on the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppStatus {
    /// SCDF's deployment id, e.g. `ticktock-log-v1`.
    pub deployment_id: String,
    /// The app's label in the stream (`log`), when the platform knows it.
    pub label: Option<String>,
    /// The release version that last applied the app, when the platform knows it.
    pub release_version: Option<u32>,
    /// Its instances, ordered by id.
    pub instances: Vec<InstanceStatus>,
}

impl AppStatus {
    /// The app's state from its instances' (reference section 5.2).
    pub fn state(&self) -> DeploymentState {
        app_state(self.instances.iter().map(|instance| instance.state))
    }
}

/// One running (or trying to run) copy of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceStatus {
    /// The instance id (on Kubernetes, the pod name).
    pub id: String,
    /// Its state.
    pub state: DeploymentState,
    /// SCDF's instance attributes (`pod.name`, `pod.ip`, `container.restartCount`, ...).
    pub attributes: BTreeMap<String, String>,
}

/// An app's state from its instances' states, as SCDF's `AppStatus.getState`: `unknown`
/// without instances, the one state when all agree, else the first of: any `error` → `error`,
/// any `deploying` → `deploying`, any `deployed` or `partial` → `partial`, any `failed` →
/// `failed`, otherwise `partial`.
pub fn app_state(instances: impl IntoIterator<Item = DeploymentState>) -> DeploymentState {
    use DeploymentState::{Deployed, Deploying, Error, Failed, Partial, Unknown};
    let mut states: Vec<DeploymentState> = instances.into_iter().collect();
    states.sort_unstable();
    states.dedup();
    match states.as_slice() {
        [] => Unknown,
        [single] => *single,
        _ if states.contains(&Error) => Error,
        _ if states.contains(&Deploying) => Deploying,
        _ if states.contains(&Deployed) || states.contains(&Partial) => Partial,
        _ if states.contains(&Failed) => Failed,
        _ => Partial,
    }
}

/// What the server needs from a platform for stream apps. Implementations hold no
/// per-request API calls in [`status`](AppDeployer::status): it reads what the platform has
/// observed (a watch cache, a process table).
#[async_trait]
pub trait AppDeployer: Send + Sync {
    /// Creates or updates every object of the release's apps, marked as the release's.
    /// Idempotent: applying the same release again changes nothing. Every app is checked
    /// (rendered) before anything is applied.
    ///
    /// # Errors
    ///
    /// [`crate::Error`] when an app cannot be rendered, when an object of the same name exists
    /// that this server did not create, or when the platform refuses or cannot be reached.
    async fn apply(&self, release: &StreamRelease) -> Result<()>;

    /// The deployment id the platform gives an app of a release (on Kubernetes
    /// `<stream>-<label>-v<N>`, the name of its Deployment or StatefulSet), as
    /// [`AppStatus::deployment_id`] reports it.
    fn deployment_id(&self, app: &AppDeploymentRequest) -> String;

    /// Deletes the stream's objects in `scope`. Deleting what is already gone is not an error.
    ///
    /// # Errors
    ///
    /// [`crate::Error`] when the platform refuses or cannot be reached.
    async fn delete(&self, stream: &str, scope: DeleteScope) -> Result<()>;

    /// The stream's apps and instances as last observed.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotSynced`] while the platform's view is not yet complete (just after
    /// start or a lost connection): a state then would be a guess.
    async fn status(&self, stream: &str) -> Result<StreamStatus>;

    /// The app with this deployment id (`<stream>-<label>-v<N>`) as last observed, with its
    /// stream's name; `None` when the platform has no such app.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotSynced`] as for [`status`](AppDeployer::status).
    async fn app(&self, deployment_id: &str) -> Result<Option<(String, AppStatus)>>;

    /// Whether the platform may differ from what [`apply`](AppDeployer::apply) made of this
    /// release: it was not applied by this process (since its start), something changed since
    /// (another release or scale), or an object it applied is gone or was edited by someone
    /// else. Reads what the platform has observed; no API call. A reconcile loop applies the
    /// release again when this is true.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotSynced`] as for [`status`](AppDeployer::status).
    async fn drifted(&self, release: &StreamRelease) -> Result<bool>;

    /// Every stream that has objects on the platform, with the release versions its objects
    /// carry ([`UNVERSIONED`] for objects that carry none). A reconcile loop deletes what no
    /// live release accounts for.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotSynced`] as for [`status`](AppDeployer::status).
    async fn observed(&self) -> Result<BTreeMap<String, BTreeSet<u32>>>;

    /// The logs of the stream's apps (of one app, when `app` names its label or deployment
    /// id), by deployment id: each app's instances' logs, one after the other.
    ///
    /// # Errors
    ///
    /// [`crate::Error`] when the platform refuses or cannot be reached.
    async fn logs(&self, stream: &str, app: Option<&str>) -> Result<BTreeMap<String, String>>;
}

/// The release version [`AppDeployer::observed`] gives objects that carry none (versions
/// start at 1).
pub const UNVERSIONED: u32 = 0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_states_aggregate_as_scdf() {
        use DeploymentState::*;
        let cases: [(&[DeploymentState], DeploymentState); 12] = [
            (&[], Unknown),
            (&[Deployed], Deployed),
            (&[Failed, Failed], Failed),
            (&[Undeployed], Undeployed),
            (&[Deployed, Error, Deploying], Error),
            (&[Deployed, Deploying], Deploying),
            (&[Failed, Deploying], Deploying),
            (&[Deployed, Failed], Partial),
            (&[Deployed, Deployed, Failed], Partial),
            (&[Partial, Failed], Partial),
            (&[Failed, Unknown], Failed),
            (&[Undeployed, Unknown], Partial),
        ];
        for (states, expected) in cases {
            assert_eq!(app_state(states.iter().copied()), expected, "{states:?}");
        }
    }

    fn app(id: &str, states: &[DeploymentState]) -> AppStatus {
        AppStatus {
            deployment_id: id.to_owned(),
            label: None,
            release_version: Some(1),
            instances: states
                .iter()
                .enumerate()
                .map(|(i, state)| InstanceStatus {
                    id: format!("{id}-{i}"),
                    state: *state,
                    attributes: BTreeMap::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn stream_state_comes_from_its_apps() {
        use DeploymentState::*;
        let mut status = StreamStatus {
            stream: "s".to_owned(),
            apps: Vec::new(),
        };
        assert_eq!(status.state(), Undeployed, "nothing on the platform");
        status.apps = vec![app("s-a-v1", &[Deployed]), app("s-b-v1", &[Deployed])];
        assert_eq!(status.state(), Deployed);
        status.apps.push(app("s-c-v1", &[Failed, Failed]));
        assert_eq!(status.state(), Partial);
        status.apps.push(app("s-d-v1", &[]));
        assert_eq!(status.app("s-d-v1").map(AppStatus::state), Some(Unknown));
        assert_eq!(status.state(), Partial);
    }
}
