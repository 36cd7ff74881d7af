//! The Kubernetes platform's properties, each declared once (see `settings.rs` for what a
//! declaration holds), with the types and checks of their values.
//!
//! A declaration's `parse` checks everything that can be checked on the value alone, so a bad
//! server setting fails when the platform is built; what depends on other properties or on the
//! app (a mount naming a volume, container names) is checked while rendering.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::{
    Container, NodeAffinity, PodAffinity, PodAntiAffinity, PodSecurityContext, SecurityContext,
    Toleration, Volume, VolumeMount,
};

use super::formats::{self, PairStyle};
use super::init::InitContainerSpec;
use super::keys::{
    self, InitField, Level, Levels, ProbeKey, ProbeKind, ProbeName, ProbeSetting, ResourceKey,
    ResourceName,
};
use super::metadata;
use super::names;
use super::settings::{Declared, Family, ListProperty, Member, Merge, Property};
use super::structured::parse_yaml;
use crate::{Error, Result};

use Levels::{AppOnly, Both, ServerOnly};

/// Labels, annotations, node selectors.
pub(crate) type Map = BTreeMap<String, String>;

/// A value that must not appear in `Debug` output or error messages.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How the app's properties reach the app (`entryPointStyle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryPointStyle {
    /// `--key=value` arguments.
    Exec,
    /// `KEY_NAME=value` environment variables.
    Shell,
    /// One `SPRING_APPLICATION_JSON` environment variable.
    Boot,
}

/// The per-app `createNodePort` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodePort {
    /// `true`: Kubernetes picks the node port.
    Any,
    /// An explicit node port.
    Port(i32),
}

/// A `secretKeyRefs` / `configMapKeyRefs` entry: an environment variable from one key of a
/// Secret or ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyRef {
    pub(crate) env_var_name: String,
    pub(crate) name: String,
    pub(crate) data_key: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretKeyRefYaml {
    env_var_name: String,
    secret_name: String,
    data_key: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigMapKeyRefYaml {
    env_var_name: String,
    config_map_name: String,
    data_key: String,
}

/// A value of a probe key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProbeValue {
    /// Delay, period, timeout, failure and success thresholds; ports.
    Number(i32),
    /// HTTP path or scheme.
    Text(String),
    /// A `COMMAND` probe's command.
    Command(Vec<String>),
}

/// Every declaration, for the catalogue.
pub(crate) static ALL: &[&dyn Declared] = &[
    &NAMESPACE,
    &IMAGE_PULL_POLICY,
    &IMAGE_PULL_SECRET,
    &IMAGE_PULL_SECRETS,
    &ENTRY_POINT_STYLE,
    &ENVIRONMENT_VARIABLES,
    &RESOURCES,
    &PROBES,
    &PROBE_TYPE,
    &PROBE_CREDENTIALS_SECRET,
    &BOOT_MAJOR_VERSION,
    &CREATE_LOAD_BALANCER,
    &CREATE_NODE_PORT,
    &SERVICE_PORTS,
    &CONTAINER_PORTS,
    &CONTAINER_COMMAND,
    &SERVICE_ANNOTATIONS,
    &POD_ANNOTATIONS,
    &DEPLOYMENT_LABELS,
    &NODE_SELECTOR,
    &TOLERATIONS,
    &NODE_AFFINITY,
    &POD_AFFINITY,
    &POD_ANTI_AFFINITY,
    &VOLUMES,
    &VOLUME_MOUNTS,
    &HOST_NETWORK,
    &DEPLOYMENT_SERVICE_ACCOUNT_NAME,
    &RESTART_POLICY,
    &TERMINATION_GRACE_PERIOD_SECONDS,
    &SHARE_PROCESS_NAMESPACE,
    &PRIORITY_CLASS_NAME,
    &POD_SECURITY_CONTEXT,
    &CONTAINER_SECURITY_CONTEXT,
    &SECRET_REFS,
    &CONFIG_MAP_REFS,
    &SECRET_KEY_REFS,
    &CONFIG_MAP_KEY_REFS,
    &INIT_CONTAINER,
    &INIT_CONTAINER_FIELDS,
    &INIT_CONTAINERS,
    &INDEXED_INIT_CONTAINERS,
    &ADDITIONAL_CONTAINERS,
    &LIFECYCLE_POST_START,
    &LIFECYCLE_PRE_STOP,
    &CLAIM_TEMPLATE_NAME,
    &CLAIM_TEMPLATE_STORAGE,
    &CLAIM_TEMPLATE_STORAGE_CLASS_NAME,
    &STATEFUL_SET_INIT_CONTAINER_IMAGE_NAME,
    &APP_ADMIN_USER,
    &APP_ADMIN_PASSWORD,
    &JOB_ANNOTATIONS,
    &TASK_SERVICE_ACCOUNT_NAME,
    &BACKOFF_LIMIT,
    &TTL_SECONDS_AFTER_FINISHED,
    &CRON_CONCURRENCY_POLICY,
    &CRON_TTL_SECONDS_AFTER_FINISHED,
    &CRON_BACKOFF_LIMIT,
    &CRON_EXPRESSION,
    &MAX_TERMINATED_ERROR_RESTARTS,
    &MAX_CRASH_LOOP_BACK_OFF_RESTARTS,
    &MINUTES_TO_WAIT_FOR_LOAD_BALANCER,
    &CREATE_JOB,
    &MAXIMUM_CONCURRENT_TASKS,
];

