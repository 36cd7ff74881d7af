//! A pod as an app instance (reference section 5.1): its [`DeploymentState`] and SCDF's
//! instance attributes. Pure functions over the pod as a watch cache holds it.

use std::collections::BTreeMap;

use dataflow_core::status::DeploymentState;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod};

use super::render::{APP_ID, APPLICATION_NAME, DEPLOYMENT_ID, GROUP_ID, GUID_ENV};

/// More restarts than this, after an exit with a "crash" code, make an instance `failed`.
const MAX_TERMINATED_ERROR_RESTARTS: i32 = 2;
/// More restarts than this while in `CrashLoopBackOff` make an instance `failed`.
const MAX_CRASH_LOOP_BACK_OFF_RESTARTS: i32 = 4;
/// Exit codes SCDF counts as a crash: error, SIGKILL (137) and SIGTERM (143).
const CRASH_EXIT_CODES: [i32; 3] = [1, 137, 143];

/// The app's own container: the one whose environment has `SPRING_CLOUD_APPLICATION_GUID` (the
/// renderer sets it on the main container only), else the first.
fn app_container(pod: &Pod) -> Option<&Container> {
    let containers = &pod.spec.as_ref()?.containers;
    containers
        .iter()
        .find(|container| {
            container
                .env
                .iter()
                .flatten()
                .any(|env| env.name == GUID_ENV)
        })
        .or_else(|| containers.first())
}

/// The status of the app's container, if the kubelet reported one.
fn app_container_status(pod: &Pod) -> Option<&ContainerStatus> {
    let statuses = pod.status.as_ref()?.container_statuses.as_ref()?;
    match app_container(pod) {
        Some(container) => statuses.iter().find(|s| s.name == container.name),
        None => statuses.first(),
    }
}

/// The state of the instance a pod is (reference section 5.1).
pub(crate) fn instance_state(pod: &Pod) -> DeploymentState {
    use DeploymentState::{Deployed, Deploying, Failed, Undeployed, Unknown};
    let Some(container) = app_container_status(pod) else {
        return Unknown;
    };
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    match phase {
        Some("Pending") => return Deploying,
        Some("Failed") => return Failed,
        Some("Running") => {}
        _ => return Unknown,
    }
    let restarts = container.restart_count;
    let last_terminated = container
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref());
    let terminated = container.state.as_ref().and_then(|s| s.terminated.as_ref());
    let waiting_reason = container
        .state
        .as_ref()
        .and_then(|s| s.waiting.as_ref())
        .and_then(|w| w.reason.as_deref());
    let has_error = |reason: Option<&String>| reason.is_some_and(|r| r.contains("Error"));

    if container.ready {
        Deployed
    } else if restarts > MAX_TERMINATED_ERROR_RESTARTS
        && last_terminated.is_some_and(|t| CRASH_EXIT_CODES.contains(&t.exit_code))
    {
        Failed
    } else if restarts > MAX_TERMINATED_ERROR_RESTARTS
        && let (Some(last), Some(now)) = (last_terminated, terminated)
        && has_error(last.reason.as_ref())
        && has_error(now.reason.as_ref())
        && last.exit_code == now.exit_code
    {
        Failed
    } else if restarts > MAX_CRASH_LOOP_BACK_OFF_RESTARTS
        && last_terminated.is_some()
        && waiting_reason.is_some_and(|r| r.contains("CrashLoopBackOff"))
    {
        Failed
    } else if restarts == 0 && terminated.is_some() {
        Undeployed
    } else {
        Deploying
    }
}

