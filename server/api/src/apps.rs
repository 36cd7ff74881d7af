//! App registry resources (`/apps`).

use std::collections::BTreeMap;

use dataflow_core::app::{AppRegistration, AppType};
use serde::{Deserialize, Serialize};

use crate::hal::{PagedResources, SelfLinks};

/// The `_embedded` key of app lists.
pub const APP_LIST_KEY: &str = "appRegistrationResourceList";

/// The `bootVersion` every registration reports (see [`AppRegistrationResource::boot_version`]).
pub const DEFAULT_BOOT_VERSION: &str = "2";

/// One registered app version, as in `GET /apps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRegistrationResource {
    /// App name.
    pub name: String,
    /// App type.
    #[serde(rename = "type")]
    pub app_type: AppType,
    /// Artifact URI.
    pub uri: String,
    /// Metadata artifact URI, if any.
    pub meta_data_uri: Option<String>,
    /// Version.
    pub version: String,
    /// Whether this is the default version.
    pub default_version: bool,
    /// Every registered version of this app; filled only when listing with
    /// `defaultVersion=true`, `null` otherwise (as SCDF).
    pub versions: Option<Vec<String>>,
    /// A display label; SCDF leaves it `null` for registry entries.
    pub label: Option<String>,
    /// The Spring Boot generation of the app's schema. SCDF 2.11 ignores the `bootVersion`
    /// given at registration and always reports `"2"`; so do we (the dashboard needs the field).
    pub boot_version: String,
    /// `self`: `/apps/{type}/{name}/{version}`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl AppRegistrationResource {
    /// The resource for `app`, with links under `base_url` (no trailing slash).
    pub fn new(app: &AppRegistration, base_url: &str) -> Self {
        Self {
            name: app.name.to_string(),
            app_type: app.app_type,
            uri: app.uri.clone(),
            meta_data_uri: app.metadata_uri.clone(),
            version: app.version.clone(),
            default_version: app.default_version,
            versions: None,
            label: None,
            boot_version: DEFAULT_BOOT_VERSION.to_owned(),
            links: SelfLinks::new(format!(
                "{base_url}/apps/{}/{}/{}",
                app.app_type, app.name, app.version
            )),
        }
    }
}

/// One app version with its configuration options (`GET /apps/{type}/{name}[/{version}]`).
///
/// Options come from the app's configuration metadata; until metadata is resolved, the option
/// lists are empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailedAppRegistrationResource {
    /// The registration itself.
    #[serde(flatten)]
    pub registration: AppRegistrationResource,
    /// Configuration properties the app exposes.
    pub options: Vec<serde_json::Value>,
    /// One-line description of the app.
    pub short_description: Option<String>,
    /// Names of the app's input bindings.
    pub inbound_port_names: Vec<String>,
    /// Names of the app's output bindings.
    pub outbound_port_names: Vec<String>,
    /// Option groups by name.
    pub option_groups: BTreeMap<String, Vec<serde_json::Value>>,
}

/// What a bulk import did, beside the page of saved registrations: SCDF answers with the saved
/// registrations only, so a caller cannot tell which lines were skipped; this says it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Registrations created.
    pub created: u64,
    /// Registrations overwritten (only with `force=true`).
    pub updated: u64,
    /// `type:name:version` of registrations left alone because they exist (no `force`).
    pub already_registered: Vec<String>,
    /// Lines skipped as invalid (only with `skip-invalid=true`; otherwise such lines fail the
    /// whole import), each as `line N: reason`.
    pub invalid_lines: Vec<String>,
}

/// The answer to `POST /apps`: the page of saved registrations plus the [`ImportReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppImportResult {
    /// The saved registrations, sorted, as SCDF returns them.
    #[serde(flatten)]
    pub page: PagedResources<AppRegistrationResource>,
    /// What was done with every line.
    #[serde(rename = "importReport")]
    pub report: ImportReport,
}
