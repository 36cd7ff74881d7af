//! Init containers and additional containers (reference section 1.11).
//!
//! Init containers use SCDF's own YAML shape (`imageName`, `containerName`, `commands`,
//! `environmentVariables: [K=V]`, ...), not Kubernetes' Container; additional containers are
//! plain Kubernetes Containers.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, Container, EnvFromSource, EnvVar, EnvVarSource, ObjectFieldSelector,
    SecretEnvSource, SecurityContext,
};

use crate::kubernetes::context::Context;
use crate::kubernetes::formats;
use crate::kubernetes::keys::InitField;
use crate::kubernetes::names;
use crate::kubernetes::properties::{
    ADDITIONAL_CONTAINERS, INDEXED_INIT_CONTAINERS, INIT_CONTAINER, INIT_CONTAINER_FIELDS,
    INIT_CONTAINERS, InitContainerSpec, InitPart,
};
use crate::kubernetes::settings::{Prop, Settings};
use crate::kubernetes::structured::parse_yaml;
use crate::{Error, Result};

/// The flattened fields of one init container (`initContainer.image`, ...).
type InitFields = BTreeMap<InitField, Prop<String>>;

/// One `initContainers[i]` entry: a YAML object or flattened fields.
#[derive(Debug, Default)]
struct IndexedInit {
    yaml: Option<Prop<InitContainerSpec>>,
    fields: InitFields,
}

/// A level's `initContainers[<i>]` and `initContainers[<i>].<field>` keys, by index.
fn indexed_entries(settings: &Settings) -> BTreeMap<usize, IndexedInit> {
    let mut entries: BTreeMap<usize, IndexedInit> = BTreeMap::new();
    for (&(index, field), prop) in settings.members(&INDEXED_INIT_CONTAINERS) {
        let entry = entries.entry(index).or_default();
        let key = prop.key.clone();
        match (field, &prop.value) {
            (None, InitPart::Spec(spec)) => {
                entry.yaml = Some(Prop {
                    key,
                    value: spec.clone(),
                });
            }
            (Some(field), InitPart::Field(text)) => {
                let value = text.clone();
                entry.fields.insert(field, Prop { key, value });
            }
            // The declaration parses `[<i>]` into a spec and `[<i>].<field>` into a field.
            (None, InitPart::Field(_)) | (Some(_), InitPart::Spec(_)) => {}
        }
    }
    entries
}

impl InitContainerSpec {
    /// Builds the spec from flattened keys (`initContainer.imageName=...`). Both the name and
    /// the image must be given.
    fn from_fields(fields: &InitFields, missing_key: &str) -> Result<Prop<Self>> {
        let text = |field| {
            fields
                .get(&field)
                .map(|prop: &Prop<String>| prop.value.clone())
        };
        let list = |field| text(field).map(|value| formats::parse_comma_command(&value));
        let first_key = fields
            .values()
            .next()
            .map_or(missing_key, |prop| prop.key.as_str());
        let volume_mounts = match fields.get(&InitField::VolumeMounts) {
            Some(prop) => Some(parse_yaml(
                &prop.key,
                &prop.value,
                "a list of volume mounts",
            )?),
            None => None,
        };
        let spec = Self {
            name: text(InitField::Name),
            image: text(InitField::Image),
            command: list(InitField::Command),
            args: list(InitField::Args),
            volume_mounts,
            environment_variables: list(InitField::Env),
            ..Self::default()
        };
        if spec.name.is_none() || spec.image.is_none() {
            let missing = if spec.name.is_none() { "name" } else { "image" };
            return Err(Error::MissingProperty {
                key: format!("{missing_key}.{missing}"),
                message: format!(
                    "an init container given by flattened keys (`{first_key}`) needs both a \
                     name and an image"
                ),
            });
        }
        Ok(Prop {
            key: first_key.to_owned(),
            value: spec,
        })
    }

