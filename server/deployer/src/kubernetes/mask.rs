//! Masking of sensitive values in rendered objects, wherever an app's configuration can end up
//! in a container: arguments (`--key=value`, or `--key value`), commands (the container's, its
//! lifecycle hooks', exec probes'), environment variables (by name, and `-Dkey=value` style
//! assignments inside values such as `JAVA_TOOL_OPTIONS`), and the JSON of
//! `SPRING_APPLICATION_JSON` at any depth. Init and additional containers included.

use super::{AppObjects, Workload};
use dataflow_core::sanitize::{MASK, is_sensitive, mask_assignments};
use k8s_openapi::api::core::v1::{Container, LifecycleHandler, PodSpec, Probe};

/// Masks every sensitive value of `objects`' containers; returns how many were masked.
pub fn mask_objects(objects: &mut AppObjects) -> usize {
    let spec = match &mut objects.workload {
        Workload::Deployment(deployment) => deployment
            .spec
            .as_mut()
            .and_then(|spec| spec.template.spec.as_mut()),
        Workload::StatefulSet(stateful_set) => stateful_set
            .spec
            .as_mut()
            .and_then(|spec| spec.template.spec.as_mut()),
    };
    spec.map_or(0, mask_pod)
}

fn mask_pod(pod: &mut PodSpec) -> usize {
    let init = pod.init_containers.iter_mut().flatten();
    pod.containers
        .iter_mut()
        .chain(init)
        .map(mask_container)
        .sum()
}

fn mask_container(container: &mut Container) -> usize {
    let mut masked = 0;
    if let Some(args) = container.args.as_mut() {
        masked += mask_words(args);
    }
    if let Some(command) = container.command.as_mut() {
        masked += mask_words(command);
    }
    for env in container.env.iter_mut().flatten() {
        let Some(value) = env.value.as_mut() else {
            continue; // a reference (Secret, ConfigMap, field): nothing is copied
        };
        if env.name == "SPRING_APPLICATION_JSON" {
            masked += mask_json(value);
        } else if is_sensitive(&env.name) && !value.trim().is_empty() {
            *value = MASK.to_owned();
            masked += 1;
        } else {
            masked += mask_in_place(value);
        }
    }
    if let Some(lifecycle) = container.lifecycle.as_mut() {
        for hook in [&mut lifecycle.post_start, &mut lifecycle.pre_stop]
            .into_iter()
            .flatten()
        {
            masked += mask_handler(hook);
        }
    }
    for probe in [
        &mut container.liveness_probe,
        &mut container.readiness_probe,
        &mut container.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        masked += mask_probe(probe);
    }
    masked
}

fn mask_handler(handler: &mut LifecycleHandler) -> usize {
    handler
        .exec
        .as_mut()
        .and_then(|exec| exec.command.as_mut())
        .map_or(0, |command| mask_words(command))
}

fn mask_probe(probe: &mut Probe) -> usize {
    probe
        .exec
        .as_mut()
        .and_then(|exec| exec.command.as_mut())
        .map_or(0, |command| mask_words(command))
}

/// Masks assignments in each word, and the word after a sensitive `--key` given alone.
fn mask_words(words: &mut [String]) -> usize {
    let mut masked = 0;
    let mut next_is_secret = false;
    for word in words.iter_mut() {
        if next_is_secret && !word.trim().is_empty() && !word.starts_with("--") {
            *word = MASK.to_owned();
            masked += 1;
            next_is_secret = false;
            continue;
        }
        next_is_secret = word.starts_with("--")
            && !word.contains('=')
            && is_sensitive(word.trim_start_matches('-'));
        masked += mask_in_place(word);
    }
    masked
}

fn mask_in_place(text: &mut String) -> usize {
    let (masked_text, masked) = mask_assignments(text);
    if masked > 0 {
        *text = masked_text;
    }
    masked
}

/// Masks the sensitive entries of a JSON object of properties, nested objects included.
fn mask_json(text: &mut String) -> usize {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) else {
        return mask_in_place(text);
    };
    let masked = mask_json_value(&mut value);
    if masked > 0 {
        *text = value.to_string();
    }
    masked
}

fn mask_json_value(value: &mut serde_json::Value) -> usize {
    match value {
        serde_json::Value::Object(object) => object
            .iter_mut()
            .map(|(key, value)| {
                let blank = value.is_null() || value.as_str().is_some_and(|v| v.trim().is_empty());
                if is_sensitive(key) && !blank && !value.is_object() {
                    *value = serde_json::Value::String(MASK.to_owned());
                    1
                } else {
                    mask_json_value(value)
                }
            })
            .sum(),
        serde_json::Value::Array(items) => items.iter_mut().map(mask_json_value).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::EnvVar;

    use super::*;

    fn env(name: &str, value: &str) -> EnvVar {
        EnvVar {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            ..EnvVar::default()
        }
    }

    #[test]
    fn arguments_environment_and_application_json_are_masked() {
        let mut container = Container {
            args: Some(vec![
                "--spring.datasource.password=hunter2".to_owned(),
                "--server.port=8080".to_owned(),
                "--api.token=".to_owned(),
            ]),
            env: Some(vec![
                env("DB_PASSWORD", "hunter2"),
                env("LOG_LEVEL", "DEBUG"),
                env(
                    "SPRING_APPLICATION_JSON",
                    r#"{"a.secret":"s","b":"visible","c.key":""}"#,
                ),
            ]),
            ..Container::default()
        };
        assert_eq!(mask_container(&mut container), 3);
        assert_eq!(
            container.args.as_deref(),
            Some(
                &[
                    "--spring.datasource.password=******".to_owned(),
                    "--server.port=8080".to_owned(),
                    "--api.token=".to_owned(),
                ][..]
            )
        );
        let env = container.env.expect("env");
        assert_eq!(env[0].value.as_deref(), Some(MASK));
        assert_eq!(env[1].value.as_deref(), Some("DEBUG"));
        assert_eq!(
            env[2].value.as_deref(),
            Some(r#"{"a.secret":"******","b":"visible","c.key":""}"#)
        );
    }

    #[test]
    fn commands_split_arguments_nested_json_and_options_in_values_are_masked() {
        let mut container = Container {
            command: Some(vec![
                "java".to_owned(),
                "-Ddb.password=hunter2".to_owned(),
                "-jar".to_owned(),
                "app.jar".to_owned(),
            ]),
            args: Some(vec![
                "--password".to_owned(),
                "hunter3".to_owned(),
                "--verbose".to_owned(),
            ]),
            env: Some(vec![
                env(
                    "JAVA_TOOL_OPTIONS",
                    "-Xmx1g -Dspring.datasource.password=hunter4",
                ),
                env(
                    "SPRING_APPLICATION_JSON",
                    r#"{"spring":{"datasource":{"password":"hunter5","url":"jdbc:x"}},"level":"INFO"}"#,
                ),
            ]),
            ..Container::default()
        };
        assert_eq!(mask_container(&mut container), 5);
        let text = format!("{container:?}");
        for secret in ["hunter2", "hunter3", "hunter4", "hunter5", "jdbc:x"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(
            container.args.as_deref(),
            Some(
                &[
                    "--password".to_owned(),
                    MASK.to_owned(),
                    "--verbose".to_owned()
                ][..]
            )
        );
    }
}
