//! Masking of sensitive values in rendered objects, wherever an app's configuration ends up in
//! a container: `--key=value` arguments, environment variables, and the JSON of
//! `SPRING_APPLICATION_JSON`.

use dataflow_core::sanitize::{MASK, is_sensitive};
use dataflow_deployer::kubernetes::{AppObjects, Workload};
use k8s_openapi::api::core::v1::{Container, PodSpec};

/// Masks every sensitive value of `objects`' containers; returns how many were masked.
pub(super) fn mask_objects(objects: &mut AppObjects) -> usize {
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
    for arg in container.args.iter_mut().flatten() {
        if let Some((key, value)) = arg.split_once('=')
            && is_sensitive(key.trim_start_matches('-'))
            && !value.trim().is_empty()
        {
            *arg = format!("{key}={MASK}");
            masked += 1;
        }
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
        }
    }
    masked
}

/// Masks the sensitive top-level entries of a JSON object of properties.
fn mask_json(text: &mut String) -> usize {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_str(text) else {
        return 0;
    };
    let mut masked = 0;
    for (key, value) in &mut object {
        let blank = value.as_str().is_some_and(|v| v.trim().is_empty());
        if is_sensitive(key) && !blank && !value.is_null() {
            *value = serde_json::Value::String(MASK.to_owned());
            masked += 1;
        }
    }
    if masked > 0 {
        *text = serde_json::Value::Object(object).to_string();
    }
    masked
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
}
