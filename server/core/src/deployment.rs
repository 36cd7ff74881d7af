//! What the server asks a platform to run: one [`AppDeploymentRequest`] per app of a stream.
//!
//! Planning (turning a definition, the registry and the user's deployment properties into
//! requests) lives in [`crate::planning`]; platforms (`dataflow-deployer`) only read requests.
//!
//! SCDF passes everything a platform needs as text deployment properties. Here the generic
//! ones, which every platform reads ([`GROUP`], [`APP_NAME`], [`COUNT`] and [`INDEXED`]), are
//! decided once by planning and carried as typed fields ([`AppDeploymentRequest::group`],
//! [`app_name`](AppDeploymentRequest::app_name),
//! [`instances`](AppDeploymentRequest::instances) and
//! [`indexed`](AppDeploymentRequest::indexed)). Only platform-specific keys (such as
//! `spring.cloud.deployer.kubernetes.*`) stay text, for the platform to parse.

use std::collections::BTreeMap;
use std::fmt;

use crate::app::AppType;
use crate::sanitize::mask_properties;

/// `spring.cloud.deployer.` — the prefix of every deployment property a platform reads.
pub const DEPLOYER_PREFIX: &str = "spring.cloud.deployer.";
/// SCDF's key of [`AppDeploymentRequest::group`]. Platforms name it in messages about names
/// derived from the group.
pub const GROUP: &str = "spring.cloud.deployer.group";
/// SCDF's key of [`AppDeploymentRequest::app_name`].
pub const APP_NAME: &str = "spring.cloud.deployer.appName";
/// SCDF's key of [`AppDeploymentRequest::instances`]; users set it as `deployer.<app>.count`.
pub const COUNT: &str = "spring.cloud.deployer.count";
/// SCDF's key of [`AppDeploymentRequest::indexed`]; users may set it as
/// `deployer.<app>.indexed`.
pub const INDEXED: &str = "spring.cloud.deployer.indexed";
/// The prefix of the Kubernetes platform's per-app settings.
pub const KUBERNETES_PREFIX: &str = "spring.cloud.deployer.kubernetes.";

/// One app to deploy.
///
/// `Debug` masks sensitive app properties (see [`crate::sanitize`]) and shows only the keys of
/// deployment properties and arguments: their values may hold secrets (environment variables,
/// passwords passed as arguments).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AppDeploymentRequest {
    /// The stream's name.
    pub stream: String,
    /// The app's label within the stream.
    pub label: String,
    /// The registered app name, e.g. `log`.
    pub registered_name: String,
    /// The type the app was looked up with.
    pub app_type: AppType,
    /// `<label>-v<release>`: the versioned name platforms derive resource names from, as
    /// Skipper named SCDF's apps (`mystream` + `log-v1` gives `mystream-log-v1`).
    pub definition_name: String,
    /// The artifact with its version, e.g. `docker:springcloudstream/log-sink-kafka:3.2.1`.
    pub resource: String,
    /// The version deployed.
    pub version: String,
    /// SCDF's deployment group ([`GROUP`]): platforms prefix the app's resource names with it
    /// (`<group>-<definition name>`). Planning sets the stream's name. Without a group,
    /// resources are named after the definition name alone, as SCDF's deployers name a request
    /// without one (a task launch, say).
    pub group: Option<String>,
    /// The app's un-versioned name ([`APP_NAME`], which SCDF's Skipper sets): platforms name
    /// the app's Service after it (`<group>-<app name>`), so the Service outlives upgrades.
    /// Planning sets the label. Without it the Service takes the versioned resource name.
    pub app_name: Option<String>,
    /// How many instances to run ([`COUNT`]; planning's default is 1).
    pub instances: u32,
    /// Whether each instance needs a stable instance index ([`INDEXED`]): planning sets it
    /// for apps consuming a partitioned destination, and users may ask for it.
    pub indexed: bool,
    /// Properties the app receives (its configuration), sorted by key.
    pub app_properties: BTreeMap<String, String>,
    /// Platform-specific properties (`spring.cloud.deployer.kubernetes.*`, or another
    /// platform's keys under [`DEPLOYER_PREFIX`]), sorted by key, as the user wrote their
    /// values: the platform parses them. The generic keys planning resolves into the typed
    /// fields above are never here.
    pub deployment_properties: BTreeMap<String, String>,
    /// Extra command-line arguments, passed verbatim after the properties.
    pub command_line_args: Vec<String>,
}

/// `<label>-v<release>`: the definition name of an app first deployed by stream release
/// `release` (see [`AppDeploymentRequest::definition_name`]).
pub fn definition_name(label: &str, release: u32) -> String {
    format!("{label}-v{release}")
}

impl AppDeploymentRequest {
    /// Whether the two requests run the same thing, whatever release named them: an upgrade
    /// keeps an app whose request did not change under its old name.
    pub fn same_apart_from_release(&self, other: &Self) -> bool {
        let mut renamed = other.clone();
        renamed.definition_name.clone_from(&self.definition_name);
        *self == renamed
    }

    /// The value of a deployment property, by its full key.
    pub fn deployment_property(&self, key: &str) -> Option<&str> {
        self.deployment_properties.get(key).map(String::as_str)
    }
}

impl fmt::Debug for AppDeploymentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let argument_names: Vec<&str> = self
            .command_line_args
            .iter()
            .map(|arg| arg.split_once('=').map_or(arg.as_str(), |(name, _)| name))
            .collect();
        f.debug_struct("AppDeploymentRequest")
            .field("stream", &self.stream)
            .field("label", &self.label)
            .field("registered_name", &self.registered_name)
            .field("app_type", &self.app_type)
            .field("definition_name", &self.definition_name)
            .field("resource", &self.resource)
            .field("version", &self.version)
            .field("group", &self.group)
            .field("app_name", &self.app_name)
            .field("instances", &self.instances)
            .field("indexed", &self.indexed)
            .field("app_properties", &mask_properties(&self.app_properties))
            .field(
                "deployment_properties",
                &self.deployment_properties.keys().collect::<Vec<_>>(),
            )
            .field("command_line_args", &argument_names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let request = AppDeploymentRequest {
            stream: "s".to_owned(),
            label: "log".to_owned(),
            registered_name: "log".to_owned(),
            app_type: AppType::Sink,
            definition_name: "log-v1".to_owned(),
            resource: "docker:log:1".to_owned(),
            version: "1".to_owned(),
            group: Some("s".to_owned()),
            app_name: Some("log".to_owned()),
            instances: 2,
            indexed: true,
            app_properties: BTreeMap::from([
                ("db.password".to_owned(), "hunter2".to_owned()),
                ("level".to_owned(), "DEBUG".to_owned()),
            ]),
            deployment_properties: BTreeMap::from([(
                "spring.cloud.deployer.kubernetes.environmentVariables".to_owned(),
                "TOKEN=hunter3".to_owned(),
            )]),
            command_line_args: vec!["--api.key=hunter4".to_owned()],
        };
        let debug = format!("{request:?}");
        for secret in ["hunter2", "hunter3", "hunter4"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(
            debug.contains("DEBUG") && debug.contains("environmentVariables"),
            "{debug}"
        );
        assert!(
            debug.contains("instances: 2") && debug.contains("indexed: true"),
            "{debug}"
        );
    }
}
