//! Labels, selectors and annotations (reference section 1.3).
//!
//! SCDF's "idMap" selects an app's objects; `role=spring-app` marks them. On top of SCDF's
//! labels every object carries dataflow's `app.kubernetes.io/*` labels, so the server can list
//! exactly the objects it manages. Our labels are never part of a selector: selectors stay
//! SCDF's, so objects rendered here select the same pods SCDF's would.

use std::collections::BTreeMap;

use dataflow_core::deployment::{APP_NAME, GROUP};

use crate::Result;
use crate::kubernetes::context::Context;
use crate::kubernetes::names;
use crate::kubernetes::properties::DEPLOYMENT_LABELS;
use crate::kubernetes::settings::Property;

pub(crate) const APP_ID: &str = "spring-app-id";
pub(crate) const DEPLOYMENT_ID: &str = "spring-deployment-id";
pub(crate) const GROUP_ID: &str = "spring-group-id";
pub(crate) const APPLICATION_NAME: &str = "spring-application-name";
pub(crate) const ROLE: &str = "role";
pub(crate) const ROLE_VALUE: &str = "spring-app";

pub(crate) const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub(crate) const MANAGED_BY_VALUE: &str = "dataflow";
pub(crate) const PART_OF: &str = "app.kubernetes.io/part-of";
pub(crate) const COMPONENT: &str = "app.kubernetes.io/component";
pub(crate) const NAME: &str = "app.kubernetes.io/name";
/// The stream release version that last applied an object. Not rendered: the deployer stamps
/// it on the Service's and the workload's own metadata when it applies a release (never on the
/// pod template, which would restart the pods of apps a new release carries over unchanged).
pub(crate) const RELEASE_VERSION: &str = "dataflow/release-version";

/// Labels the deployer sets itself; `deploymentLabels` may not override them, since that would
/// break selectors or our ownership marker (see [`is_reserved_label`]).
const RESERVED: [&str; 10] = [
    APP_ID,
    DEPLOYMENT_ID,
    GROUP_ID,
    APPLICATION_NAME,
    ROLE,
    MANAGED_BY,
    PART_OF,
    COMPONENT,
    NAME,
    RELEASE_VERSION,
];

pub(crate) type Map = BTreeMap<String, String>;

/// Whether the deployer sets the label itself.
pub(crate) fn is_reserved_label(label: &str) -> bool {
    RESERVED.contains(&label)
}

/// Every label set of one app.
#[derive(Debug, Clone)]
pub(crate) struct Labels {
    /// SCDF's idMap: the Deployment's selector.
    pub(crate) id_map: Map,
    /// idMap + role: the StatefulSet's selector.
    pub(crate) id_map_with_role: Map,
    /// idMap + role + ours: the Service's and the volume claim template's labels.
    pub(crate) base: Map,
    /// idMap + role + deploymentLabels + ours: the workload's and the pod template's labels.
    pub(crate) workload: Map,
    /// The Service's selector.
    pub(crate) service_selector: Map,
}

impl Labels {
    pub(crate) fn new(context: &Context<'_>) -> Result<Self> {
        let mut id_map = Map::new();
        id_map.insert(APP_ID.to_owned(), context.deployment_id.clone());
        id_map.insert(DEPLOYMENT_ID.to_owned(), context.deployment_id.clone());
        if let Some(group) = context.group() {
            names::check(
                names::is_label_value,
                names::LABEL_VALUE,
                "label value",
                group,
                &format!("`{GROUP}`"),
            )?;
            id_map.insert(GROUP_ID.to_owned(), group.to_owned());
        }
        if let Some(app_name) = context.app_name() {
            names::check(
                names::is_label_value,
                names::LABEL_VALUE,
                "label value",
                app_name,
                &format!("`{APP_NAME}`"),
            )?;
            id_map.insert(APPLICATION_NAME.to_owned(), app_name.to_owned());
        }

        let mut id_map_with_role = id_map.clone();
        id_map_with_role.insert(ROLE.to_owned(), ROLE_VALUE.to_owned());

        let mut base = id_map_with_role.clone();
        base.extend(ours(context)?);

        // deploymentLabels: the server's and the app's are both applied; the app's value wins
        // for a key set at both levels.
        let deployment_labels = context
            .entries(&DEPLOYMENT_LABELS)
            .into_iter()
            .map(|entry| entry.value.clone());
        let mut workload = base.clone();
        workload.extend(deployment_labels);

        let service_selector = match context.app_name() {
            // Skipper's un-versioned Service selects the pods of every version of the app.
            Some(app_name) => {
                let mut selector = Map::new();
                selector.insert(APPLICATION_NAME.to_owned(), app_name.to_owned());
                if let Some(group) = context.group() {
                    selector.insert(GROUP_ID.to_owned(), group.to_owned());
                }
                selector
            }
            None => id_map.clone(),
        };
        Ok(Self {
            id_map,
            id_map_with_role,
            base,
            workload,
            service_selector,
        })
    }
}

/// dataflow's own labels.
fn ours(context: &Context<'_>) -> Result<Map> {
    let request = context.request;
    let mut labels = Map::new();
    labels.insert(MANAGED_BY.to_owned(), MANAGED_BY_VALUE.to_owned());
    for (key, value, source) in [
        (PART_OF, &request.stream, "the stream name"),
        (COMPONENT, &request.label, "the app's label"),
        (NAME, &request.registered_name, "the registered app name"),
    ] {
        names::check(
            names::is_label_value,
            names::LABEL_VALUE,
            "label value",
            value,
            source,
        )?;
        labels.insert(key.to_owned(), value.clone());
    }
    Ok(labels)
}

/// The annotations of a property: the per-app value replaces the server's entirely.
pub(crate) fn annotations(context: &Context<'_>, property: &Property<Map>) -> Option<Map> {
    context
        .get(property)
        .map(|prop| prop.value.clone())
        .filter(|map| !map.is_empty())
}
