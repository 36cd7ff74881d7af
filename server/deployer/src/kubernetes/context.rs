//! What every rendering step needs: the request, both levels of settings, and the names
//! derived from them.

use dataflow_core::deployment::{APP_NAME, AppDeploymentRequest, COUNT, GROUP, INDEXED};

use super::SecretSource;
use super::formats;
use super::keys::{self, Level};
use super::names;
use super::properties::{Prop, Settings, put};
use crate::{Error, Result};

/// The app being rendered, with its settings resolved against the server's.
pub(crate) struct Context<'a> {
    pub(crate) request: &'a AppDeploymentRequest,
    /// Per-app settings (`spring.cloud.deployer.kubernetes.*`).
    pub(crate) app: Settings,
    /// Server-level settings.
    pub(crate) server: &'a Settings,
    pub(crate) secrets: &'a dyn SecretSource,
    /// `spring.cloud.deployer.group`: the stream.
    pub(crate) group: Option<Prop<String>>,
    /// `spring.cloud.deployer.appName`: the un-versioned app label (set by Skipper in SCDF).
    pub(crate) app_name: Option<Prop<String>>,
    /// `spring.cloud.deployer.count`, default 1.
    pub(crate) count: i32,
    /// `spring.cloud.deployer.indexed`: render a StatefulSet.
    pub(crate) indexed: bool,
    /// SCDF's deployment id: the workload's and the main container's name.
    pub(crate) deployment_id: String,
    /// The Service's name.
    pub(crate) service_name: String,
    /// The app's port: app property `server.port`, default 8080.
    pub(crate) external_port: i32,
}

/// The app property that sets the app's port.
const SERVER_PORT: &str = "server.port";

impl<'a> Context<'a> {
    pub(crate) fn new(
        request: &'a AppDeploymentRequest,
        server: &'a Settings,
        secrets: &'a dyn SecretSource,
    ) -> Result<Self> {
        let mut app = Settings::default();
        let mut group = None;
        let mut app_name = None;
        let mut count = None;
        let mut indexed = None;
        for (key, value) in &request.deployment_properties {
            let normalized = keys::normalize(key);
            if let Some(rest) = normalized.strip_prefix(keys::APP_PREFIX_NORMALIZED) {
                app.set(Level::App, rest, key, value)?;
            } else if value.trim().is_empty() {
                // Unset, as SCDF treats empty values.
            } else if normalized == keys::normalize(GROUP) {
                put(&mut group, key, value.trim().to_owned())?;
            } else if normalized == keys::normalize(APP_NAME) {
                put(&mut app_name, key, value.trim().to_owned())?;
            } else if normalized == keys::normalize(COUNT) {
                put(&mut count, key, formats::parse_i32(key, value, 0)?)?;
            } else if normalized == keys::normalize(INDEXED) {
                put(&mut indexed, key, formats::parse_bool(key, value)?)?;
            }
            // Other `spring.cloud.deployer.*` keys (memory, cpu, disk, other platforms' keys)
            // do not concern Kubernetes, as in SCDF.
        }
        let group_text = group
            .as_ref()
            .map(|prop: &Prop<String>| prop.value.as_str());
        let app_name_text = app_name
            .as_ref()
            .map(|prop: &Prop<String>| prop.value.as_str());
        let deployment_id = names::deployment_id(group_text, &request.definition_name);
        let service_name = names::service_name(group_text, app_name_text, &deployment_id);
        let external_port = match request.app_properties.get(SERVER_PORT) {
            Some(port) => formats::parse_port(SERVER_PORT, port)?,
            None => 8080,
        };
        let context = Self {
            request,
            app,
            server,
            secrets,
            group,
            app_name,
            count: count.map_or(1, |prop| prop.value),
            indexed: indexed.is_some_and(|prop| prop.value),
            deployment_id,
            service_name,
            external_port,
        };
        context.check_names()?;
        Ok(context)
    }

    fn check_names(&self) -> Result<()> {
        let group_key = self.group.as_ref().map_or(GROUP, |prop| &prop.key);
        let id_source = match &self.group {
            Some(group) => format!("`{}` and the definition name", group.key),
            None => "the definition name".to_owned(),
        };
        names::check(
            names::is_dns1123_label,
            names::DNS1123_LABEL,
            "deployment id",
            &self.deployment_id,
            &id_source,
        )?;
        if self.indexed && self.deployment_id.len() > 52 {
            return Err(Error::InvalidName {
                what: "StatefulSet name",
                name: self.deployment_id.clone(),
                source_of_name: id_source,
                rule: names::STATEFUL_SET_NAME,
            });
        }
        let service_source = match &self.app_name {
            Some(app_name) => format!("`{group_key}` and `{}`", app_name.key),
            None => id_source,
        };
        names::check(
            names::is_dns1035_label,
            names::DNS1035_LABEL,
            "Service name",
            &self.service_name,
            &service_source,
        )
    }

    /// The per-app value of a setting, else the server's.
    pub(crate) fn pick<T>(
        &self,
        field: impl Fn(&Settings) -> &Option<Prop<T>>,
    ) -> Option<&Prop<T>> {
        field(&self.app)
            .as_ref()
            .or_else(|| field(self.server).as_ref())
    }

    /// The group (stream) name, if set.
    pub(crate) fn group(&self) -> Option<&str> {
        self.group.as_ref().map(|prop| prop.value.as_str())
    }

    /// The full per-app key of a property, for messages about properties nobody set.
    pub(crate) fn app_key(canonical: &str) -> String {
        format!(
            "{}{canonical}",
            dataflow_core::deployment::KUBERNETES_PREFIX
        )
    }
}