/// SCDF's instance attributes of a pod (reference section 5.1), those a pod alone tells:
/// `pod.name`, `pod.startTime`, `pod.ip`, `host.ip`, `phase`, `guid`, `spring.app.id`,
/// `spring.deployment.id`, `actuator.path`, `actuator.port`, `service.name` and the
/// container's restart count and terminations. Absent values are left out.
///
/// `service.name` is the Service the renderer made for the app (`<group>-<appName>`, else the
/// deployment id), read from the pod's labels rather than from a Service lookup.
pub(crate) fn instance_attributes(pod: &Pod) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            attributes.insert(key.to_owned(), value);
        }
    };
    let metadata = &pod.metadata;
    let status = pod.status.as_ref();
    let labels = metadata.labels.as_ref();
    let label = |key: &str| labels.and_then(|l| l.get(key)).cloned();

    put("pod.name", metadata.name.clone());
    put(
        "pod.startTime",
        status
            .and_then(|s| s.start_time.as_ref())
            .and_then(|t| serde_json::to_value(t).ok())
            .and_then(|v| v.as_str().map(str::to_owned)),
    );
    put("pod.ip", status.and_then(|s| s.pod_ip.clone()));
    put("host.ip", status.and_then(|s| s.host_ip.clone()));
    put("phase", status.and_then(|s| s.phase.clone()));
    put("guid", metadata.uid.clone());
    put("spring.app.id", label(APP_ID));
    put("spring.deployment.id", label(DEPLOYMENT_ID));

    let liveness = app_container(pod)
        .and_then(|c| c.liveness_probe.as_ref())
        .and_then(|p| p.http_get.as_ref());
    let actuator_path = liveness
        .and_then(|get| get.path.as_deref())
        .and_then(parent_path)
        .unwrap_or_else(|| "/actuator".to_owned());
    let actuator_port = liveness
        .map(|get| match &get.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(port) => {
                port.to_string()
            }
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name) => name.clone(),
        })
        .unwrap_or_else(|| "8080".to_owned());
    put("actuator.path", Some(actuator_path));
    put("actuator.port", Some(actuator_port));
    put(
        "service.name",
        match (label(GROUP_ID), label(APPLICATION_NAME)) {
            (Some(group), Some(app)) => Some(format!("{group}-{app}")),
            (None, Some(app)) => Some(app),
            _ => label(DEPLOYMENT_ID),
        },
    );

    if let Some(container) = app_container_status(pod) {
        put(
            "container.restartCount",
            Some(container.restart_count.to_string()),
        );
        let last = container
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref());
        put(
            "container.lastState.terminated.exitCode",
            last.map(|t| t.exit_code.to_string()),
        );
        put(
            "container.lastState.terminated.reason",
            last.and_then(|t| t.reason.clone()),
        );
        let now = container.state.as_ref().and_then(|s| s.terminated.as_ref());
        put(
            "container.state.terminated.exitCode",
            now.map(|t| t.exit_code.to_string()),
        );
        put(
            "container.state.terminated.reason",
            now.and_then(|t| t.reason.clone()),
        );
    }
    attributes
}