// ---------------------------------------------------------------- Image and entry point

/// The namespace of every object (server only).
pub(crate) static NAMESPACE: Property<String> = Property {
    key: "namespace",
    levels: ServerOnly,
    aliases: &[],
    parse: |key, value| {
        name(
            key,
            value,
            names::is_dns1123_label,
            names::DNS1123_LABEL,
            "namespace",
        )
    },
};

/// `Always`, `IfNotPresent` (the default) or `Never`, relaxed (`if-not-present`).
pub(crate) static IMAGE_PULL_POLICY: Property<String> = Property {
    key: "imagePullPolicy",
    levels: Both,
    aliases: &[],
    parse: image_pull_policy,
};

/// One image pull Secret, rendered before `imagePullSecrets`.
pub(crate) static IMAGE_PULL_SECRET: Property<String> = Property {
    key: "imagePullSecret",
    levels: Both,
    aliases: &[],
    parse: |key, value| subdomain(key, value, "Secret name"),
};

/// Image pull Secrets: a YAML list or comma-separated names.
pub(crate) static IMAGE_PULL_SECRETS: ListProperty<String> = ListProperty {
    key: "imagePullSecrets",
    levels: Both,
    parse: |key, value| subdomains(key, value, "Secret name"),
    merge: Merge::Replace,
};

/// How the app's properties reach the app.
pub(crate) static ENTRY_POINT_STYLE: Property<EntryPointStyle> = Property {
    key: "entryPointStyle",
    levels: Both,
    aliases: &[],
    parse: entry_point_style,
};

/// `K=V,K2='a,b'`: the app's variables override the server's of the same name, in place
/// (`$(VAR)` references only see variables defined earlier).
pub(crate) static ENVIRONMENT_VARIABLES: ListProperty<(String, Secret)> = ListProperty {
    key: "environmentVariables",
    levels: Both,
    parse: |key, value| {
        let vars = formats::parse_env(key, value)?;
        Ok(vars
            .into_iter()
            .map(|(name, text)| (name, Secret(text)))
            .collect())
    },
    merge: Merge::LaterReplacesInPlace(|a, b| a.0 == b.0),
};

// ---------------------------------------------------------------- Resources

/// `limits.<resource>`, `requests.<resource>` (cpu, memory, ephemeral-storage, hugepages-2Mi,
/// hugepages-1Gi), `limits.gpuVendor` and `limits.gpuCount`.
pub(crate) static RESOURCES: Family<ResourceKey, String> = Family {
    name: "resources",
    members: || {
        let mut members = vec![
            member("limits.gpuVendor", Both, ResourceKey::GpuVendor),
            member("limits.gpuCount", Both, ResourceKey::GpuCount),
        ];
        for name in ResourceName::ALL {
            let limit = ResourceKey::Limit(name);
            let request = ResourceKey::Request(name);
            members.push(member(format!("limits.{}", name.as_str()), Both, limit));
            members.push(member(format!("requests.{}", name.as_str()), Both, request));
        }
        members
    },
    pattern: None,
    parse: |resource_key, key, value| resource(key, value, resource_key),
};

// ---------------------------------------------------------------- Probes

/// `<probe><Kind>Probe<Setting>` (`livenessHttpProbePort`) and the deprecated kind-less
/// `<probe>Probe<Setting>` (`livenessProbePort`). A setting falls back from the per-app typed
/// key to the per-app deprecated key, then the server's typed and deprecated keys (`probes.rs`).
pub(crate) static PROBES: Family<ProbeKey, ProbeValue> = Family {
    name: "probes",
    members: || {
        let mut members = Vec::new();
        for probe in ProbeName::ALL {
            for kind in ProbeKind::ALL {
                for &setting in kind.settings() {
                    let key = ProbeKey {
                        probe,
                        kind: Some(kind),
                        setting,
                    };
                    members.push(member(key.canonical(), Both, key));
                }
            }
            for setting in ProbeSetting::DEPRECATED {
                let key = ProbeKey {
                    probe,
                    kind: None,
                    setting,
                };
                members.push(member(key.canonical(), Both, key));
            }
        }
        members
    },
    pattern: None,
    parse: |probe_key, key, value| probe_value(key, value, probe_key.setting),
};

/// HTTP (the default), TCP or COMMAND, for all three probes.
pub(crate) static PROBE_TYPE: Property<ProbeKind> = Property {
    key: "probeType",
    levels: Both,
    aliases: &[],
    parse: probe_type,
};

/// A Secret whose `credentials` are the HTTP probes' Basic credentials.
pub(crate) static PROBE_CREDENTIALS_SECRET: Property<String> = Property {
    key: "probeCredentialsSecret",
    levels: Both,
    aliases: &[],
    parse: |key, value| subdomain(key, value, "Secret name"),
};

/// `1` switches the default probe paths to Spring Boot 1's.
pub(crate) static BOOT_MAJOR_VERSION: Property<i64> = Property {
    key: "bootMajorVersion",
    levels: AppOnly,
    aliases: &[],
    parse: |key, value| formats::parse_int(key, value, 1, 99),
};

