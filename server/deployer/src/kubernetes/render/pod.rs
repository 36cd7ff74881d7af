//! The pod spec (reference section 1.5), shared by every object that runs the app's pods.
//!
//! Deliberate departures from SCDF, all about emitting valid, minimal objects:
//!
//! * Empty lists and maps (tolerations, resources) are left out instead of rendered empty; the
//!   API server treats both alike.
//! * Duplicate image pull secrets are rendered once (SCDF repeats them, which server-side
//!   apply rejects).
//! * Volumes mounted only by init containers are kept (SCDF drops them, leaving an invalid pod).
//! * A volume mount naming no volume, duplicate container names and a restart policy the
//!   pod's controller does not accept (Deployments and StatefulSets accept only `Always`) are
//!   errors here instead of at the API server.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    Affinity, Container, LocalObjectReference, PodSpec, Toleration, Volume,
};

use super::init::{additional_containers, init_containers};
use crate::kubernetes::context::Context;
use crate::kubernetes::properties::{
    DEPLOYMENT_SERVICE_ACCOUNT_NAME, HOST_NETWORK, IMAGE_PULL_SECRET, IMAGE_PULL_SECRETS,
    NODE_AFFINITY, NODE_SELECTOR, POD_AFFINITY, POD_ANTI_AFFINITY, POD_SECURITY_CONTEXT,
    PRIORITY_CLASS_NAME, RESTART_POLICY, SHARE_PROCESS_NAMESPACE, TERMINATION_GRACE_PERIOD_SECONDS,
    TOLERATIONS, VOLUME_MOUNTS, VOLUMES,
};
use crate::{Error, Result};

/// The restart policies the controller of a pod accepts, and the one it gets by default.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RestartPolicies {
    /// The policy of a pod whose `restartPolicy` is not set.
    pub(crate) default: &'static str,
    /// The policies the controller accepts.
    pub(crate) allowed: &'static [&'static str],
    /// Why others are refused, completed by "not `<the policy>`".
    pub(crate) why: &'static str,
}

/// Stream apps' pods: their Deployments and StatefulSets accept only `Always`.
pub(crate) const STREAM_APP_RESTART: RestartPolicies = RestartPolicies {
    default: "Always",
    allowed: &["Always"],
    why: "stream apps run as Deployments or StatefulSets, whose pods only support the restart \
          policy `Always`",
};

/// What the object wrapping the pod decides about it: the restart policies its controller
/// accepts, and what it adds to the pod (the StatefulSet's own volume and init container, and
/// the volume claim template its containers may mount by name).
#[derive(Debug)]
pub(crate) struct PodOptions {
    pub(crate) restart: RestartPolicies,
    pub(crate) volumes: Vec<Volume>,
    pub(crate) init_container: Option<Container>,
    pub(crate) claim_template: Option<String>,
}

impl PodOptions {
    /// Nothing added, with the given restart policies.
    pub(crate) const fn new(restart: RestartPolicies) -> Self {
        Self {
            restart,
            volumes: Vec::new(),
            init_container: None,
            claim_template: None,
        }
    }
}

/// The pod spec of the app: `main` (the app's container), the user's init and additional
/// containers, and the pod-level settings.
pub(crate) fn pod_spec(
    context: &Context<'_>,
    main: Container,
    options: PodOptions,
) -> Result<PodSpec> {
    let PodOptions {
        restart,
        volumes: extra_volumes,
        init_container,
        claim_template,
    } = options;
    let security_context = main.security_context.clone();
    let additional = additional_containers(context, security_context.as_ref())?;
    let mut init = init_containers(context, security_context.as_ref())?;
    init.extend(init_container);

    let mut names_taken: Vec<(&str, String)> =
        vec![(main.name.as_str(), "the app's container".to_owned())];
    for (container, key) in &additional {
        names_taken.push((container.name.as_str(), format!("`{key}`")));
    }
    for container in &init {
        names_taken.push((container.name.as_str(), "the init containers".to_owned()));
    }
    for (index, (name, source)) in names_taken.iter().enumerate() {
        if let Some((_, earlier)) = names_taken[..index].iter().find(|(taken, _)| taken == name) {
            return Err(Error::ConflictingProperties {
                first: earlier.clone(),
                second: source.clone(),
                message: format!("both define a container named `{name}`"),
            });
        }
    }

    let restart_policy = context.get(&RESTART_POLICY);
    if let Some(policy) =
        restart_policy.filter(|prop| !restart.allowed.contains(&prop.value.as_str()))
    {
        return Err(Error::invalid(
            &policy.key,
            format!("{}, not `{}`", restart.why, policy.value),
        ));
    }
    let restart_policy = restart_policy.map_or(restart.default, |prop| prop.value.as_str());

    let mut containers = vec![main];
    containers.extend(additional.into_iter().map(|(container, _)| container));
    let volumes = volumes(
        context,
        &containers,
        &init,
        extra_volumes,
        claim_template.as_deref(),
    )?;

    Ok(PodSpec {
        image_pull_secrets: Some(image_pull_secrets(context)).filter(|list| !list.is_empty()),
        containers,
        restart_policy: Some(restart_policy.to_owned()),
        termination_grace_period_seconds: context
            .get(&TERMINATION_GRACE_PERIOD_SECONDS)
            .map(|prop| prop.value),
        node_selector: context
            .get(&NODE_SELECTOR)
            .map(|prop| prop.value.clone())
            .filter(|map| !map.is_empty()),
        tolerations: Some(tolerations(context)).filter(|list| !list.is_empty()),
        host_network: context
            .get(&HOST_NETWORK)
            .filter(|prop| prop.value)
            .map(|_| true),
        service_account_name: context
            .get(&DEPLOYMENT_SERVICE_ACCOUNT_NAME)
            .map(|prop| prop.value.clone()),
        security_context: context
            .get(&POD_SECURITY_CONTEXT)
            .map(|prop| prop.value.clone()),
        affinity: affinity(context),
        init_containers: Some(init).filter(|list| !list.is_empty()),
        share_process_namespace: context.get(&SHARE_PROCESS_NAMESPACE).map(|prop| prop.value),
        priority_class_name: context
            .get(&PRIORITY_CLASS_NAME)
            .map(|prop| prop.value.clone()),
        volumes: Some(volumes).filter(|list| !list.is_empty()),
        ..PodSpec::default()
    })
}

