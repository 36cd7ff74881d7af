//! The Kubernetes platform's properties, each declared once: this table is the one place a
//! property's key, spellings, levels, value check and combination rule are written (see
//! `settings.rs` for what a declaration holds). The types and checks of the values are in
//! `values`.
//!
//! A declaration's `parse` checks everything that can be checked on the value alone, so a bad
//! server setting fails when the platform is built; what depends on other properties or on the
//! app (a mount naming a volume, container names) is checked while rendering.

mod values;

use k8s_openapi::api::core::v1::{
    Container, NodeAffinity, PodAffinity, PodAntiAffinity, PodSecurityContext, SecurityContext,
    Toleration, Volume, VolumeMount,
};

use super::formats;
use super::keys::{
    InitField, Levels, ProbeKey, ProbeKind, ProbeName, ProbeSetting, ResourceKey, ResourceName,
};
use super::names;
use super::render;
use super::settings::{Declared, Family, ListProperty, Member, Merge, Property};
use super::structured::parse_yaml;
use crate::Error;
pub(crate) use values::{
    EntryPointStyle, InitContainerSpec, InitPart, KeyRef, Map, NodePort, ProbeValue, Secret, image,
};
use values::{
    annotations, config_map_key_refs, count, entry_point_style, image_pull_policy,
    indexed_init_container, labels, name, node_port, one_of, probe_type, probe_value, resource,
    restart_policy, secret_key_refs, subdomain, subdomains,
};

use Levels::{AppOnly, Both, ServerOnly};

/// Every declaration, for the catalogue: a property not listed here is an unknown key.
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
            .map(|(name, text)| (name, Secret::new(text)))
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
        if let Some(reserved) = labels.keys().find(|label| render::is_reserved_label(label)) {
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
    parse: secret_key_refs,
    merge: Merge::FirstOfEach(|a, b| a.env_var_name == b.env_var_name),
};

/// Variables from one key of a ConfigMap, merged by variable name (the app's first).
pub(crate) static CONFIG_MAP_KEY_REFS: ListProperty<KeyRef> = ListProperty {
    key: "configMapKeyRefs",
    levels: Both,
    parse: config_map_key_refs,
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
    parse: |_, value| Ok(Secret::new(value.to_owned())),
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

// ---------------------------------------------------------------- Helpers

fn member<K>(key: impl Into<String>, levels: Levels, member: K) -> Member<K> {
    Member {
        key: key.into(),
        levels,
        member,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Result;
    use crate::kubernetes::keys::Level;
    use crate::kubernetes::settings::Settings;

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