// ---------------------------------------------------------------- Service and ports

/// A LoadBalancer Service.
pub(crate) static CREATE_LOAD_BALANCER: Property<bool> = Property {
    key: "createLoadBalancer",
    levels: Both,
    aliases: &[],
    parse: formats::parse_bool,
};

/// A NodePort Service: `true` or the node port.
pub(crate) static CREATE_NODE_PORT: Property<NodePort> = Property {
    key: "createNodePort",
    levels: AppOnly,
    aliases: &[],
    parse: node_port,
};

/// Extra Service ports, `5000,9000`.
pub(crate) static SERVICE_PORTS: Property<Vec<i32>> = Property {
    key: "servicePorts",
    levels: AppOnly,
    aliases: &[],
    parse: formats::parse_ports,
};

/// Extra container ports.
pub(crate) static CONTAINER_PORTS: Property<Vec<i32>> = Property {
    key: "containerPorts",
    levels: AppOnly,
    aliases: &[],
    parse: formats::parse_ports,
};

/// The container's command, split like a shell.
pub(crate) static CONTAINER_COMMAND: Property<Vec<String>> = Property {
    key: "containerCommand",
    levels: AppOnly,
    aliases: &[],
    parse: formats::parse_command,
};

// ---------------------------------------------------------------- Metadata

/// `k:v,k2:v2`; the app's replace the server's.
pub(crate) static SERVICE_ANNOTATIONS: Property<Map> = Property {
    key: "serviceAnnotations",
    levels: Both,
    aliases: &[],
    parse: annotations,
};

/// `k:v,k2:v2`; the app's replace the server's.
pub(crate) static POD_ANNOTATIONS: Property<Map> = Property {
    key: "podAnnotations",
    levels: Both,
    aliases: &[],
    parse: annotations,
};

/// `k:v,k2:v2`: the server's and the app's both apply, the app's value winning for a label
/// set at both levels. The deployer's own labels cannot be set.
pub(crate) static DEPLOYMENT_LABELS: ListProperty<(String, String)> = ListProperty {
    key: "deploymentLabels",
    levels: Both,
    parse: |key, value| {
        let labels = labels(key, value)?;
        if let Some(reserved) = labels.keys().find(|label| metadata::is_reserved(label)) {
            return Err(Error::invalid(
                key,
                format!("the label `{reserved}` is set by the deployer and cannot be changed"),
            ));
        }
        Ok(labels.into_iter().collect())
    },
    merge: Merge::LaterReplacesInPlace(|a, b| a.0 == b.0),
};

// ---------------------------------------------------------------- Scheduling

/// `k:v,k2:v2`.
pub(crate) static NODE_SELECTOR: Property<Map> = Property {
    key: "nodeSelector",
    levels: Both,
    aliases: &[],
    parse: labels,
};

/// The app's tolerations, then the server's for keys the app does not tolerate.
pub(crate) static TOLERATIONS: ListProperty<Toleration> = ListProperty {
    key: "tolerations",
    levels: Both,
    parse: |key, value| parse_yaml(key, value, "a list of tolerations"),
    merge: Merge::ServerFillsIn(|a, b| a.key == b.key),
};

/// Spelled `nodeAffinity` at server level.
pub(crate) static NODE_AFFINITY: Property<NodeAffinity> = Property {
    key: "affinity.nodeAffinity",
    levels: AppOnly,
    aliases: &[("nodeAffinity", ServerOnly)],
    parse: |key, value| parse_yaml(key, value, "a node affinity"),
};

/// Spelled `podAffinity` at server level.
pub(crate) static POD_AFFINITY: Property<PodAffinity> = Property {
    key: "affinity.podAffinity",
    levels: AppOnly,
    aliases: &[("podAffinity", ServerOnly)],
    parse: |key, value| parse_yaml(key, value, "a pod affinity"),
};

/// Spelled `podAntiAffinity` at server level.
pub(crate) static POD_ANTI_AFFINITY: Property<PodAntiAffinity> = Property {
    key: "affinity.podAntiAffinity",
    levels: AppOnly,
    aliases: &[("podAntiAffinity", ServerOnly)],
    parse: |key, value| parse_yaml(key, value, "a pod anti-affinity"),
};

// ---------------------------------------------------------------- Pod

/// Volumes, merged by name (the app's first); only mounted ones are rendered.
pub(crate) static VOLUMES: ListProperty<Volume> = ListProperty {
    key: "volumes",
    levels: Both,
    parse: |key, value| parse_yaml(key, value, "a list of volumes"),
    merge: Merge::FirstOfEach(|a, b| a.name == b.name),
};

/// The main container's volume mounts, merged by name (the app's first).
pub(crate) static VOLUME_MOUNTS: ListProperty<VolumeMount> = ListProperty {
    key: "volumeMounts",
    levels: Both,
    parse: |key, value| parse_yaml(key, value, "a list of volume mounts"),
    merge: Merge::FirstOfEach(|a, b| a.name == b.name),
};

/// The pod's `hostNetwork`; container ports get host ports.
pub(crate) static HOST_NETWORK: Property<bool> = Property {
    key: "hostNetwork",
    levels: Both,
    aliases: &[],
    parse: formats::parse_bool,
};