    /// The Kubernetes container. Init containers get no image pull policy and no resources,
    /// as in SCDF.
    fn to_container(&self, key: &str) -> Result<Container> {
        let name = self.name.as_deref().map(str::trim).unwrap_or_default();
        let image = self.image.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() || image.is_empty() {
            return Err(Error::invalid(
                key,
                "an init container needs a `name` and an `image`",
            ));
        }
        check_container_name(key, name)?;
        let image = crate::kubernetes::properties::image(key, image)?;
        let mut env: Vec<EnvVar> = Vec::new();
        // Each entry is one variable (a list item, or one piece of a comma-separated text), so
        // it is split once, at its first `=`: `HOSTS=a=1,b=2` as a list item is one variable.
        for entry in self.environment_variables.iter().flatten() {
            if entry.trim().is_empty() {
                continue;
            }
            let Some((name, value)) = entry.split_once('=') else {
                return Err(Error::invalid(
                    key,
                    "an init container's environment variable has no `=`; expected `NAME=value`",
                ));
            };
            let name = name.trim();
            formats::check_env_name(key, name)?;
            env.retain(|existing| existing.name != name);
            env.push(EnvVar {
                name: name.to_owned(),
                value: Some(value.to_owned()),
                value_from: None,
            });
        }
        for entry in self.environment_variables_from_field_refs.iter().flatten() {
            let Some((name, path)) = entry.split_once('=') else {
                return Err(Error::invalid(
                    key,
                    format!("`{entry}` is not `NAME=fieldPath`, e.g. `POD_UID=metadata.uid`"),
                ));
            };
            formats::check_env_name(key, name.trim())?;
            env.push(EnvVar {
                name: name.trim().to_owned(),
                value: None,
                value_from: Some(EnvVarSource {
                    field_ref: Some(ObjectFieldSelector {
                        field_path: path.trim().to_owned(),
                        api_version: None,
                    }),
                    ..EnvVarSource::default()
                }),
            });
        }
        let mut env_from = Vec::new();
        for config_map in self.config_map_ref_env_vars.iter().flatten() {
            env_from.push(EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource {
                    name: object_name(key, config_map)?,
                    optional: None,
                }),
                ..EnvFromSource::default()
            });
        }
        for secret in self.secret_ref_env_vars.iter().flatten() {
            env_from.push(EnvFromSource {
                secret_ref: Some(SecretEnvSource {
                    name: object_name(key, secret)?,
                    optional: None,
                }),
                ..EnvFromSource::default()
            });
        }
        Ok(Container {
            name: name.to_owned(),
            image: Some(image),
            command: self.command.clone().filter(|list| !list.is_empty()),
            args: self.args.clone().filter(|list| !list.is_empty()),
            env: Some(env).filter(|list| !list.is_empty()),
            env_from: Some(env_from).filter(|list| !list.is_empty()),
            volume_mounts: self.volume_mounts.clone().filter(|list| !list.is_empty()),
            ..Container::default()
        })
    }
}

fn object_name(key: &str, name: &str) -> Result<String> {
    let name = name.trim();
    names::check(
        names::is_dns1123_subdomain,
        names::DNS1123_SUBDOMAIN,
        "object name",
        name,
        &format!("`{key}`"),
    )?;
    Ok(name.to_owned())
}

/// Container names are DNS-1123 labels.
pub(crate) fn check_container_name(key: &str, name: &str) -> Result<()> {
    names::check(
        names::is_dns1123_label,
        names::DNS1123_LABEL,
        "container name",
        name,
        &format!("`{key}`"),
    )
}

/// The single `initContainer` of one level: the YAML object, else the flattened keys.
fn single(settings: &Settings) -> Result<Option<Prop<InitContainerSpec>>> {
    let fields: InitFields = settings
        .members(&INIT_CONTAINER_FIELDS)
        .map(|(field, prop)| (*field, prop.clone()))
        .collect();
    match (settings.get(&INIT_CONTAINER), fields.values().next()) {
        (Some(yaml), Some(field)) => Err(Error::ConflictingProperties {
            first: yaml.key.clone(),
            second: field.key.clone(),
            message: "give the init container either as one YAML value or as flattened keys"
                .to_owned(),
        }),
        (Some(yaml), None) => Ok(Some(yaml.clone())),
        (None, Some(_)) => {
            InitContainerSpec::from_fields(&fields, &Context::app_key(INIT_CONTAINER.key)).map(Some)
        }
        (None, None) => Ok(None),
    }
}

