//! What every rendering step needs: the request, both levels of settings, and the names
//! derived from them.
//!
//! The request's generic fields (group, app name, instance count, indexed) were decided by
//! planning; only the `spring.cloud.deployer.kubernetes.*` deployment properties are parsed
//! here.

use std::any::Any;

use dataflow_core::deployment::{APP_NAME, AppDeploymentRequest, COUNT, GROUP, INDEXED};

use super::SecretSource;
use super::formats;
use super::keys::{self, Level};
use super::names;
use super::settings::{Entry, Family, ListProperty, Prop, Property, Settings};
use crate::{Error, Result};

/// The app being rendered, with its settings resolved against the server's.
pub(crate) struct Context<'a> {
    pub(crate) request: &'a AppDeploymentRequest,
    /// Per-app settings (`spring.cloud.deployer.kubernetes.*`).
    pub(crate) app: Settings,
    /// Server-level settings.
    pub(crate) server: &'a Settings,
    pub(crate) secrets: &'a dyn SecretSource,
    /// The replicas: the request's instance count.
    pub(crate) count: i32,
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
        let generic = [GROUP, APP_NAME, COUNT, INDEXED].map(keys::normalize);
        for (key, value) in &request.deployment_properties {
            let normalized = keys::normalize(key);
            if let Some(rest) = normalized.strip_prefix(keys::APP_PREFIX_NORMALIZED) {
                app.set(Level::App, rest, key, value)?;
            } else if generic.contains(&normalized) {
                // Planning resolves these into the request's fields; a request carrying one as
                // text was not planned, and its value would be silently ignored.
                return Err(Error::UnknownProperty {
                    key: key.clone(),
                    message: "a generic deployer key, which planning resolves into the \
                              request's group, app name, instance count or indexed flag; it is \
                              not read from the deployment properties"
                        .to_owned(),
                });
            }
            // Other `spring.cloud.deployer.*` keys (memory, cpu, disk, other platforms' keys)
            // do not concern Kubernetes, as in SCDF.
        }
        let count = i32::try_from(request.instances).map_err(|_| {
            Error::invalid(
                COUNT,
                format!(
                    "{} is out of range; expected an integer of at least 0",
                    request.instances
                ),
            )
        })?;
        let deployment_id =
            names::deployment_id(request.group.as_deref(), &request.definition_name);
        let service_name = names::service_name(
            request.group.as_deref(),
            request.app_name.as_deref(),
            &deployment_id,
        );
        let external_port = match request.app_properties.get(SERVER_PORT) {
            Some(port) => formats::parse_port(SERVER_PORT, port)?,
            None => 8080,
        };
        let context = Self {
            request,
            app,
            server,
            secrets,
            count,
            deployment_id,
            service_name,
            external_port,
        };
        context.check_names()?;
        Ok(context)
    }

    fn check_names(&self) -> Result<()> {
        let id_source = match &self.request.group {
            Some(_) => format!("`{GROUP}` and the definition name"),
            None => "the definition name".to_owned(),
        };
        names::check(
            names::is_dns1123_label,
            names::DNS1123_LABEL,
            "deployment id",
            &self.deployment_id,
            &id_source,
        )?;
        if self.request.indexed && self.deployment_id.len() > 52 {
            return Err(Error::InvalidName {
                what: "StatefulSet name",
                name: self.deployment_id.clone(),
                source_of_name: id_source,
                rule: names::STATEFUL_SET_NAME,
            });
        }
        let service_source = match &self.request.app_name {
            Some(_) => format!("`{GROUP}` and `{APP_NAME}`"),
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

    /// The value of a property: the per-app value, else the server's.
    pub(crate) fn get<T: Any>(&self, property: &Property<T>) -> Option<&Prop<T>> {
        self.app.get(property).or_else(|| self.server.get(property))
    }

    /// The value of a family member: the per-app value, else the server's.
    pub(crate) fn member<K: Any + Ord, T: Any>(
        &self,
        family: &Family<K, T>,
        member: &K,
    ) -> Option<&Prop<T>> {
        self.app
            .member(family, member)
            .or_else(|| self.server.member(family, member))
    }

    /// The entries of a list property, the app's and the server's combined as it declares.
    pub(crate) fn entries<I: Any>(&self, property: &ListProperty<I>) -> Vec<Entry<'_, I>> {
        property
            .merge
            .combine(self.app.list(property), self.server.list(property))
    }

    /// The group (stream) name, if set.
    pub(crate) fn group(&self) -> Option<&str> {
        self.request.group.as_deref()
    }

    /// The app's un-versioned name, if set.
    pub(crate) fn app_name(&self) -> Option<&str> {
        self.request.app_name.as_deref()
    }

    /// The full per-app key of a property, for messages about properties nobody set.
    pub(crate) fn app_key(canonical: &str) -> String {
        format!(
            "{}{canonical}",
            dataflow_core::deployment::KUBERNETES_PREFIX
        )
    }
}