/// The pod's service account.
pub(crate) static DEPLOYMENT_SERVICE_ACCOUNT_NAME: Property<String> = Property {
    key: "deploymentServiceAccountName",
    levels: Both,
    aliases: &[],
    parse: |key, value| subdomain(key, value, "service account name"),
};

/// `Always`, `OnFailure` or `Never` (stream apps allow only `Always`).
pub(crate) static RESTART_POLICY: Property<String> = Property {
    key: "restartPolicy",
    levels: Both,
    aliases: &[],
    parse: restart_policy,
};

pub(crate) static TERMINATION_GRACE_PERIOD_SECONDS: Property<i64> = Property {
    key: "terminationGracePeriodSeconds",
    levels: Both,
    aliases: &[],
    parse: |key, value| formats::parse_int(key, value, 0, i64::MAX),
};

pub(crate) static SHARE_PROCESS_NAMESPACE: Property<bool> = Property {
    key: "shareProcessNamespace",
    levels: Both,
    aliases: &[],
    parse: formats::parse_bool,
};

pub(crate) static PRIORITY_CLASS_NAME: Property<String> = Property {
    key: "priorityClassName",
    levels: Both,
    aliases: &[],
    parse: |key, value| subdomain(key, value, "priority class name"),
};

pub(crate) static POD_SECURITY_CONTEXT: Property<PodSecurityContext> = Property {
    key: "podSecurityContext",
    levels: Both,
    aliases: &[],
    parse: |key, value| parse_yaml(key, value, "a pod security context"),
};

/// The main container's; init and additional containers without one inherit it.
pub(crate) static CONTAINER_SECURITY_CONTEXT: Property<SecurityContext> = Property {
    key: "containerSecurityContext",
    levels: Both,
    aliases: &[],
    parse: |key, value| parse_yaml(key, value, "a container security context"),
};

// ---------------------------------------------------------------- Environment from objects

/// Secrets whose keys all become variables (`envFrom`).
pub(crate) static SECRET_REFS: ListProperty<String> = ListProperty {
    key: "secretRefs",
    levels: Both,
    parse: |key, value| subdomains(key, value, "Secret name"),
    merge: Merge::Replace,
};

/// ConfigMaps whose keys all become variables (`envFrom`).
pub(crate) static CONFIG_MAP_REFS: ListProperty<String> = ListProperty {
    key: "configMapRefs",
    levels: Both,
    parse: |key, value| subdomains(key, value, "ConfigMap name"),
    merge: Merge::Replace,
};

/// Variables from one key of a Secret, merged by variable name (the app's first).
pub(crate) static SECRET_KEY_REFS: ListProperty<KeyRef> = ListProperty {
    key: "secretKeyRefs",
    levels: Both,
    parse: |key, value| {
        key_refs(
            key,
            value,
            "a list of {envVarName, secretName, dataKey}",
            |r: SecretKeyRefYaml| KeyRef {
                env_var_name: r.env_var_name,
                name: r.secret_name,
                data_key: r.data_key,
            },
        )
    },
    merge: Merge::FirstOfEach(|a, b| a.env_var_name == b.env_var_name),
};

/// Variables from one key of a ConfigMap, merged by variable name (the app's first).
pub(crate) static CONFIG_MAP_KEY_REFS: ListProperty<KeyRef> = ListProperty {
    key: "configMapKeyRefs",
    levels: Both,
    parse: |key, value| {
        key_refs(
            key,
            value,
            "a list of {envVarName, configMapName, dataKey}",
            |r: ConfigMapKeyRefYaml| KeyRef {
                env_var_name: r.env_var_name,
                name: r.config_map_name,
                data_key: r.data_key,
            },
        )
    },
    merge: Merge::FirstOfEach(|a, b| a.env_var_name == b.env_var_name),
};

// ---------------------------------------------------------------- Other containers

/// One init container in SCDF's YAML shape. With its flattened form (`initContainer.<field>`),
/// combined in `init.rs`: the app's replaces the server's.
pub(crate) static INIT_CONTAINER: Property<InitContainerSpec> = Property {
    key: "initContainer",
    levels: Both,
    aliases: &[],
    parse: |key, value| parse_yaml(key, value, "an init container"),
};

/// The flattened form of `initContainer`: `initContainer.<field>`, each field with SCDF's long
/// and short spelling (`containerName` or `name`).
pub(crate) static INIT_CONTAINER_FIELDS: Family<InitField, String> = Family {
    name: "initContainer.<field>",
    members: || {
        InitField::SPELLINGS
            .iter()
            .map(|(spelling, field)| member(format!("initContainer.{spelling}"), AppOnly, *field))
            .collect()
    },
    pattern: None,
    parse: |_, _, value| Ok(value.to_owned()),
};

/// Init containers in SCDF's YAML shape. With the indexed form (`initContainers[<i>]`),
/// combined in `init.rs`: the app's entry `i` replaces the server's entry `i`.
pub(crate) static INIT_CONTAINERS: Property<Vec<InitContainerSpec>> = Property {
    key: "initContainers",
    levels: Both,
    aliases: &[],
    parse: |key, value| parse_yaml(key, value, "a list of init containers"),
};

