//! The app's main container (reference section 1.6).
//!
//! How the app's properties reach the app depends on `entryPointStyle`:
//!
//! * **exec** (default): `--key=value` arguments, sorted by key (SCDF's order is a HashMap's,
//!   i.e. unspecified), then the command-line arguments verbatim.
//! * **shell**: `KEY_NAME=value` environment variables, sorted by property key.
//! * **boot**: one `SPRING_APPLICATION_JSON` variable, then the command-line arguments.
//!
//! Environment variables come in SCDF's order: plain variables (`environmentVariables` in the
//! order written, then the shell/boot variables), `secretKeyRefs`, `configMapKeyRefs`,
//! `SPRING_CLOUD_APPLICATION_GUID` and `SPRING_CLOUD_APPLICATION_GROUP`. We keep the written
//! order of `environmentVariables` rather than sorting it, because `$(VAR)` references only
//! see variables defined earlier. A name defined twice across these sources is an error.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapKeySelector, Container, ContainerPort, EnvFromSource, EnvVar,
    EnvVarSource, ExecAction, Lifecycle, LifecycleHandler, ObjectFieldSelector, SecretEnvSource,
    SecretKeySelector, VolumeMount,
};

use dataflow_core::deployment::GROUP;

use super::probes::Probes;
use super::resources::resources;
use crate::kubernetes::context::Context;
use crate::kubernetes::properties::{
    APP_ADMIN_PASSWORD, APP_ADMIN_USER, CONFIG_MAP_KEY_REFS, CONFIG_MAP_REFS, CONTAINER_COMMAND,
    CONTAINER_PORTS, CONTAINER_SECURITY_CONTEXT, ENTRY_POINT_STYLE, ENVIRONMENT_VARIABLES,
    EntryPointStyle, HOST_NETWORK, IMAGE_PULL_POLICY, KeyRef, LIFECYCLE_POST_START,
    LIFECYCLE_PRE_STOP, SECRET_KEY_REFS, SECRET_REFS, VOLUME_MOUNTS,
};
use crate::kubernetes::settings::{ListProperty, Property};
use crate::{Error, Result};

/// The variable status tracking identifies the app's container by.
pub(crate) const GUID_ENV: &str = "SPRING_CLOUD_APPLICATION_GUID";
/// The variable carrying the group (stream) name.
pub(crate) const GROUP_ENV: &str = "SPRING_CLOUD_APPLICATION_GROUP";
const APPLICATION_JSON_ENV: &str = "SPRING_APPLICATION_JSON";
const ADMIN_USER: &str = "spring.cloud.streamapp.security.admin-user";
const ADMIN_PASSWORD: &str = "spring.cloud.streamapp.security.admin-password";

/// The image of a `docker:` resource: `docker:springcloudstream/log-sink-rabbit:3.2.1` runs
/// `springcloudstream/log-sink-rabbit:3.2.1`.
pub(crate) fn image(resource: &str) -> Result<String> {
    let unsupported = || Error::UnsupportedResource {
        resource: resource.to_owned(),
    };
    let (scheme, rest) = resource.split_once(':').ok_or_else(unsupported)?;
    if !scheme.eq_ignore_ascii_case("docker") {
        return Err(unsupported());
    }
    let image = rest.trim_start_matches("//");
    if image.is_empty() || image.contains(char::is_whitespace) {
        return Err(unsupported());
    }
    Ok(image.to_owned())
}

/// One environment variable and the property (or rule) that defined it, to report clashes.
struct Env {
    var: EnvVar,
    source: String,
}

fn plain(name: &str, value: &str, source: &str) -> Env {
    Env {
        var: EnvVar {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            value_from: None,
        },
        source: source.to_owned(),
    }
}

/// Sets a plain variable, replacing a same-named one in place.
fn set_plain(envs: &mut Vec<Env>, name: &str, value: &str, source: &str) {
    match envs.iter_mut().find(|env| env.var.name == name) {
        Some(env) => *env = plain(name, value, source),
        None => envs.push(plain(name, value, source)),
    }
}

