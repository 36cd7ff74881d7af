//! Requests and accessors shared by the integration tests.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use std::collections::BTreeMap;

use dataflow_core::app::AppType;
use dataflow_core::deployment::{
    APP_NAME, AppDeploymentRequest, COUNT, GROUP, INDEXED, KUBERNETES_PREFIX,
};
use dataflow_deployer::Result;
use dataflow_deployer::kubernetes::{
    AppObjects, KubernetesPlatform, NoSecrets, Workload, render_app,
};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodSpec, PodTemplateSpec, Service};

/// Builds an [`AppDeploymentRequest`].
#[derive(Debug, Clone)]
pub(crate) struct Request(pub(crate) AppDeploymentRequest);

/// A request as a bare deployer receives it: no group, no app name.
pub(crate) fn bare(definition_name: &str) -> Request {
    Request(AppDeploymentRequest {
        stream: "teststream".to_owned(),
        label: "app".to_owned(),
        registered_name: "app".to_owned(),
        app_type: AppType::Source,
        definition_name: definition_name.to_owned(),
        resource: "docker:springcloudstream/time-source-kafka:5.0.0".to_owned(),
        version: "5.0.0".to_owned(),
        app_properties: BTreeMap::new(),
        deployment_properties: BTreeMap::new(),
        command_line_args: Vec::new(),
    })
}

/// A request as dataflow's planner (like Skipper) produces it: group and app name set, the
/// definition name versioned.
pub(crate) fn stream_app(
    stream: &str,
    label: &str,
    registered_name: &str,
    resource: &str,
) -> Request {
    let mut request = bare(&format!("{label}-v1"));
    request.0.stream = stream.to_owned();
    request.0.label = label.to_owned();
    request.0.registered_name = registered_name.to_owned();
    request.0.resource = resource.to_owned();
    request.deployer(GROUP, stream).deployer(APP_NAME, label)
}

impl Request {
    /// A deployment property by its full key.
    pub(crate) fn deployer(mut self, key: &str, value: &str) -> Self {
        self.0
            .deployment_properties
            .insert(key.to_owned(), value.to_owned());
        self
    }

    /// A `spring.cloud.deployer.kubernetes.<key>` property.
    pub(crate) fn kube(self, key: &str, value: &str) -> Self {
        self.deployer(&format!("{KUBERNETES_PREFIX}{key}"), value)
    }

    pub(crate) fn group(self, group: &str) -> Self {
        self.deployer(GROUP, group)
    }

    pub(crate) fn count(self, count: u32) -> Self {
        self.deployer(COUNT, &count.to_string())
    }

    pub(crate) fn indexed(self) -> Self {
        self.deployer(INDEXED, "true")
    }

    pub(crate) fn app_property(mut self, key: &str, value: &str) -> Self {
        self.0
            .app_properties
            .insert(key.to_owned(), value.to_owned());
        self
    }

    pub(crate) fn arg(mut self, arg: &str) -> Self {
        self.0.command_line_args.push(arg.to_owned());
        self
    }

    pub(crate) fn render(&self) -> AppObjects {
        self.render_on(&KubernetesPlatform::default())
    }

    pub(crate) fn render_on(&self, platform: &KubernetesPlatform) -> AppObjects {
        self.try_render_on(platform)
            .unwrap_or_else(|error| panic!("render failed: {error}"))
    }

    pub(crate) fn try_render(&self) -> Result<AppObjects> {
        self.try_render_on(&KubernetesPlatform::default())
    }

    pub(crate) fn try_render_on(&self, platform: &KubernetesPlatform) -> Result<AppObjects> {
        render_app(&self.0, platform, &NoSecrets)
    }

    /// The error message of a render expected to fail.
    pub(crate) fn error(&self) -> String {
        self.error_on(&KubernetesPlatform::default())
    }

    pub(crate) fn error_on(&self, platform: &KubernetesPlatform) -> String {
        match self.try_render_on(platform) {
            Ok(_) => panic!("render unexpectedly succeeded"),
            Err(error) => error.to_string(),
        }
    }
}

/// A platform from `key, value` pairs.
pub(crate) fn platform(pairs: &[(&str, &str)]) -> KubernetesPlatform {
    let properties = pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    KubernetesPlatform::from_properties(&properties).unwrap_or_else(|error| panic!("{error}"))
}

pub(crate) fn service(objects: &AppObjects) -> &Service {
    &objects.service
}

pub(crate) fn deployment(objects: &AppObjects) -> &Deployment {
    match &objects.workload {
        Workload::Deployment(deployment) => deployment,
        Workload::StatefulSet(_) => panic!("expected a Deployment, got a StatefulSet"),
    }
}

pub(crate) fn stateful_set(objects: &AppObjects) -> &StatefulSet {
    match &objects.workload {
        Workload::StatefulSet(stateful_set) => stateful_set,
        Workload::Deployment(_) => panic!("expected a StatefulSet, got a Deployment"),
    }
}

pub(crate) fn template(objects: &AppObjects) -> &PodTemplateSpec {
    match &objects.workload {
        Workload::Deployment(deployment) => &deployment.spec.as_ref().unwrap().template,
        Workload::StatefulSet(stateful_set) => &stateful_set.spec.as_ref().unwrap().template,
    }
}

pub(crate) fn pod(objects: &AppObjects) -> &PodSpec {
    template(objects).spec.as_ref().unwrap()
}

pub(crate) fn container(objects: &AppObjects) -> &Container {
    &pod(objects).containers[0]
}

pub(crate) fn env(objects: &AppObjects) -> &[EnvVar] {
    container(objects).env.as_deref().unwrap_or_default()
}

pub(crate) fn env_names(objects: &AppObjects) -> Vec<&str> {
    env(objects).iter().map(|var| var.name.as_str()).collect()
}

/// The plain value of an environment variable.
pub(crate) fn env_value<'a>(objects: &'a AppObjects, name: &str) -> Option<&'a str> {
    env(objects)
        .iter()
        .find(|var| var.name == name)
        .and_then(|var| var.value.as_deref())
}

pub(crate) fn args(objects: &AppObjects) -> Vec<&str> {
    container(objects)
        .args
        .iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

pub(crate) fn container_ports(objects: &AppObjects) -> Vec<i32> {
    container(objects)
        .ports
        .iter()
        .flatten()
        .map(|port| port.container_port)
        .collect()
}

/// `[(k, v)]` as an owned map, for comparisons.
pub(crate) fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}
