//! Typed platform settings, parsed from `key → text` properties.
//!
//! The same [`Settings`] type holds the server's settings and one app's per-app settings; the
//! rendering modules combine the two as each property requires (replace, merge or
//! concatenate, see the reference's section 1). Every value is parsed and checked here, once,
//! and remembers the key it came from (as written) so later errors can name it.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::{
    Container, NodeAffinity, PodAffinity, PodAntiAffinity, PodSecurityContext, SecurityContext,
    Toleration, Volume, VolumeMount,
};

use super::formats::{self, PairStyle};
use super::init::InitContainerSpec;
use super::keys::{
    self, Check, InitField, Key, Level, ProbeKey, ProbeKind, ProbeSetting, ResourceKey,
};
use super::names;
use super::structured::parse_yaml;
use crate::{Error, Result};

/// A value with the key it was read from, as the user wrote it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prop<T> {
    pub(crate) key: String,
    pub(crate) value: T,
}

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

/// The flattened fields of one init container (`initContainer.image`, ...).
pub(crate) type InitFields = BTreeMap<InitField, Prop<String>>;

/// One `initContainers[i]` entry: a YAML object or flattened fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexedInit {
    pub(crate) yaml: Option<Prop<InitContainerSpec>>,
    pub(crate) fields: InitFields,
}

/// Settings of one level (server or app). `None` means "not set at this level".
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) namespace: Option<Prop<String>>,
    pub(crate) image_pull_policy: Option<Prop<String>>,
    pub(crate) image_pull_secret: Option<Prop<String>>,
    pub(crate) image_pull_secrets: Option<Prop<Vec<String>>>,
    pub(crate) entry_point_style: Option<Prop<EntryPointStyle>>,
    pub(crate) environment_variables: Option<Prop<Vec<(String, Secret)>>>,
    pub(crate) resources: BTreeMap<ResourceKey, Prop<String>>,
    pub(crate) probes: BTreeMap<ProbeKey, Prop<ProbeValue>>,
    pub(crate) probe_type: Option<Prop<ProbeKind>>,
    pub(crate) probe_credentials_secret: Option<Prop<String>>,
    pub(crate) boot_major_version: Option<Prop<i64>>,
    pub(crate) create_load_balancer: Option<Prop<bool>>,
    pub(crate) create_node_port: Option<Prop<NodePort>>,
    pub(crate) service_ports: Option<Prop<Vec<i32>>>,
    pub(crate) container_ports: Option<Prop<Vec<i32>>>,
    pub(crate) container_command: Option<Prop<Vec<String>>>,
    pub(crate) service_annotations: Option<Prop<BTreeMap<String, String>>>,
    pub(crate) pod_annotations: Option<Prop<BTreeMap<String, String>>>,
    pub(crate) deployment_labels: Option<Prop<BTreeMap<String, String>>>,
    pub(crate) node_selector: Option<Prop<BTreeMap<String, String>>>,
    pub(crate) tolerations: Option<Prop<Vec<Toleration>>>,
    pub(crate) node_affinity: Option<Prop<NodeAffinity>>,
    pub(crate) pod_affinity: Option<Prop<PodAffinity>>,
    pub(crate) pod_anti_affinity: Option<Prop<PodAntiAffinity>>,
    pub(crate) volumes: Option<Prop<Vec<Volume>>>,
    pub(crate) volume_mounts: Option<Prop<Vec<VolumeMount>>>,
    pub(crate) host_network: Option<Prop<bool>>,
    pub(crate) deployment_service_account_name: Option<Prop<String>>,
    pub(crate) restart_policy: Option<Prop<String>>,
    pub(crate) termination_grace_period_seconds: Option<Prop<i64>>,
    pub(crate) share_process_namespace: Option<Prop<bool>>,
    pub(crate) priority_class_name: Option<Prop<String>>,
    pub(crate) pod_security_context: Option<Prop<PodSecurityContext>>,
    pub(crate) container_security_context: Option<Prop<SecurityContext>>,
    pub(crate) secret_refs: Option<Prop<Vec<String>>>,
    pub(crate) config_map_refs: Option<Prop<Vec<String>>>,
    pub(crate) secret_key_refs: Option<Prop<Vec<KeyRef>>>,
    pub(crate) config_map_key_refs: Option<Prop<Vec<KeyRef>>>,
    pub(crate) init_container: Option<Prop<InitContainerSpec>>,
    pub(crate) init_container_fields: InitFields,
    pub(crate) init_containers: Option<Prop<Vec<InitContainerSpec>>>,
    pub(crate) indexed_init_containers: BTreeMap<usize, IndexedInit>,
    pub(crate) additional_containers: Option<Prop<Vec<Container>>>,
    pub(crate) lifecycle_post_start: Option<Prop<Vec<String>>>,
    pub(crate) lifecycle_pre_stop: Option<Prop<Vec<String>>>,
    pub(crate) claim_template_name: Option<Prop<String>>,
    pub(crate) claim_template_storage: Option<Prop<String>>,
    pub(crate) claim_template_storage_class_name: Option<Prop<String>>,
    pub(crate) stateful_set_init_container_image_name: Option<Prop<String>>,
    pub(crate) app_admin_user: Option<Prop<String>>,
    pub(crate) app_admin_password: Option<Prop<Secret>>,
}