/// One `initContainers[i]` entry.
fn indexed_entry(index: usize, entry: &IndexedInit) -> Result<Prop<InitContainerSpec>> {
    match (&entry.yaml, entry.fields.values().next()) {
        (Some(yaml), Some(field)) => Err(Error::ConflictingProperties {
            first: yaml.key.clone(),
            second: field.key.clone(),
            message: "give each init container either as one YAML value or as flattened keys"
                .to_owned(),
        }),
        (Some(yaml), None) => Ok(yaml.clone()),
        (None, _) => InitContainerSpec::from_fields(
            &entry.fields,
            &Context::app_key(&format!("initContainers[{index}]")),
        ),
    }
}

/// The per-app `initContainers` list: the YAML list, else the indexed entries (which must
/// start at 0 and have no gaps).
fn app_list(settings: &Settings) -> Result<Vec<Prop<InitContainerSpec>>> {
    let indexed = indexed_entries(settings);
    if let Some(list) = settings.get(&INIT_CONTAINERS) {
        if let Some(entry) = indexed.values().next() {
            let second = entry
                .yaml
                .as_ref()
                .map(|prop| prop.key.clone())
                .or_else(|| entry.fields.values().next().map(|prop| prop.key.clone()))
                .unwrap_or_default();
            return Err(Error::ConflictingProperties {
                first: list.key.clone(),
                second,
                message: "give init containers either as one YAML list or as indexed entries"
                    .to_owned(),
            });
        }
        return Ok(list
            .value
            .iter()
            .map(|spec| Prop {
                key: list.key.clone(),
                value: spec.clone(),
            })
            .collect());
    }
    let mut specs = Vec::new();
    for (position, (index, entry)) in indexed.iter().enumerate() {
        if *index != position {
            return Err(Error::MissingProperty {
                key: Context::app_key(&format!("initContainers[{position}]")),
                message: format!(
                    "indexed init containers must be numbered from 0 without gaps, and \
                     initContainers[{index}] is given"
                ),
            });
        }
        specs.push(indexed_entry(*index, entry)?);
    }
    Ok(specs)
}

/// The user's init containers, in SCDF's order: the single `initContainer` (per-app, else the
/// server's), then the per-app list, then the server list's entries beyond the per-app list's
/// length (a per-app entry `i` replaces the server's entry `i`).
///
/// Init containers without a security context inherit the main container's.
pub(crate) fn init_containers(
    context: &Context<'_>,
    security_context: Option<&SecurityContext>,
) -> Result<Vec<Container>> {
    let mut specs = Vec::new();
    if let Some(spec) = single(&context.app)?.or(single(context.server)?) {
        specs.push(spec);
    }
    let app_list = app_list(&context.app)?;
    let server_list = context
        .server
        .get(&INIT_CONTAINERS)
        .into_iter()
        .flat_map(|list| {
            list.value.iter().map(|spec| Prop {
                key: list.key.clone(),
                value: spec.clone(),
            })
        });
    let skip = app_list.len();
    specs.extend(app_list);
    specs.extend(server_list.skip(skip));
    specs
        .iter()
        .map(|spec| {
            let mut container = spec.value.to_container(&spec.key)?;
            container.security_context = security_context.cloned();
            Ok(container)
        })
        .collect()
}

/// `additionalContainers`: the per-app list, then the server's entries whose names are not
/// taken. Containers without a security context inherit the main container's.
pub(crate) fn additional_containers(
    context: &Context<'_>,
    security_context: Option<&SecurityContext>,
) -> Result<Vec<(Container, String)>> {
    let mut containers: Vec<(Container, String)> = Vec::new();
    for entry in context.entries(&ADDITIONAL_CONTAINERS) {
        let container = entry.value;
        check_container_name(entry.key, &container.name)?;
        if container
            .image
            .as_deref()
            .is_none_or(|image| image.trim().is_empty())
        {
            return Err(Error::invalid(
                entry.key,
                format!("the container `{}` has no `image`", container.name),
            ));
        }
        let mut container = container.clone();
        if container.security_context.is_none() {
            container.security_context = security_context.cloned();
        }
        containers.push((container, entry.key.to_owned()));
    }
    Ok(containers)
}