/// The parent of an HTTP path (`/actuator/health` → `/actuator`, `/health` → `/`).
fn parent_path(path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let (parent, _) = trimmed.rsplit_once('/')?;
    Some(if parent.is_empty() { "/" } else { parent }.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeploymentState::*;
    use serde_json::json;

    /// A pod with phase `phase` whose app container (`app`, with the GUID variable; a sidecar
    /// `side` comes first) has the status `app` (merged into a default: not ready, no restarts).
    fn pod(phase: &str, app: Option<serde_json::Value>) -> Pod {
        let mut statuses = vec![
            json!({ "name": "side", "image": "x", "imageID": "", "ready": true, "restartCount": 0 }),
        ];
        if let Some(app) = app {
            let mut status = json!({ "name": "app", "image": "x", "imageID": "", "ready": false, "restartCount": 0 });
            for (key, value) in app.as_object().expect("an object") {
                status[key] = value.clone();
            }
            statuses.push(status);
        }
        serde_json::from_value(json!({
            "metadata": {
                "name": "s-app-v1-abc", "uid": "u-1",
                "labels": {
                    "spring-app-id": "s-app-v1", "spring-deployment-id": "s-app-v1",
                    "spring-group-id": "s", "spring-application-name": "app"
                }
            },
            "spec": { "containers": [
                { "name": "side" },
                { "name": "app", "env": [{ "name": GUID_ENV, "value": "g" }],
                  "livenessProbe": { "httpGet": { "path": "/manage/health", "port": 9000 } } }
            ] },
            "status": {
                "phase": phase, "podIP": "10.0.0.7", "hostIP": "10.1.0.1",
                "startTime": "2026-01-02T03:04:05Z",
                "containerStatuses": statuses
            }
        }))
        .expect("a pod")
    }

    fn terminated(code: i32, reason: &str) -> serde_json::Value {
        json!({ "terminated": { "exitCode": code, "reason": reason } })
    }

    #[test]
    fn pod_states_follow_every_rule_of_section_5_1() {
        let crash_back_off = json!({ "waiting": { "reason": "CrashLoopBackOff" } });
        let cases: Vec<(&str, &str, Option<serde_json::Value>, DeploymentState)> = vec![
            ("no status for the app container", "Running", None, Unknown),
            ("pending without container status", "Pending", None, Unknown),
            ("pending", "Pending", Some(json!({})), Deploying),
            ("failed", "Failed", Some(json!({})), Failed),
            ("succeeded", "Succeeded", Some(json!({})), Unknown),
            ("unknown phase", "Unknown", Some(json!({})), Unknown),
            ("other phase", "Whatever", Some(json!({})), Unknown),
            (
                "1: ready",
                "Running",
                Some(json!({ "ready": true, "restartCount": 9 })),
                Deployed,
            ),
            (
                "2: > 2 restarts, last exit 1",
                "Running",
                Some(json!({ "restartCount": 3, "lastState": terminated(1, "Error") })),
                Failed,
            ),
            (
                "2: > 2 restarts, last exit 137",
                "Running",
                Some(json!({ "restartCount": 3, "lastState": terminated(137, "OOMKilled") })),
                Failed,
            ),
            (
                "2: > 2 restarts, last exit 143",
                "Running",
                Some(json!({ "restartCount": 3, "lastState": terminated(143, "Completed") })),
                Failed,
            ),
            (
                "2: only 2 restarts",
                "Running",
                Some(json!({ "restartCount": 2, "lastState": terminated(1, "Error") })),
                Deploying,
            ),
            (
                "3: > 2 restarts, same Error exit twice",
                "Running",
                Some(json!({
                    "restartCount": 3,
                    "lastState": terminated(3, "Error"),
                    "state": terminated(3, "ContainerError"),
                })),
                Failed,
            ),
            (
                "3: different exit codes",
                "Running",
                Some(json!({
                    "restartCount": 3,
                    "lastState": terminated(3, "Error"),
                    "state": terminated(4, "Error"),
                })),
                Deploying,
            ),
            (
                "3: a reason without Error",
                "Running",
                Some(json!({
                    "restartCount": 3,
                    "lastState": terminated(3, "Error"),
                    "state": terminated(3, "Completed"),
                })),
                Deploying,
            ),
            (
                "4: > 4 restarts in CrashLoopBackOff",
                "Running",
                Some(json!({
                    "restartCount": 5,
                    "lastState": terminated(2, "Completed"),
                    "state": crash_back_off,
                })),
                Failed,
            ),
            (
                "4: only 4 restarts",
                "Running",
                Some(json!({
                    "restartCount": 4,
                    "lastState": terminated(2, "Completed"),
                    "state": crash_back_off,
                })),
                Deploying,
            ),
            (
                "4: no last termination",
                "Running",
                Some(json!({ "restartCount": 5, "state": crash_back_off })),
                Deploying,
            ),
            (
                "5: terminated without restarts",
                "Running",
                Some(json!({ "state": terminated(0, "Completed") })),
                Undeployed,
            ),
            (
                "6: starting",
                "Running",
                Some(json!({ "state": { "running": {} } })),
                Deploying,
            ),
            (
                "6: restarted once",
                "Running",
                Some(json!({ "restartCount": 1, "state": terminated(0, "Completed") })),
                Deploying,
            ),
        ];
        for (what, phase, app, expected) in cases {
            assert_eq!(instance_state(&pod(phase, app)), expected, "{what}");
        }
    }

    #[test]
    fn the_app_container_is_the_one_with_the_guid_else_the_first() {
        // The sidecar is ready, the app container is not: the app's state counts.
        assert_eq!(instance_state(&pod("Running", Some(json!({})))), Deploying);
        let mut pod = pod("Running", Some(json!({})));
        if let Some(spec) = pod.spec.as_mut() {
            for container in &mut spec.containers {
                container.env = None;
            }
        }
        assert_eq!(
            instance_state(&pod),
            Deployed,
            "the first container, `side`"
        );
    }

    #[test]
    fn attributes_are_scdf_s() {
        let pod = pod(
            "Running",
            Some(json!({
                "restartCount": 3,
                "lastState": terminated(1, "Error"),
                "state": terminated(1, "Error"),
            })),
        );
        let attributes = instance_attributes(&pod);
        let expected: BTreeMap<String, String> = [
            ("pod.name", "s-app-v1-abc"),
            ("pod.startTime", "2026-01-02T03:04:05Z"),
            ("pod.ip", "10.0.0.7"),
            ("host.ip", "10.1.0.1"),
            ("phase", "Running"),
            ("guid", "u-1"),
            ("spring.app.id", "s-app-v1"),
            ("spring.deployment.id", "s-app-v1"),
            ("actuator.path", "/manage"),
            ("actuator.port", "9000"),
            ("service.name", "s-app"),
            ("container.restartCount", "3"),
            ("container.lastState.terminated.exitCode", "1"),
            ("container.lastState.terminated.reason", "Error"),
            ("container.state.terminated.exitCode", "1"),
            ("container.state.terminated.reason", "Error"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(attributes, expected);
    }

    #[test]
    fn actuator_defaults_without_an_http_liveness_probe() {
        let mut pod = pod("Pending", None);
        if let Some(spec) = pod.spec.as_mut() {
            spec.containers[1].liveness_probe = None;
        }
        let attributes = instance_attributes(&pod);
        assert_eq!(attributes["actuator.path"], "/actuator");
        assert_eq!(attributes["actuator.port"], "8080");
        assert!(!attributes.contains_key("container.restartCount"));
        assert_eq!(parent_path("/health"), Some("/".to_owned()));
        assert_eq!(
            parent_path("/actuator/health/"),
            Some("/actuator".to_owned())
        );
        assert_eq!(parent_path("health"), None);
    }
}
