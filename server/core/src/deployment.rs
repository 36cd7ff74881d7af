//! What the server asks a platform to run: one [`AppDeploymentRequest`] per app of a stream.
//!
//! Planning (turning a definition, the registry and the user's deployment properties into
//! requests) lives in [`crate::planning`]; platforms (`dataflow-deployer`) only read requests.

use std::collections::BTreeMap;
use std::fmt;

use crate::app::AppType;
use crate::sanitize::mask_properties;

/// `spring.cloud.deployer.` — the prefix of every deployment property a platform reads.
pub const DEPLOYER_PREFIX: &str = "spring.cloud.deployer.";
/// The stream the app belongs to; platforms prefix resource names with it.
pub const GROUP: &str = "spring.cloud.deployer.group";
/// The app's label, without the release version: names the app's Service.
pub const APP_NAME: &str = "spring.cloud.deployer.appName";
/// How many instances to run (default 1).
pub const COUNT: &str = "spring.cloud.deployer.count";
/// `true` when the app consumes a partitioned destination: each instance needs a stable index.
pub const INDEXED: &str = "spring.cloud.deployer.indexed";
/// The prefix of the Kubernetes platform's per-app settings.
pub const KUBERNETES_PREFIX: &str = "spring.cloud.deployer.kubernetes.";

/// One app to deploy.
///
/// `Debug` masks sensitive app properties (see [`crate::sanitize`]) and shows only the keys of
/// deployment properties and arguments: their values may hold secrets (environment variables,
/// passwords passed as arguments).
#[derive(Clone, PartialEq, Eq)]
pub struct AppDeploymentRequest {
    /// The stream's name (also in `deployment_properties` as [`GROUP`]).
    pub stream: String,
    /// The app's label within the stream (also in `deployment_properties` as [`APP_NAME`]).
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
    /// Properties the app receives (its configuration), sorted by key.
    pub app_properties: BTreeMap<String, String>,
    /// Properties the platform reads, every key under [`DEPLOYER_PREFIX`], sorted by key.
    pub deployment_properties: BTreeMap<String, String>,
    /// Extra command-line arguments, passed verbatim after the properties.
    pub command_line_args: Vec<String>,
}

impl AppDeploymentRequest {
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
    }
}
