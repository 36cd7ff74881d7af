//! Stream deployment resources (`/streams/deployments/...`): a stream's deployment, the
//! platform accounts, and Skipper's release history as SCDF relays it.

use dataflow_core::status::DeploymentState;
use serde::{Deserialize, Serialize};

use crate::hal::SelfLinks;
use crate::streams::path_segment;

/// `GET /streams/deployments/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamDeploymentResource {
    /// The stream's name.
    pub stream_name: String,
    /// Its DSL, masked.
    pub dsl_text: String,
    /// Free text.
    pub description: String,
    /// The stream's deployment state.
    pub status: DeploymentState,
    /// A JSON **string** (as SCDF sends it): `{"<app>": {<deployment properties>, "resource":
    /// "<uri without version>", "version": "<version>"}}`, secrets masked; `""` unless the
    /// stream is deployed or deploying (or the properties were asked for).
    pub deployment_properties: String,
    /// `self`: `/streams/deployments/{name}`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl StreamDeploymentResource {
    /// The `self` link of stream `name` under `base_url`.
    pub fn self_link(name: &str, base_url: &str) -> SelfLinks {
        SelfLinks::new(format!(
            "{base_url}/streams/deployments/{}",
            path_segment(name)
        ))
    }
}

/// A platform account (`GET /streams/deployments/platform/list`), as Skipper's `Deployer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformResource {
    /// The account's name (Skipper uses the name as id).
    pub id: String,
    /// The account's name, e.g. `default`.
    pub name: String,
    /// The platform type, e.g. `kubernetes`.
    #[serde(rename = "type")]
    pub platform_type: String,
    /// Where it deploys, e.g. the API server and namespace.
    pub description: String,
    /// The platform's deployment options (none listed yet).
    pub options: Vec<serde_json::Value>,
}

/// One release of a stream, as Skipper's `Release` (`GET /streams/deployments/history/{name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseResource {
    /// The stream's name.
    pub name: String,
    /// The release version.
    pub version: u32,
    /// Status and timestamps.
    pub info: ReleaseInfo,
    /// Skipper's package of the release (its metadata).
    pub pkg: PackageResource,
    /// The release's deployment properties, masked, as YAML.
    pub config_values: ConfigValues,
    /// The release's manifest, masked.
    pub manifest: ManifestResource,
    /// The platform account.
    pub platform_name: String,
}

/// Skipper's `Info` of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseInfo {
    /// The status.
    pub status: ReleaseStatusResource,
    /// When the release was created (ISO-8601, UTC).
    pub first_deployed: String,
    /// When it last changed (ISO-8601, UTC).
    pub last_deployed: String,
    /// When it was deleted, if it was.
    pub deleted: Option<String>,
    /// What happened (`Install complete`, `Upgrade complete`, ...).
    pub description: String,
}

/// Skipper's `Status` of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseStatusResource {
    /// `UNKNOWN`, `DEPLOYED`, `DELETED` or `FAILED`.
    pub status_code: String,
    /// The platform's status of the apps, a JSON string (`null` when not known).
    pub platform_status: Option<String>,
}

/// Skipper's `Package` of a release: only its metadata is filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageResource {
    /// The package metadata.
    pub metadata: PackageMetadata,
}

/// Skipper's `PackageMetadata`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageMetadata {
    /// `skipper.spring.io/v1`.
    pub api_version: String,
    /// `SkipperPackageMetadata`.
    pub kind: String,
    /// The stream's name.
    pub name: String,
    /// The package version (SCDF's stream packages are `1.0.0`).
    pub version: String,
}

/// Skipper's `ConfigValues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigValues {
    /// YAML text.
    pub raw: String,
}

/// Skipper's `Manifest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestResource {
    /// The manifest text.
    pub data: String,
}

/// `GET /streams/logs/{name}`: each app's log by deployment id (Skipper's `LogInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogInfo {
    /// Log text by deployment id.
    pub logs: std::collections::BTreeMap<String, String>,
}

/// The body of `POST /streams/deployments/update/{name}` (SCDF's `UpdateStreamRequest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UpdateStreamRequest {
    /// The stream's name (SCDF's clients repeat it; the path decides).
    pub release_name: Option<String>,
    /// Skipper's package (ignored: a stream's package is its definition).
    pub package_identifier: Option<serde_json::Value>,
    /// The properties to change, merged over the release's.
    pub update_properties: std::collections::BTreeMap<String, serde_json::Value>,
    /// Redeploy the apps even when unchanged (all, or those in `app_names`).
    pub force: bool,
    /// With `force`, the apps (labels) to redeploy.
    pub app_names: Vec<String>,
}
