//! The types of property values and the checks that parse them. Every check takes the key as
//! the user wrote it, so its errors name the property.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::VolumeMount;
use serde::de::{self, Deserializer, Visitor};

use crate::kubernetes::formats::{self, PairStyle};
use crate::kubernetes::keys::{self, InitField, Level, ProbeKind, ProbeSetting, ResourceKey};
use crate::kubernetes::names;
use crate::kubernetes::structured::parse_yaml;
use crate::{Error, Result};

/// Labels, annotations, node selectors.
pub(crate) type Map = BTreeMap<String, String>;

/// A value that must not appear in `Debug` output or error messages.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(text: String) -> Self {
        Self(text)
    }

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

/// SCDF's init container YAML: `{imageName: busybox:1, containerName: init, commands: [sh, -c,
/// x]}`. Each field accepts SCDF's long and short spelling; lists also accept a comma-separated
/// text, as Spring's binding does.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InitContainerSpec {
    #[serde(alias = "containerName")]
    pub(crate) name: Option<String>,
    #[serde(alias = "imageName")]
    pub(crate) image: Option<String>,
    #[serde(alias = "commands", default, deserialize_with = "string_list")]
    pub(crate) command: Option<Vec<String>>,
    #[serde(default, deserialize_with = "string_list")]
    pub(crate) args: Option<Vec<String>>,
    pub(crate) volume_mounts: Option<Vec<VolumeMount>>,
    /// `K=V` entries.
    #[serde(alias = "env", default, deserialize_with = "string_list")]
    pub(crate) environment_variables: Option<Vec<String>>,
    /// `NAME=fieldPath` entries, e.g. `POD_UID=metadata.uid`.
    #[serde(default, deserialize_with = "string_list")]
    pub(crate) environment_variables_from_field_refs: Option<Vec<String>>,
    #[serde(default, deserialize_with = "string_list")]
    pub(crate) config_map_ref_env_vars: Option<Vec<String>>,
    #[serde(default, deserialize_with = "string_list")]
    pub(crate) secret_ref_env_vars: Option<Vec<String>>,
}

/// A list of texts given as a YAML list or as one comma-separated text.
fn string_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Option<Vec<String>>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str("a list of texts or a comma-separated text")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Some(value.split(',').map(str::to_owned).collect()))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                items.push(item);
            }
            Ok(Some(items))
        }
    }

    deserializer.deserialize_any(ListVisitor)
}

/// A value of [`INDEXED_INIT_CONTAINERS`](super::INDEXED_INIT_CONTAINERS).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InitPart {
    /// `initContainers[<i>]`: the whole container.
    Spec(InitContainerSpec),
    /// `initContainers[<i>].<field>`: one field.
    Field(String),
}

/// `initContainers[<i>]` and `initContainers[<i>].<field>` (per-app only).
pub(super) fn indexed_init_container(
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

pub(super) fn name(
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

pub(super) fn subdomain(key: &str, value: &str, what: &'static str) -> Result<String> {
    name(
        key,
        value,
        names::is_dns1123_subdomain,
        names::DNS1123_SUBDOMAIN,
        what,
    )
}

pub(super) fn subdomains(key: &str, value: &str, what: &'static str) -> Result<Vec<String>> {
    formats::parse_names(key, value)?
        .iter()
        .map(|item| subdomain(key, item, what))
        .collect()
}

pub(super) fn annotations(key: &str, value: &str) -> Result<Map> {
    let pairs = formats::parse_pairs(key, value, PairStyle::Annotations)?;
    names::check_annotation_keys(pairs.keys(), &format!("`{key}`"))?;
    Ok(pairs)
}

pub(super) fn labels(key: &str, value: &str) -> Result<Map> {
    let pairs = formats::parse_pairs(key, value, PairStyle::Labels)?;
    names::check_labels(&pairs, &format!("`{key}`"))?;
    Ok(pairs)
}

/// `Always`, `IfNotPresent` or `Never`, relaxed (`if-not-present`, `ALWAYS`).
pub(super) fn image_pull_policy(key: &str, value: &str) -> Result<String> {
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

pub(super) fn entry_point_style(key: &str, value: &str) -> Result<EntryPointStyle> {
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

pub(super) fn probe_type(key: &str, value: &str) -> Result<ProbeKind> {
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

pub(super) fn restart_policy(key: &str, value: &str) -> Result<String> {
    match value.trim() {
        policy @ ("Always" | "OnFailure" | "Never") => Ok(policy.to_owned()),
        _ => Err(Error::invalid(
            key,
            format!("`{value}` is not a restart policy; expected Always, OnFailure or Never"),
        )),
    }
}

pub(super) fn node_port(key: &str, value: &str) -> Result<NodePort> {
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

pub(super) fn probe_value(key: &str, value: &str, setting: ProbeSetting) -> Result<ProbeValue> {
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

pub(super) fn resource(key: &str, value: &str, resource: ResourceKey) -> Result<String> {
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

pub(super) fn secret_key_refs(key: &str, value: &str) -> Result<Vec<KeyRef>> {
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
}

pub(super) fn config_map_key_refs(key: &str, value: &str) -> Result<Vec<KeyRef>> {
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
pub(super) fn count(key: &str, value: &str) -> Result<i32> {
    formats::parse_i32(key, value, 0)
}

/// One of `allowed`, exactly.
pub(super) fn one_of(key: &str, value: &str, allowed: &[&str]) -> Result<String> {
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
