//! Runtime resources (`/runtime/streams`, `/runtime/apps`): what runs on the platform, as
//! SCDF's `RuntimeStreamsController` and `RuntimeAppsController` show it.

use std::collections::BTreeMap;

use dataflow_core::status::DeploymentState;
use serde::{Deserialize, Serialize};

use crate::hal::SelfLinks;
use crate::streams::path_segment;

/// The `_embedded` key of stream status lists.
pub const STREAM_STATUS_LIST_KEY: &str = "streamStatusResourceList";
/// The `_embedded` key of app status lists.
pub const APP_STATUS_LIST_KEY: &str = "appStatusResourceList";
/// The `_embedded` key of app instance lists.
pub const INSTANCE_LIST_KEY: &str = "appInstanceStatusResourceList";

/// A HAL collection without paging: `{"_embedded": {"<key>": [...]}}`, no `_embedded` when
/// empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Embedded<T> {
    /// The items under their list key.
    #[serde(
        rename = "_embedded",
        default = "BTreeMap::new",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub embedded: BTreeMap<String, Vec<T>>,
}

impl<T> Embedded<T> {
    /// `items` under `key`.
    pub fn new(key: &str, items: Vec<T>) -> Self {
        let mut embedded = BTreeMap::new();
        if !items.is_empty() {
            embedded.insert(key.to_owned(), items);
        }
        Self { embedded }
    }

    /// The items, whatever their key.
    pub fn items(&self) -> &[T] {
        self.embedded.values().next().map_or(&[], Vec::as_slice)
    }
}

/// One instance of a deployed app (`/runtime/apps/{id}/instances/{instanceId}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInstanceStatusResource {
    /// The instance id (on Kubernetes, the pod's name).
    pub instance_id: String,
    /// Its state.
    pub state: DeploymentState,
    /// Platform attributes (`pod.name`, `pod.ip`, `skipper.release.version`, ...).
    pub attributes: BTreeMap<String, String>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl AppInstanceStatusResource {
    /// The resource of instance `instance_id` of app `deployment_id`, links under `base_url`.
    pub fn new(
        deployment_id: &str,
        instance_id: &str,
        state: DeploymentState,
        attributes: BTreeMap<String, String>,
        base_url: &str,
    ) -> Self {
        Self {
            instance_id: instance_id.to_owned(),
            state,
            attributes,
            links: SelfLinks::new(format!(
                "{base_url}/runtime/apps/{}/instances/{}",
                path_segment(deployment_id),
                path_segment(instance_id)
            )),
        }
    }
}

/// One deployed app (`/runtime/apps/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatusResource {
    /// SCDF's deployment id, e.g. `ticktock-log-v1`.
    pub deployment_id: String,
    /// The app's state from its instances'.
    pub state: DeploymentState,
    /// Its instances.
    pub instances: Embedded<AppInstanceStatusResource>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl AppStatusResource {
    /// The resource of app `deployment_id`, links under `base_url`.
    pub fn new(
        deployment_id: &str,
        state: DeploymentState,
        instances: Vec<AppInstanceStatusResource>,
        base_url: &str,
    ) -> Self {
        Self {
            deployment_id: deployment_id.to_owned(),
            state,
            instances: Embedded::new(INSTANCE_LIST_KEY, instances),
            links: SelfLinks::new(format!(
                "{base_url}/runtime/apps/{}",
                path_segment(deployment_id)
            )),
        }
    }
}

/// One stream's apps on the platform (`/runtime/streams`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamStatusResource {
    /// The stream's name.
    pub name: String,
    /// Its apps.
    pub applications: Embedded<AppStatusResource>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl StreamStatusResource {
    /// The resource of stream `name`, links under `base_url`.
    pub fn new(name: &str, applications: Vec<AppStatusResource>, base_url: &str) -> Self {
        Self {
            name: name.to_owned(),
            applications: Embedded::new(APP_STATUS_LIST_KEY, applications),
            links: SelfLinks::new(format!("{base_url}/runtime/streams/{}", path_segment(name))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_status_has_scdfs_shape() {
        let instance = AppInstanceStatusResource::new(
            "s-log-v1",
            "s-log-v1-abc",
            DeploymentState::Deployed,
            BTreeMap::from([("pod.name".to_owned(), "s-log-v1-abc".to_owned())]),
            "http://h",
        );
        let app = AppStatusResource::new(
            "s-log-v1",
            DeploymentState::Deployed,
            vec![instance],
            "http://h",
        );
        let stream = StreamStatusResource::new("s", vec![app], "http://h");
        let json = serde_json::to_value(&stream).unwrap();
        let app = &json["applications"]["_embedded"]["appStatusResourceList"][0];
        assert_eq!(app["deploymentId"], "s-log-v1");
        assert_eq!(app["state"], "deployed");
        let instance = &app["instances"]["_embedded"]["appInstanceStatusResourceList"][0];
        assert_eq!(instance["instanceId"], "s-log-v1-abc");
        assert_eq!(instance["attributes"]["pod.name"], "s-log-v1-abc");
        assert_eq!(
            instance["_links"]["self"]["href"],
            "http://h/runtime/apps/s-log-v1/instances/s-log-v1-abc"
        );
        let back: StreamStatusResource = serde_json::from_value(json).unwrap();
        assert_eq!(back, stream);
        let empty = StreamStatusResource::new("e", vec![], "http://h");
        let json = serde_json::to_value(&empty).unwrap();
        assert!(json["applications"].get("_embedded").is_none());
    }
}
