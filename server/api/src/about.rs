//! `GET /` and `GET /about`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::hal::{Link, SelfLinks};

/// `GET /`: link relations to every resource the server offers, and the API revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootResource {
    /// Relation name to link.
    #[serde(rename = "_links")]
    pub links: BTreeMap<String, Link>,
    /// [`crate::API_REVISION`].
    #[serde(rename = "api.revision")]
    pub api_revision: u32,
}

/// `GET /about`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutResource {
    /// Which features are on.
    pub feature_info: FeatureInfo,
    /// Versions of the server and its parts.
    pub version_info: VersionInfo,
    /// Authentication state of the caller.
    pub security_info: SecurityInfo,
    /// The platforms apps and tasks run on.
    pub runtime_environment: RuntimeEnvironment,
    /// Where app metrics are shown.
    pub monitoring_dashboard_info: MonitoringDashboardInfo,
    /// Build facts.
    pub git_and_build_info: GitAndBuildInfo,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

/// Feature flags, as SCDF's `featureInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureInfo {
    /// Always false (SCDF's analytics are gone).
    pub analytics_enabled: bool,
    /// Stream endpoints are served.
    pub streams_enabled: bool,
    /// Task endpoints are served.
    pub tasks_enabled: bool,
    /// Schedule endpoints are served.
    pub schedules_enabled: bool,
    /// `NONE`, `GRAFANA` or `WAVEFRONT`.
    pub monitoring_dashboard_type: String,
}

/// Versions of the server's parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The server.
    pub implementation: Dependency,
    /// The domain library.
    pub core: Dependency,
    /// The dashboard.
    pub dashboard: Dependency,
    /// The shell.
    pub shell: Dependency,
}

/// A named, versioned component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Where to get it, if downloadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The caller's authentication state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityInfo {
    /// Whether the server asks for authentication.
    pub authentication_enabled: bool,
    /// Whether the caller is authenticated.
    pub authenticated: bool,
    /// The caller's name, if authenticated.
    pub username: Option<String>,
    /// The caller's roles.
    pub roles: Vec<String>,
}

/// App deployer and task launcher facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeEnvironment {
    /// Where stream apps run.
    pub app_deployer: RuntimeEnvironmentDetails,
    /// Where tasks run.
    pub task_launchers: Vec<RuntimeEnvironmentDetails>,
}

/// One platform's facts, in SCDF's shape (its JVM-specific fields are `null` here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeEnvironmentDetails {
    /// Version of the deployer implementation.
    pub deployer_implementation_version: String,
    /// Name of the deployer.
    pub deployer_name: String,
    /// Version of the deployer interface.
    pub deployer_spi_version: String,
    /// SCDF reports the JVM; `null` here.
    pub java_version: Option<String>,
    /// Platform API version, when connected.
    pub platform_api_version: String,
    /// Platform client version.
    pub platform_client_version: String,
    /// Platform host version, when connected.
    pub platform_host_version: String,
    /// Platform-specific facts.
    pub platform_specific_info: BTreeMap<String, String>,
    /// `local`, `kubernetes`, or `none` before a platform is configured.
    pub platform_type: String,
    /// SCDF reports Spring Boot's version; `null` here.
    pub spring_boot_version: Option<String>,
    /// SCDF reports Spring's version; `null` here.
    pub spring_version: Option<String>,
}

/// Where metrics dashboards live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringDashboardInfo {
    /// Dashboard base URL.
    pub url: String,
    /// `NONE`, `GRAFANA` or `WAVEFRONT`.
    pub dashboard_type: String,
    /// The metric source name.
    pub source: String,
    /// Refresh interval in seconds.
    pub refresh_interval: u32,
}

/// Build facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitAndBuildInfo {
    /// Build details.
    pub build: BuildInfo,
}

/// Build details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildInfo {
    /// Artifact name.
    pub artifact: String,
    /// Display name.
    pub name: String,
    /// Version.
    pub version: String,
}

/// `GET /security/info`: who the caller is, SCDF's shape (the dashboard reads it before
/// anything else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityInfoResource {
    /// The security facts.
    #[serde(flatten)]
    pub info: SecurityInfo,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: crate::hal::SelfLinks,
}