/// The indexed form of `initContainers` (per app): `initContainers[<i>]` holds one init
/// container's YAML, `initContainers[<i>].<field>` one of its fields (as `initContainer.<field>`).
pub(crate) static INDEXED_INIT_CONTAINERS: Family<(usize, Option<InitField>), InitPart> = Family {
    name: "initContainers[<i>]",
    members: Vec::new,
    pattern: Some(indexed_init_container),
    parse: |(_, field), key, value| match field {
        None => parse_yaml(key, value, "an init container").map(InitPart::Spec),
        Some(_) => Ok(InitPart::Field(value.to_owned())),
    },
};

/// A value of [`INDEXED_INIT_CONTAINERS`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InitPart {
    /// `initContainers[<i>]`: the whole container.
    Spec(InitContainerSpec),
    /// `initContainers[<i>].<field>`: one field.
    Field(String),
}

/// `initContainers[<i>]` and `initContainers[<i>].<field>` (per-app only).
fn indexed_init_container(
    normalized: &str,
    level: Level,
) -> Option<Result<(usize, Option<InitField>), &'static str>> {
    let rest = normalized.strip_prefix("initcontainers[")?;
    if level == Level::Server {
        return Some(Err(
            "indexed `initContainers[<i>]` keys are per-app; at server level set \
             `initContainers` to a YAML list",
        ));
    }
    let Some((index, field)) = rest.split_once(']') else {
        return Some(Err(
            "expected `initContainers[<index>]`, the `]` is missing",
        ));
    };
    let Ok(index) = index.parse::<usize>() else {
        return Some(Err(
            "the index of `initContainers[<index>]` must be a number",
        ));
    };
    if field.is_empty() {
        return Some(Ok((index, None)));
    }
    let field = InitField::SPELLINGS
        .iter()
        .find(|(spelling, _)| keys::normalize(spelling) == field)
        .map(|(_, field)| (index, Some(*field)))
        .ok_or(
            "the fields of `initContainers[<i>].<field>` are name (containerName), image \
             (imageName), command (commands), args, env (environmentVariables) and \
             volumeMounts",
        );
    Some(field)
}

/// Kubernetes Containers beside the app's, merged by name (the app's first).
pub(crate) static ADDITIONAL_CONTAINERS: ListProperty<Container> = ListProperty {
    key: "additionalContainers",
    levels: Both,
    parse: |key, value| parse_yaml(key, value, "a list of containers"),
    merge: Merge::FirstOfEach(|a, b| a.name == b.name),
};

/// A comma-separated command.
pub(crate) static LIFECYCLE_POST_START: Property<Vec<String>> = Property {
    key: "lifecycle.postStart.exec.command",
    levels: Both,
    aliases: &[],
    parse: |_, value| Ok(formats::parse_comma_command(value)),
};

/// A comma-separated command.
pub(crate) static LIFECYCLE_PRE_STOP: Property<Vec<String>> = Property {
    key: "lifecycle.preStop.exec.command",
    levels: Both,
    aliases: &[],
    parse: |_, value| Ok(formats::parse_comma_command(value)),
};

// ---------------------------------------------------------------- StatefulSet

/// The volume claim template's name (default: the deployment id).
pub(crate) static CLAIM_TEMPLATE_NAME: Property<String> = Property {
    key: "statefulSet.volumeClaimTemplate.name",
    levels: Both,
    aliases: &[],
    parse: |key, value| {
        name(
            key,
            value,
            names::is_dns1123_label,
            names::DNS1123_LABEL,
            "volume claim template name",
        )
    },
};

/// SCDF's MiB size (`10m`, `1g`) or a quantity (default `10Mi`).
pub(crate) static CLAIM_TEMPLATE_STORAGE: Property<String> = Property {
    key: "statefulSet.volumeClaimTemplate.storage",
    levels: Both,
    aliases: &[],
    parse: formats::parse_storage_size,
};

pub(crate) static CLAIM_TEMPLATE_STORAGE_CLASS_NAME: Property<String> = Property {
    key: "statefulSet.volumeClaimTemplate.storageClassName",
    levels: Both,
    aliases: &[],
    parse: |key, value| subdomain(key, value, "storage class name"),
};

/// The image of the `index-provider` init container (default `busybox`).
pub(crate) static STATEFUL_SET_INIT_CONTAINER_IMAGE_NAME: Property<String> = Property {
    key: "statefulSetInitContainerImageName",
    levels: Both,
    aliases: &[],
    parse: image,
};

// ---------------------------------------------------------------- App admin

/// Passed to apps, with the password, as `spring.cloud.streamapp.security.admin-user`.
pub(crate) static APP_ADMIN_USER: Property<String> = Property {
    key: "appAdmin.user",
    levels: ServerOnly,
    aliases: &[],
    parse: |_, value| Ok(value.to_owned()),
};

pub(crate) static APP_ADMIN_PASSWORD: Property<Secret> = Property {
    key: "appAdmin.password",
    levels: ServerOnly,
    aliases: &[],
    parse: |_, value| Ok(Secret(value.to_owned())),
};

// ---------------------------------------------------------------- Tasks, schedules, status
//
// Known and checked (so a shared `deployer.*` setting does not fail a stream), not rendered
// for stream apps.