/// Stores `value` in an empty slot, or reports the property as given twice.
pub(crate) fn put<T>(slot: &mut Option<Prop<T>>, key: &str, value: T) -> Result<()> {
    if let Some(existing) = slot {
        return Err(Error::DuplicateProperty {
            first: existing.key.clone(),
            second: key.to_owned(),
        });
    }
    *slot = Some(Prop {
        key: key.to_owned(),
        value,
    });
    Ok(())
}

/// [`put`] for map-held settings.
fn put_in<K: Ord, T>(map: &mut BTreeMap<K, Prop<T>>, slot: K, key: &str, value: T) -> Result<()> {
    let mut existing = map.remove(&slot);
    put(&mut existing, key, value)?;
    if let Some(prop) = existing {
        map.insert(slot, prop);
    }
    Ok(())
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

fn annotations(key: &str, value: &str) -> Result<BTreeMap<String, String>> {
    let pairs = formats::parse_pairs(key, value, PairStyle::Annotations)?;
    names::check_annotation_keys(pairs.keys(), &format!("`{key}`"))?;
    Ok(pairs)
}

fn labels(key: &str, value: &str) -> Result<BTreeMap<String, String>> {
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

fn check_not_for_apps(key: &str, value: &str, check: Check) -> Result<()> {
    match check {
        Check::Count => formats::parse_int(key, value, 0, i64::from(i32::MAX)).map(drop),
        Check::Bool => formats::parse_bool(key, value).map(drop),
        Check::Pairs => annotations(key, value).map(drop),
        Check::Text => Ok(()),
        Check::OneOf(allowed) if allowed.contains(&value.trim()) => Ok(()),
        Check::OneOf(allowed) => Err(Error::invalid(
            key,
            format!("`{value}` is not one of {}", allowed.join(", ")),
        )),
    }
}

impl Settings {
    /// Parses one property. `unprefixed` is the key without `spring.cloud.deployer.kubernetes.`
    /// (per-app) and `written` the key as the user wrote it. An empty value leaves the
    /// setting unset, as in SCDF, but the key must still be known.
    pub(crate) fn set(
        &mut self,
        level: Level,
        unprefixed: &str,
        written: &str,
        value: &str,
    ) -> Result<()> {
        let known = keys::lookup(unprefixed, written, level)?;
        if value.trim().is_empty() {
            return Ok(());
        }
        let k = written;
        match known.key {
            Key::Namespace => put(
                &mut self.namespace,
                k,
                name(
                    k,
                    value,
                    names::is_dns1123_label,
                    names::DNS1123_LABEL,
                    "namespace",
                )?,
            ),
            Key::ImagePullPolicy => {
                put(&mut self.image_pull_policy, k, image_pull_policy(k, value)?)
            }
            Key::ImagePullSecret => put(
                &mut self.image_pull_secret,
                k,
                subdomain(k, value, "Secret name")?,
            ),
            Key::ImagePullSecrets => put(
                &mut self.image_pull_secrets,
                k,
                subdomains(k, value, "Secret name")?,
            ),
            Key::EntryPointStyle => {
                put(&mut self.entry_point_style, k, entry_point_style(k, value)?)
            }
            Key::EnvironmentVariables => {
                let vars = formats::parse_env(k, value)?;
                let vars = vars
                    .into_iter()
                    .map(|(name, text)| (name, Secret(text)))
                    .collect();
                put(&mut self.environment_variables, k, vars)
            }
            Key::Resource(resource_key) => put_in(
                &mut self.resources,
                resource_key,
                k,
                resource(k, value, resource_key)?,
            ),
            Key::Probe(probe_key) => put_in(
                &mut self.probes,
                probe_key,
                k,
                probe_value(k, value, probe_key.setting)?,
            ),
            Key::ProbeType => put(&mut self.probe_type, k, probe_type(k, value)?),
            Key::ProbeCredentialsSecret => put(
                &mut self.probe_credentials_secret,
                k,
                subdomain(k, value, "Secret name")?,
            ),
            Key::BootMajorVersion => put(
                &mut self.boot_major_version,
                k,
                formats::parse_int(k, value, 1, 99)?,
            ),
            Key::CreateLoadBalancer => put(
                &mut self.create_load_balancer,
                k,
                formats::parse_bool(k, value)?,
            ),
            Key::CreateNodePort => put(&mut self.create_node_port, k, node_port(k, value)?),
            Key::ServicePorts => put(&mut self.service_ports, k, formats::parse_ports(k, value)?),
            Key::ContainerPorts => put(
                &mut self.container_ports,
                k,
                formats::parse_ports(k, value)?,
            ),
            Key::ContainerCommand => put(
                &mut self.container_command,
                k,
                formats::parse_command(k, value)?,
            ),
            Key::ServiceAnnotations => {
                put(&mut self.service_annotations, k, annotations(k, value)?)
            }
            Key::PodAnnotations => put(&mut self.pod_annotations, k, annotations(k, value)?),
            Key::DeploymentLabels => put(&mut self.deployment_labels, k, labels(k, value)?),
            Key::NodeSelector => put(&mut self.node_selector, k, labels(k, value)?),
            Key::Tolerations => put(
                &mut self.tolerations,
                k,
                parse_yaml(k, value, "a list of tolerations")?,
            ),
            Key::NodeAffinity => put(
                &mut self.node_affinity,
                k,
                parse_yaml(k, value, "a node affinity")?,
            ),
            Key::PodAffinity => put(
                &mut self.pod_affinity,
                k,
                parse_yaml(k, value, "a pod affinity")?,
            ),
            Key::PodAntiAffinity => put(
                &mut self.pod_anti_affinity,
                k,
                parse_yaml(k, value, "a pod anti-affinity")?,
            ),
            Key::Volumes => put(
                &mut self.volumes,
                k,
                parse_yaml(k, value, "a list of volumes")?,
            ),
            Key::VolumeMounts => put(
                &mut self.volume_mounts,
                k,
                parse_yaml(k, value, "a list of volume mounts")?,
            ),
            Key::HostNetwork => put(&mut self.host_network, k, formats::parse_bool(k, value)?),
            Key::DeploymentServiceAccountName => put(
                &mut self.deployment_service_account_name,
                k,
                subdomain(k, value, "service account name")?,
            ),
            Key::RestartPolicy => put(&mut self.restart_policy, k, restart_policy(k, value)?),
            Key::TerminationGracePeriodSeconds => put(
                &mut self.termination_grace_period_seconds,
                k,
                formats::parse_int(k, value, 0, i64::MAX)?,
            ),
            Key::ShareProcessNamespace => put(
                &mut self.share_process_namespace,
                k,
                formats::parse_bool(k, value)?,
            ),
            Key::PriorityClassName => put(
                &mut self.priority_class_name,
                k,
                subdomain(k, value, "priority class name")?,
            ),
            Key::PodSecurityContext => put(
                &mut self.pod_security_context,
                k,
                parse_yaml(k, value, "a pod security context")?,
            ),
            Key::ContainerSecurityContext => put(
                &mut self.container_security_context,
                k,
                parse_yaml(k, value, "a container security context")?,
            ),
            Key::SecretRefs => put(
                &mut self.secret_refs,
                k,
                subdomains(k, value, "Secret name")?,
            ),
            Key::ConfigMapRefs => put(
                &mut self.config_map_refs,
                k,
                subdomains(k, value, "ConfigMap name")?,
            ),
            Key::SecretKeyRefs => {
                let refs = key_refs(
                    k,
                    value,
                    "a list of {envVarName, secretName, dataKey}",
                    |r: SecretKeyRefYaml| KeyRef {
                        env_var_name: r.env_var_name,
                        name: r.secret_name,
                        data_key: r.data_key,
                    },
                )?;
                put(&mut self.secret_key_refs, k, refs)
            }
            Key::ConfigMapKeyRefs => {
                let refs = key_refs(
                    k,
                    value,
                    "a list of {envVarName, configMapName, dataKey}",
                    |r: ConfigMapKeyRefYaml| KeyRef {
                        env_var_name: r.env_var_name,
                        name: r.config_map_name,
                        data_key: r.data_key,
                    },
                )?;
                put(&mut self.config_map_key_refs, k, refs)
            }
            Key::InitContainer => put(
                &mut self.init_container,
                k,
                parse_yaml(k, value, "an init container")?,
            ),
            Key::InitContainerField(field) => {
                put_in(&mut self.init_container_fields, field, k, value.to_owned())
            }
            Key::InitContainers => put(
                &mut self.init_containers,
                k,
                parse_yaml(k, value, "a list of init containers")?,
            ),
            Key::IndexedInitContainer(index, None) => {
                let entry = self.indexed_init_containers.entry(index).or_default();
                put(
                    &mut entry.yaml,
                    k,
                    parse_yaml(k, value, "an init container")?,
                )
            }
            Key::IndexedInitContainer(index, Some(field)) => {
                let entry = self.indexed_init_containers.entry(index).or_default();
                put_in(&mut entry.fields, field, k, value.to_owned())
            }
            Key::AdditionalContainers => put(
                &mut self.additional_containers,
                k,
                parse_yaml(k, value, "a list of containers")?,
            ),
            Key::LifecyclePostStart => put(
                &mut self.lifecycle_post_start,
                k,
                formats::parse_comma_command(value),
            ),
            Key::LifecyclePreStop => put(
                &mut self.lifecycle_pre_stop,
                k,
                formats::parse_comma_command(value),
            ),
            Key::ClaimTemplateName => put(
                &mut self.claim_template_name,
                k,
                name(
                    k,
                    value,
                    names::is_dns1123_label,
                    names::DNS1123_LABEL,
                    "volume claim template name",
                )?,
            ),
            Key::ClaimTemplateStorage => put(
                &mut self.claim_template_storage,
                k,
                formats::parse_storage_size(k, value)?,
            ),
            Key::ClaimTemplateStorageClassName => put(
                &mut self.claim_template_storage_class_name,
                k,
                subdomain(k, value, "storage class name")?,
            ),
            Key::StatefulSetInitContainerImageName => put(
                &mut self.stateful_set_init_container_image_name,
                k,
                image(k, value)?,
            ),
            Key::AppAdminUser => put(&mut self.app_admin_user, k, value.to_owned()),
            Key::AppAdminPassword => put(&mut self.app_admin_password, k, Secret(value.to_owned())),
            Key::NotForApps(check) => check_not_for_apps(k, value, check),
        }
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
        assert!(settings.image_pull_policy.is_none());
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
            assert_eq!(settings.image_pull_policy.unwrap().value, policy);
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
            settings.entry_point_style.unwrap().value,
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
                .create_node_port
                .unwrap()
                .value,
            NodePort::Any
        );
        assert_eq!(
            app(&[("createNodePort", "30080")])
                .unwrap()
                .create_node_port
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
    fn task_settings_are_known_and_checked_but_not_kept() {
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