/// The main container, without volume mounts of the StatefulSet's own (added by the caller).
pub(crate) fn main_container(context: &Context<'_>, probes: &Probes) -> Result<Container> {
    let request = context.request;
    let style_prop = context.get(&ENTRY_POINT_STYLE);
    let style = style_prop.map_or(EntryPointStyle::Exec, |prop| prop.value);
    let style_source =
        style_prop.map_or_else(|| "entryPointStyle".to_owned(), |prop| prop.key.clone());

    // Plain variables: the server's, overridden by the app's.
    let mut envs: Vec<Env> = context
        .entries(&ENVIRONMENT_VARIABLES)
        .into_iter()
        .map(|entry| {
            let (name, value) = entry.value;
            plain(name, value.expose(), entry.key)
        })
        .collect();
    let admin = admin_credentials(context);

    let args = match style {
        EntryPointStyle::Exec => {
            let mut args = exec_args(context);
            if let Some((user, password)) = admin {
                args.push(format!("--{ADMIN_USER}={user}"));
                args.push(format!("--{ADMIN_PASSWORD}={password}"));
            }
            args
        }
        EntryPointStyle::Shell => {
            let source = format!("the app properties ({style_source}=shell)");
            for (key, value) in &request.app_properties {
                set_plain(&mut envs, &shell_name(key), value, &source);
            }
            for arg in &request.command_line_args {
                let stripped = arg.strip_prefix("--").unwrap_or(arg);
                let Some((name, value)) = stripped.split_once('=') else {
                    return Err(Error::invalid(
                        &style_source,
                        format!(
                            "in the shell entry point style every command-line argument must be \
                             `name=value` (it becomes an environment variable), and `{arg}` is not"
                        ),
                    ));
                };
                set_plain(&mut envs, &shell_name(name.trim()), value, &source);
            }
            if let Some((user, password)) = admin {
                set_plain(&mut envs, ADMIN_USER, user, &source);
                set_plain(&mut envs, ADMIN_PASSWORD, password, &source);
            }
            Vec::new()
        }
        EntryPointStyle::Boot => {
            if let Some(env) = envs.iter().find(|env| env.var.name == APPLICATION_JSON_ENV) {
                return Err(Error::ConflictingProperties {
                    first: env.source.clone(),
                    second: style_source,
                    message: format!(
                        "the boot entry point style passes the app properties in \
                         {APPLICATION_JSON_ENV}, which the environment variables already define"
                    ),
                });
            }
            let mut json: serde_json::Map<String, serde_json::Value> = request
                .app_properties
                .iter()
                .map(|(key, value)| (key.clone(), serde_json::Value::String(value.clone())))
                .collect();
            if let Some((user, password)) = admin {
                json.insert(ADMIN_USER.to_owned(), user.into());
                json.insert(ADMIN_PASSWORD.to_owned(), password.into());
            }
            let json = serde_json::Value::Object(json).to_string();
            envs.push(plain(APPLICATION_JSON_ENV, &json, &style_source));
            request.command_line_args.clone()
        }
    };

    envs.extend(key_refs(context, &SECRET_KEY_REFS, |key_ref| {
        EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: key_ref.name.clone(),
                key: key_ref.data_key.clone(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }
    }));
    envs.extend(key_refs(context, &CONFIG_MAP_KEY_REFS, |key_ref| {
        EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector {
                name: key_ref.name.clone(),
                key: key_ref.data_key.clone(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }
    }));
    envs.push(Env {
        var: EnvVar {
            name: GUID_ENV.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: "metadata.uid".to_owned(),
                    api_version: None,
                }),
                ..EnvVarSource::default()
            }),
        },
        source: format!("{GUID_ENV}, which the deployer sets"),
    });
    if let Some(group) = context.group() {
        envs.push(plain(
            GROUP_ENV,
            group,
            &format!("{GROUP_ENV}, set from `{GROUP}`"),
        ));
    }
    let env = unique(&envs)?;

    let mut ports = vec![context.external_port];
    ports.extend(
        context
            .get(&CONTAINER_PORTS)
            .iter()
            .flat_map(|prop| prop.value.iter().copied()),
    );
    ports.extend(probes.ports.iter().copied());
    let host_network = context.get(&HOST_NETWORK).is_some_and(|prop| prop.value);
    let mut seen = BTreeSet::new();
    let ports: Vec<ContainerPort> = ports
        .into_iter()
        .filter(|port| seen.insert(*port))
        .map(|port| ContainerPort {
            container_port: port,
            host_port: host_network.then_some(port),
            ..ContainerPort::default()
        })
        .collect();

    Ok(Container {
        name: context.deployment_id.clone(),
        image: Some(image(&request.resource)?),
        image_pull_policy: Some(
            context
                .get(&IMAGE_PULL_POLICY)
                .map_or_else(|| "IfNotPresent".to_owned(), |prop| prop.value.clone()),
        ),
        command: context
            .get(&CONTAINER_COMMAND)
            .map(|prop| prop.value.clone()),
        args: Some(args).filter(|args| !args.is_empty()),
        env: Some(env),
        env_from: Some(env_from(context)).filter(|list| !list.is_empty()),
        ports: Some(ports),
        resources: resources(context),
        liveness_probe: Some(probes.liveness.clone()),
        readiness_probe: Some(probes.readiness.clone()),
        startup_probe: Some(probes.startup.clone()),
        volume_mounts: Some(volume_mounts(context)).filter(|list| !list.is_empty()),
        lifecycle: lifecycle(context),
        security_context: context
            .get(&CONTAINER_SECURITY_CONTEXT)
            .map(|prop| prop.value.clone()),
        ..Container::default()
    })
}

/// The app admin credentials (server level), when both are set.
fn admin_credentials<'a>(context: &'a Context<'_>) -> Option<(&'a str, &'a str)> {
    let user = context.get(&APP_ADMIN_USER)?;
    let password = context.get(&APP_ADMIN_PASSWORD)?;
    Some((&user.value, password.value.expose()))
}