pub(crate) static JOB_ANNOTATIONS: Property<Map> = Property {
    key: "jobAnnotations",
    levels: Both,
    aliases: &[],
    parse: annotations,
};

pub(crate) static TASK_SERVICE_ACCOUNT_NAME: Property<String> = Property {
    key: "taskServiceAccountName",
    levels: Both,
    aliases: &[],
    parse: |_, value| Ok(value.to_owned()),
};

pub(crate) static BACKOFF_LIMIT: Property<i32> = Property {
    key: "backoffLimit",
    levels: Both,
    aliases: &[],
    parse: count,
};

pub(crate) static TTL_SECONDS_AFTER_FINISHED: Property<i32> = Property {
    key: "ttlSecondsAfterFinished",
    levels: Both,
    aliases: &[],
    parse: count,
};

pub(crate) static CRON_CONCURRENCY_POLICY: Property<String> = Property {
    key: "cron.concurrencyPolicy",
    levels: Both,
    aliases: &[],
    parse: |key, value| one_of(key, value, &["Allow", "Forbid", "Replace"]),
};

pub(crate) static CRON_TTL_SECONDS_AFTER_FINISHED: Property<i32> = Property {
    key: "cron.ttlSecondsAfterFinished",
    levels: Both,
    aliases: &[],
    parse: count,
};

pub(crate) static CRON_BACKOFF_LIMIT: Property<i32> = Property {
    key: "cron.backoffLimit",
    levels: Both,
    aliases: &[],
    parse: count,
};

pub(crate) static CRON_EXPRESSION: Property<String> = Property {
    key: "cron.expression",
    levels: AppOnly,
    aliases: &[],
    parse: |_, value| Ok(value.to_owned()),
};

pub(crate) static MAX_TERMINATED_ERROR_RESTARTS: Property<i32> = Property {
    key: "maxTerminatedErrorRestarts",
    levels: ServerOnly,
    aliases: &[],
    parse: count,
};

pub(crate) static MAX_CRASH_LOOP_BACK_OFF_RESTARTS: Property<i32> = Property {
    key: "maxCrashLoopBackOffRestarts",
    levels: ServerOnly,
    aliases: &[],
    parse: count,
};

pub(crate) static MINUTES_TO_WAIT_FOR_LOAD_BALANCER: Property<i32> = Property {
    key: "minutesToWaitForLoadBalancer",
    levels: ServerOnly,
    aliases: &[],
    parse: count,
};

pub(crate) static CREATE_JOB: Property<bool> = Property {
    key: "createJob",
    levels: ServerOnly,
    aliases: &[],
    parse: formats::parse_bool,
};

pub(crate) static MAXIMUM_CONCURRENT_TASKS: Property<i32> = Property {
    key: "maximumConcurrentTasks",
    levels: ServerOnly,
    aliases: &[],
    parse: count,
};

// ---------------------------------------------------------------- Value checks

fn member<K>(key: impl Into<String>, levels: Levels, member: K) -> Member<K> {
    Member {
        key: key.into(),
        levels,
        member,
    }
}

fn name(
    key: &str,
    value: &str,
    valid: fn(&str) -> bool,
    rule: &'static str,
    what: &'static str,
) -> Result<String> {
    let trimmed = value.trim();
    names::check(valid, rule, what, trimmed, &format!("`{key}`"))?;
    Ok(trimmed.to_owned())
}

fn subdomain(key: &str, value: &str, what: &'static str) -> Result<String> {
    name(
        key,
        value,
        names::is_dns1123_subdomain,
        names::DNS1123_SUBDOMAIN,
        what,
    )
}

fn subdomains(key: &str, value: &str, what: &'static str) -> Result<Vec<String>> {
    formats::parse_names(key, value)?
        .iter()
        .map(|item| subdomain(key, item, what))
        .collect()
}

fn annotations(key: &str, value: &str) -> Result<Map> {
    let pairs = formats::parse_pairs(key, value, PairStyle::Annotations)?;
    names::check_annotation_keys(pairs.keys(), &format!("`{key}`"))?;
    Ok(pairs)
}

fn labels(key: &str, value: &str) -> Result<Map> {
    let pairs = formats::parse_pairs(key, value, PairStyle::Labels)?;
    names::check_labels(&pairs, &format!("`{key}`"))?;
    Ok(pairs)
}

/// `Always`, `IfNotPresent` or `Never`, relaxed (`if-not-present`, `ALWAYS`).
fn image_pull_policy(key: &str, value: &str) -> Result<String> {
    match keys::normalize(value.trim()).as_str() {
        "always" => Ok("Always".to_owned()),
        "ifnotpresent" => Ok("IfNotPresent".to_owned()),
        "never" => Ok("Never".to_owned()),
        _ => Err(Error::invalid(
            key,
            format!(
                "`{value}` is not an image pull policy; expected Always, IfNotPresent or Never"
            ),
        )),
    }
}

fn entry_point_style(key: &str, value: &str) -> Result<EntryPointStyle> {
    match value.trim().to_ascii_lowercase().as_str() {
        "exec" => Ok(EntryPointStyle::Exec),
        "shell" => Ok(EntryPointStyle::Shell),
        "boot" => Ok(EntryPointStyle::Boot),
        _ => Err(Error::invalid(
            key,
            format!("`{value}` is not an entry point style; expected exec, shell or boot"),
        )),
    }
}