/// `imagePullSecret` first, then the `imagePullSecrets` list (a non-empty per-app list
/// replaces the server's); each name once.
fn image_pull_secrets(context: &Context<'_>) -> Vec<LocalObjectReference> {
    let single = context
        .get(&IMAGE_PULL_SECRET)
        .map(|prop| prop.value.clone());
    let list = context
        .entries(&IMAGE_PULL_SECRETS)
        .into_iter()
        .map(|entry| entry.value.clone());
    let mut seen = BTreeSet::new();
    single
        .into_iter()
        .chain(list)
        .filter(|name| seen.insert(name.clone()))
        .map(|name| LocalObjectReference { name })
        .collect()
}

/// The app's tolerations, then the server's whose `key` the app does not use.
fn tolerations(context: &Context<'_>) -> Vec<Toleration> {
    context
        .entries(&TOLERATIONS)
        .into_iter()
        .map(|entry| entry.value.clone())
        .collect()
}

/// Node affinity, pod affinity and pod anti-affinity, each per-app else server.
fn affinity(context: &Context<'_>) -> Option<Affinity> {
    let affinity = Affinity {
        node_affinity: context.get(&NODE_AFFINITY).map(|prop| prop.value.clone()),
        pod_affinity: context.get(&POD_AFFINITY).map(|prop| prop.value.clone()),
        pod_anti_affinity: context
            .get(&POD_ANTI_AFFINITY)
            .map(|prop| prop.value.clone()),
    };
    (affinity != Affinity::default()).then_some(affinity)
}

/// The app's volumes, then the server's whose names the app does not use, then the
/// workload's; only the volumes some container mounts are kept. Every mount must name a
/// volume (or the StatefulSet's volume claim template).
fn volumes(
    context: &Context<'_>,
    containers: &[Container],
    init: &[Container],
    extra_volumes: Vec<Volume>,
    claim_template: Option<&str>,
) -> Result<Vec<Volume>> {
    let mut candidates: Vec<(Volume, String)> = Vec::new();
    for entry in context.entries(&VOLUMES) {
        if entry.value.name.trim().is_empty() {
            return Err(Error::invalid(entry.key, "every volume needs a `name`"));
        }
        candidates.push((entry.value.clone(), entry.key.to_owned()));
    }
    for volume in extra_volumes {
        if let Some((_, key)) = candidates
            .iter()
            .find(|(taken, _)| taken.name == volume.name)
        {
            return Err(Error::invalid(
                key,
                format!(
                    "the volume name `{}` is reserved for the deployer's own volume",
                    volume.name
                ),
            ));
        }
        candidates.push((volume, "the deployer".to_owned()));
    }

    let mounts: Vec<(&str, &str)> = containers
        .iter()
        .chain(init)
        .flat_map(|container| {
            container
                .volume_mounts
                .iter()
                .flatten()
                .map(move |mount| (mount.name.as_str(), container.name.as_str()))
        })
        .collect();
    for (mount, container) in &mounts {
        let known = candidates.iter().any(|(volume, _)| volume.name == *mount)
            || claim_template == Some(*mount);
        if !known {
            return Err(Error::invalid(
                &mount_key(context, container),
                format!(
                    "the container `{container}` mounts the volume `{mount}`, which no `volumes` \
                     entry defines"
                ),
            ));
        }
    }
    Ok(candidates
        .into_iter()
        .map(|(volume, _)| volume)
        .filter(|volume| mounts.iter().any(|(mount, _)| *mount == volume.name))
        .collect())
}

/// The property a container's mounts most likely came from, for error messages.
fn mount_key(context: &Context<'_>, container: &str) -> String {
    if container == context.deployment_id {
        let mounts = context.app.list(&VOLUME_MOUNTS);
        mounts
            .or_else(|| context.server.list(&VOLUME_MOUNTS))
            .map_or_else(
                || Context::app_key(VOLUME_MOUNTS.key),
                |prop| prop.key.clone(),
            )
    } else {
        format!("volumeMounts of the container `{container}`")
    }
}