/// `--key=value` for each app property, sorted by key. Skipped: empty values, and properties
/// a command-line argument also sets (compared by the argument's name: `--b = c` sets `b`).
/// Then the command-line arguments, verbatim.
fn exec_args(context: &Context<'_>) -> Vec<String> {
    let request = context.request;
    let overridden: BTreeSet<&str> = request
        .command_line_args
        .iter()
        .map(|arg| {
            let stripped = arg.strip_prefix("--").unwrap_or(arg);
            stripped.split('=').next().unwrap_or_default().trim()
        })
        .collect();
    request
        .app_properties
        .iter()
        .filter(|(key, value)| !value.trim().is_empty() && !overridden.contains(key.as_str()))
        .map(|(key, value)| format!("--{key}={value}"))
        .chain(request.command_line_args.iter().cloned())
        .collect()
}

/// A property key as a shell-style variable name: uppercased, `.` → `_` (`-` is kept).
fn shell_name(key: &str) -> String {
    key.replace('.', "_").to_uppercase()
}

/// `secretKeyRefs` / `configMapKeyRefs`: the app's entries, then the server's entries whose
/// variable names the app does not define.
fn key_refs(
    context: &Context<'_>,
    property: &ListProperty<KeyRef>,
    source: impl Fn(&KeyRef) -> EnvVarSource,
) -> Vec<Env> {
    context
        .entries(property)
        .into_iter()
        .map(|entry| Env {
            var: EnvVar {
                name: entry.value.env_var_name.clone(),
                value: None,
                value_from: Some(source(entry.value)),
            },
            source: entry.key.to_owned(),
        })
        .collect()
}

/// Fails when two sources define the same variable (Kubernetes would silently keep the last).
fn unique(envs: &[Env]) -> Result<Vec<EnvVar>> {
    let mut vars: Vec<EnvVar> = Vec::with_capacity(envs.len());
    for (index, env) in envs.iter().enumerate() {
        if let Some(earlier) = envs[..index]
            .iter()
            .find(|earlier| earlier.var.name == env.var.name)
        {
            return Err(Error::ConflictingProperties {
                first: earlier.source.clone(),
                second: env.source.clone(),
                message: format!("both define the environment variable `{}`", env.var.name),
            });
        }
        vars.push(env.var.clone());
    }
    Ok(vars)
}

/// `configMapRefs`, then `secretRefs`; for each, a non-empty per-app list replaces the server's.
fn env_from(context: &Context<'_>) -> Vec<EnvFromSource> {
    let names = |property: &ListProperty<String>| -> Vec<String> {
        context
            .entries(property)
            .into_iter()
            .map(|entry| entry.value.clone())
            .collect()
    };
    let config_maps = names(&CONFIG_MAP_REFS)
        .into_iter()
        .map(|name| EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name,
                optional: None,
            }),
            ..EnvFromSource::default()
        });
    let secrets = names(&SECRET_REFS).into_iter().map(|name| EnvFromSource {
        secret_ref: Some(SecretEnvSource {
            name,
            optional: None,
        }),
        ..EnvFromSource::default()
    });
    config_maps.chain(secrets).collect()
}

/// The app's `volumeMounts`, then the server's whose names the app does not mount. A per-app
/// mount replaces the server's mount of the same name entirely (its `readOnly` included).
fn volume_mounts(context: &Context<'_>) -> Vec<VolumeMount> {
    context
        .entries(&VOLUME_MOUNTS)
        .into_iter()
        .map(|entry| entry.value.clone())
        .collect()
}

/// `lifecycle.postStart.exec.command` and `lifecycle.preStop.exec.command`, each falling back to
/// the server's hook on its own.
fn lifecycle(context: &Context<'_>) -> Option<Lifecycle> {
    let hook = |property: &Property<Vec<String>>| {
        context.get(property).map(|prop| LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(prop.value.clone()),
            }),
            ..LifecycleHandler::default()
        })
    };
    let post_start = hook(&LIFECYCLE_POST_START);
    let pre_stop = hook(&LIFECYCLE_PRE_STOP);
    if post_start.is_none() && pre_stop.is_none() {
        return None;
    }
    Some(Lifecycle {
        post_start,
        pre_stop,
        stop_signal: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_come_from_docker_resources_only() {
        assert_eq!(
            image("docker:springcloudstream/log-sink-rabbit:3.2.1").unwrap(),
            "springcloudstream/log-sink-rabbit:3.2.1"
        );
        assert_eq!(
            image("docker://registry:5000/a/b:1").unwrap(),
            "registry:5000/a/b:1"
        );
        for bad in [
            "maven://org.example:app:1.0",
            "file:/tmp/app.jar",
            "docker:",
            "nothing",
            "docker:a b",
        ] {
            let error = image(bad).unwrap_err().to_string();
            assert!(error.contains("is not a Docker image"), "{error}");
        }
    }

    #[test]
    fn shell_names_upper_case_and_replace_dots() {
        assert_eq!(shell_name("foo.bar.baz"), "FOO_BAR_BAZ");
        assert_eq!(
            shell_name("server.max-http-header-size"),
            "SERVER_MAX-HTTP-HEADER-SIZE"
        );
    }
}