fn probe_type(key: &str, value: &str) -> Result<ProbeKind> {
    match value.trim().to_ascii_uppercase().as_str() {
        "HTTP" => Ok(ProbeKind::Http),
        "TCP" => Ok(ProbeKind::Tcp),
        "COMMAND" => Ok(ProbeKind::Command),
        _ => Err(Error::invalid(
            key,
            format!("`{value}` is not a probe type; expected HTTP, TCP or COMMAND"),
        )),
    }
}

fn restart_policy(key: &str, value: &str) -> Result<String> {
    match value.trim() {
        policy @ ("Always" | "OnFailure" | "Never") => Ok(policy.to_owned()),
        _ => Err(Error::invalid(
            key,
            format!("`{value}` is not a restart policy; expected Always, OnFailure or Never"),
        )),
    }
}

fn node_port(key: &str, value: &str) -> Result<NodePort> {
    if value.trim().eq_ignore_ascii_case("true") {
        return Ok(NodePort::Any);
    }
    formats::parse_port(key, value)
        .map(NodePort::Port)
        .map_err(|_| {
            Error::invalid(
                key,
                format!("`{value}` is not valid; expected `true` (any node port) or a port number"),
            )
        })
}

fn probe_value(key: &str, value: &str, setting: ProbeSetting) -> Result<ProbeValue> {
    let number = |min| formats::parse_i32(key, value, min).map(ProbeValue::Number);
    match setting {
        ProbeSetting::Delay => number(0),
        ProbeSetting::Period
        | ProbeSetting::Timeout
        | ProbeSetting::Failure
        | ProbeSetting::Success => number(1),
        ProbeSetting::Port => formats::parse_port(key, value).map(ProbeValue::Number),
        ProbeSetting::Path => {
            let path = value.trim();
            if path.starts_with('/') && !path.contains(char::is_whitespace) {
                Ok(ProbeValue::Text(path.to_owned()))
            } else {
                Err(Error::invalid(
                    key,
                    format!("`{value}` is not an HTTP path; expected e.g. `/actuator/health`"),
                ))
            }
        }
        ProbeSetting::Scheme => match value.trim().to_ascii_uppercase().as_str() {
            scheme @ ("HTTP" | "HTTPS") => Ok(ProbeValue::Text(scheme.to_owned())),
            _ => Err(Error::invalid(
                key,
                format!("`{value}` is not a scheme; expected HTTP or HTTPS"),
            )),
        },
        ProbeSetting::Command => formats::parse_command(key, value).map(ProbeValue::Command),
    }
}

fn resource(key: &str, value: &str, resource: ResourceKey) -> Result<String> {
    match resource {
        ResourceKey::GpuVendor => {
            let vendor = value.trim();
            if names::is_qualified_name(vendor) && vendor.contains('/') {
                Ok(vendor.to_owned())
            } else {
                Err(Error::invalid(
                    key,
                    format!(
                        "`{value}` is not an extended resource name; expected e.g. `nvidia.com/gpu`"
                    ),
                ))
            }
        }
        ResourceKey::GpuCount => {
            formats::parse_int(key, value, 0, i64::from(i32::MAX)).map(|count| count.to_string())
        }
        ResourceKey::Limit(_) | ResourceKey::Request(_) => formats::parse_quantity(key, value),
    }
}

fn key_refs<T: serde::de::DeserializeOwned>(
    key: &str,
    value: &str,
    what: &str,
    convert: fn(T) -> KeyRef,
) -> Result<Vec<KeyRef>> {
    let refs: Vec<KeyRef> = parse_yaml::<Vec<T>>(key, value, what)?
        .into_iter()
        .map(convert)
        .collect();
    for entry in &refs {
        formats::check_env_name(key, &entry.env_var_name)?;
        names::check(
            names::is_dns1123_subdomain,
            names::DNS1123_SUBDOMAIN,
            "object name",
            &entry.name,
            &format!("`{key}`"),
        )?;
        if entry.data_key.trim().is_empty() {
            return Err(Error::invalid(
                key,
                format!("the `dataKey` of `{}` is empty", entry.env_var_name),
            ));
        }
    }
    Ok(refs)
}

/// A non-negative `i32`.
fn count(key: &str, value: &str) -> Result<i32> {
    formats::parse_i32(key, value, 0)
}

/// One of `allowed`, exactly.
fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<String> {
    let trimmed = value.trim();
    if allowed.contains(&trimmed) {
        Ok(trimmed.to_owned())
    } else {
        Err(Error::invalid(
            key,
            format!("`{value}` is not one of {}", allowed.join(", ")),
        ))
    }
}

/// An image reference: non-empty, without whitespace.
pub(crate) fn image(key: &str, value: &str) -> Result<String> {
    let image = value.trim();
    if image.is_empty() || image.contains(char::is_whitespace) {
        return Err(Error::invalid(
            key,
            format!("`{value}` is not an image reference"),
        ));
    }
    Ok(image.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::settings::Settings;
    use super::*;

    fn app(pairs: &[(&str, &str)]) -> Result<Settings> {
        let mut settings = Settings::default();
        for (key, value) in pairs {
            let written = format!("spring.cloud.deployer.kubernetes.{key}");
            settings.set(Level::App, key, &written, value)?;
        }
        Ok(settings)
    }

    #[test]
    fn two_spellings_of_one_key_are_an_error() {
        let error = app(&[
            ("imagePullPolicy", "Always"),
            ("image-pull-policy", "Never"),
        ])
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "`spring.cloud.deployer.kubernetes.imagePullPolicy` and \
             `spring.cloud.deployer.kubernetes.image-pull-policy` are the same property; set it once"
        );
    }

    #[test]
    fn empty_values_are_unset_but_keys_are_still_checked() {
        let settings = app(&[("imagePullPolicy", " ")]).unwrap();
        assert!(settings.get(&IMAGE_PULL_POLICY).is_none());
        assert!(app(&[("imagePullPolicee", "")]).is_err());
    }

    #[test]
    fn image_pull_policy_is_relaxed() {
        for (text, policy) in [
            ("aLWays", "Always"),
            ("if-not-present", "IfNotPresent"),
            ("NEVER", "Never"),
        ] {
            let settings = app(&[("imagePullPolicy", text)]).unwrap();
            assert_eq!(settings.get(&IMAGE_PULL_POLICY).unwrap().value, policy);
        }
        let error = app(&[("imagePullPolicy", "garbage")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("expected Always, IfNotPresent or Never"),
            "{error}"
        );
    }

    #[test]
    fn entry_point_style_ignores_case() {
        let settings = app(&[("entryPointStyle", "bOOt")]).unwrap();
        assert_eq!(
            settings.get(&ENTRY_POINT_STYLE).unwrap().value,
            EntryPointStyle::Boot
        );
        assert!(app(&[("entryPointStyle", "unknown")]).is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let settings = app(&[("environmentVariables", "PASSWORD=hunter2")]).unwrap();
        let debug = format!("{settings:?}");
        assert!(debug.contains("PASSWORD"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn node_port_is_true_or_a_port() {
        assert_eq!(
            app(&[("createNodePort", "true")])
                .unwrap()
                .get(&CREATE_NODE_PORT)
                .unwrap()
                .value,
            NodePort::Any
        );
        assert_eq!(
            app(&[("createNodePort", "30080")])
                .unwrap()
                .get(&CREATE_NODE_PORT)
                .unwrap()
                .value,
            NodePort::Port(30080)
        );
        let error = app(&[("createNodePort", "nope")]).unwrap_err().to_string();
        assert!(error.contains("`nope` is not valid"), "{error}");
    }

    #[test]
    fn key_refs_need_all_fields_and_valid_names() {
        let settings = app(&[(
            "secretKeyRefs",
            "[{envVarName: 'SECRET_PASSWORD', secretName: 'mySecret', dataKey: 'password'}]",
        )]);
        // Secret names are DNS-1123 subdomains: `mySecret` has capitals.
        assert!(settings.unwrap_err().to_string().contains("`mySecret`"));
        let error = app(&[("configMapKeyRefs", "[{envVarName: A, configMapName: b}]")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("missing field `dataKey`"), "{error}");
    }

    #[test]
    fn probe_values_are_checked() {
        assert!(app(&[("livenessHttpProbePath", "health")]).is_err());
        assert!(app(&[("livenessHttpProbePeriod", "0")]).is_err());
        assert!(app(&[("livenessHttpProbeDelay", "0")]).is_ok());
        assert!(app(&[("readinessHttpProbeScheme", "ftp")]).is_err());
        let error = app(&[("livenessTcpProbePort", "90a")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("digits only"), "{error}");
    }

    #[test]
    fn family_members_are_stored_by_member() {
        let settings = app(&[
            ("initContainers[2]", "{name: a, image: b}"),
            ("init-containers[0].image-name", "busybox"),
            ("limits.cpu", "500m"),
            ("liveness-probe-port", "8081"),
        ])
        .unwrap();
        let indexed: Vec<_> = settings
            .members(&INDEXED_INIT_CONTAINERS)
            .map(|(member, _)| *member)
            .collect();
        assert_eq!(indexed, [(0, Some(InitField::Image)), (2, None)]);
        let cpu = ResourceKey::Limit(ResourceName::Cpu);
        assert_eq!(settings.member(&RESOURCES, &cpu).unwrap().value, "500m");
        let deprecated_port = ProbeKey {
            probe: ProbeName::Liveness,
            kind: None,
            setting: ProbeSetting::Port,
        };
        let port = settings.member(&PROBES, &deprecated_port).unwrap();
        assert_eq!(port.value, ProbeValue::Number(8081));
        assert_eq!(
            port.key,
            "spring.cloud.deployer.kubernetes.liveness-probe-port"
        );
        let error = app(&[("limits.cpu", "1"), ("LIMITS_CPU", "2")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("are the same property"), "{error}");
    }

    #[test]
    fn task_settings_are_known_and_checked() {
        assert!(
            app(&[
                ("cron.concurrencyPolicy", "Forbid"),
                ("jobAnnotations", "a:b")
            ])
            .is_ok()
        );
        assert!(app(&[("backoffLimit", "x")]).is_err());
    }
}
