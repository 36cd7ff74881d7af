//! Requests and accessors shared by the integration tests.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use std::collections::BTreeMap;

use dataflow_core::app::AppType;
use dataflow_core::deployment::{AppDeploymentRequest, KUBERNETES_PREFIX};
use dataflow_deployer::Result;
use dataflow_deployer::kubernetes::{
    AppObjects, KubernetesPlatform, NoSecrets, Workload, render_app,
};
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodSpec, PodTemplateSpec, Service};

/// Builds an [`AppDeploymentRequest`].
#[derive(Debug, Clone)]
pub(crate) struct Request(pub(crate) AppDeploymentRequest);

/// A request as a bare deployer receives it: no group, no app name.
pub(crate) fn bare(definition_name: &str) -> Request {
    Request(AppDeploymentRequest {
        stream: "teststream".to_owned(),
        label: "app".to_owned(),
        registered_name: "app".to_owned(),
        app_type: AppType::Source,
        definition_name: definition_name.to_owned(),
        resource: "docker:springcloudstream/time-source-kafka:5.0.0".to_owned(),
        version: "5.0.0".to_owned(),
        group: None,
        app_name: None,
        instances: 1,
        indexed: false,
        app_properties: BTreeMap::new(),
        deployment_properties: BTreeMap::new(),
        command_line_args: Vec::new(),
    })
}

/// A request as dataflow's planner (like Skipper) produces it: group and app name set, the
/// definition name versioned.
pub(crate) fn stream_app(
    stream: &str,
    label: &str,
    registered_name: &str,
    resource: &str,
) -> Request {
    let mut request = bare(&format!("{label}-v1"));
    request.0.stream = stream.to_owned();
    request.0.label = label.to_owned();
    request.0.registered_name = registered_name.to_owned();
    request.0.resource = resource.to_owned();
    request.0.app_name = Some(label.to_owned());
    request.group(stream)
}

impl Request {
    /// A deployment property by its full key.
    pub(crate) fn deployer(mut self, key: &str, value: &str) -> Self {
        self.0
            .deployment_properties
            .insert(key.to_owned(), value.to_owned());
        self
    }

    /// A `spring.cloud.deployer.kubernetes.<key>` property.
    pub(crate) fn kube(self, key: &str, value: &str) -> Self {
        self.deployer(&format!("{KUBERNETES_PREFIX}{key}"), value)
    }

    pub(crate) fn group(mut self, group: &str) -> Self {
        self.0.group = Some(group.to_owned());
        self
    }

    pub(crate) fn count(mut self, count: u32) -> Self {
        self.0.instances = count;
        self
    }

    pub(crate) fn indexed(mut self) -> Self {
        self.0.indexed = true;
        self
    }

    pub(crate) fn app_property(mut self, key: &str, value: &str) -> Self {
        self.0
            .app_properties
            .insert(key.to_owned(), value.to_owned());
        self
    }

    pub(crate) fn arg(mut self, arg: &str) -> Self {
        self.0.command_line_args.push(arg.to_owned());
        self
    }

    pub(crate) fn render(&self) -> AppObjects {
        self.render_on(&KubernetesPlatform::default())
    }

    pub(crate) fn render_on(&self, platform: &KubernetesPlatform) -> AppObjects {
        self.try_render_on(platform)
            .unwrap_or_else(|error| panic!("render failed: {error}"))
    }

    pub(crate) fn try_render(&self) -> Result<AppObjects> {
        self.try_render_on(&KubernetesPlatform::default())
    }

    pub(crate) fn try_render_on(&self, platform: &KubernetesPlatform) -> Result<AppObjects> {
        render_app(&self.0, platform, &NoSecrets)
    }

    /// The error message of a render expected to fail.
    pub(crate) fn error(&self) -> String {
        self.error_on(&KubernetesPlatform::default())
    }

    pub(crate) fn error_on(&self, platform: &KubernetesPlatform) -> String {
        match self.try_render_on(platform) {
            Ok(_) => panic!("render unexpectedly succeeded"),
            Err(error) => error.to_string(),
        }
    }
}

/// A platform from `key, value` pairs.
pub(crate) fn platform(pairs: &[(&str, &str)]) -> KubernetesPlatform {
    let properties = pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    KubernetesPlatform::from_properties(&properties).unwrap_or_else(|error| panic!("{error}"))
}

pub(crate) fn service(objects: &AppObjects) -> &Service {
    &objects.service
}

pub(crate) fn deployment(objects: &AppObjects) -> &Deployment {
    match &objects.workload {
        Workload::Deployment(deployment) => deployment,
        Workload::StatefulSet(_) => panic!("expected a Deployment, got a StatefulSet"),
    }
}

pub(crate) fn stateful_set(objects: &AppObjects) -> &StatefulSet {
    match &objects.workload {
        Workload::StatefulSet(stateful_set) => stateful_set,
        Workload::Deployment(_) => panic!("expected a StatefulSet, got a Deployment"),
    }
}

pub(crate) fn template(objects: &AppObjects) -> &PodTemplateSpec {
    match &objects.workload {
        Workload::Deployment(deployment) => &deployment.spec.as_ref().unwrap().template,
        Workload::StatefulSet(stateful_set) => &stateful_set.spec.as_ref().unwrap().template,
    }
}

pub(crate) fn pod(objects: &AppObjects) -> &PodSpec {
    template(objects).spec.as_ref().unwrap()
}

pub(crate) fn container(objects: &AppObjects) -> &Container {
    &pod(objects).containers[0]
}

pub(crate) fn env(objects: &AppObjects) -> &[EnvVar] {
    container(objects).env.as_deref().unwrap_or_default()
}

pub(crate) fn env_names(objects: &AppObjects) -> Vec<&str> {
    env(objects).iter().map(|var| var.name.as_str()).collect()
}

/// The plain value of an environment variable.
pub(crate) fn env_value<'a>(objects: &'a AppObjects, name: &str) -> Option<&'a str> {
    env(objects)
        .iter()
        .find(|var| var.name == name)
        .and_then(|var| var.value.as_deref())
}

pub(crate) fn args(objects: &AppObjects) -> Vec<&str> {
    container(objects)
        .args
        .iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

pub(crate) fn container_ports(objects: &AppObjects) -> Vec<i32> {
    container(objects)
        .ports
        .iter()
        .flatten()
        .map(|port| port.container_port)
        .collect()
}

/// `[(k, v)]` as an owned map, for comparisons.
pub(crate) fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// Server-level settings of the Kubernetes platform covering every setting of the deployer
/// property table that applies to stream apps (HTTP probes; TCP and COMMAND probes have their
/// own tests). Shared by the app-level and the stream-level "every property" snapshots.
pub(crate) const EVERY_SERVER_SETTING: &[(&str, &str)] = &[
    ("namespace", "streams"),
    ("imagePullPolicy", "IfNotPresent"),
    ("imagePullSecret", "regcred"),
    ("imagePullSecrets", "['server-one', 'server-two']"),
    ("entryPointStyle", "shell"),
    (
        "environmentVariables",
        "JAVA_TOOL_OPTIONS='-Xss1m,-Xmx512m',LOG_LEVEL=debug,DEBUG=yes",
    ),
    ("limits.cpu", "2"),
    ("limits.memory", "1Gi"),
    ("limits.ephemeral-storage", "2Gi"),
    ("limits.hugepages-2Mi", "40Mi"),
    ("limits.hugepages-1Gi", "2Gi"),
    ("limits.gpuVendor", "nvidia.com/gpu"),
    ("limits.gpuCount", "1"),
    ("requests.cpu", "500m"),
    ("requests.memory", "512Mi"),
    ("requests.ephemeral-storage", "1Gi"),
    ("requests.hugepages-2Mi", "40Mi"),
    ("requests.hugepages-1Gi", "2Gi"),
    ("livenessHttpProbeDelay", "20"),
    ("livenessHttpProbePeriod", "30"),
    ("livenessHttpProbeTimeout", "4"),
    ("livenessHttpProbeFailure", "5"),
    ("livenessHttpProbeSuccess", "1"),
    ("readinessHttpProbePort", "8081"),
    ("startupProbeScheme", "HTTPS"),
    ("startupHttpProbeFailure", "40"),
    ("probeType", "HTTP"),
    ("probeCredentialsSecret", "server-probe-credentials"),
    ("createLoadBalancer", "true"),
    (
        "serviceAnnotations",
        "service.beta.kubernetes.io/aws-load-balancer-internal:true",
    ),
    ("podAnnotations", "replaced-by:the-app"),
    ("deploymentLabels", "team:streams,cost-center:cc1"),
    ("nodeSelector", "disktype:ssd"),
    (
        "tolerations",
        "[{key: dedicated, operator: Equal, value: streams, effect: NoSchedule}, {key: spot, operator: Exists}]",
    ),
    (
        "nodeAffinity",
        "{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}]}]}}",
    ),
    (
        "volumes",
        "[{name: shared, emptyDir: {}}, {name: unused, emptyDir: {}}, {name: certs, secret: {secretName: tls-certs}}]",
    ),
    (
        "volumeMounts",
        "[{name: certs, mountPath: /etc/certs, readOnly: true}]",
    ),
    ("hostNetwork", "false"),
    ("deploymentServiceAccountName", "server-account"),
    ("restartPolicy", "Always"),
    ("terminationGracePeriodSeconds", "60"),
    ("shareProcessNamespace", "true"),
    ("priorityClassName", "server-priority"),
    ("podSecurityContext", "{runAsUser: 1000, fsGroup: 1000}"),
    ("containerSecurityContext", "{runAsUser: 1000}"),
    ("secretRefs", "[server-secret]"),
    ("configMapRefs", "server-config"),
    (
        "secretKeyRefs",
        "[{envVarName: DB_PASSWORD, secretName: db, dataKey: password}, {envVarName: API_KEY, secretName: api, dataKey: key}]",
    ),
    (
        "configMapKeyRefs",
        "[{envVarName: REGION, configMapName: cluster-info, dataKey: region}]",
    ),
    (
        "initContainer",
        "{imageName: 'busybox:1.36', containerName: wait-for-broker, commands: [sh, -c, 'until nc -z kafka 9092; do sleep 1; done']}",
    ),
    (
        "initContainers",
        "[{image: 'busybox:1.36', name: server-init-0, command: [sh, -c, 'echo replaced by the app']}, \
          {image: 'busybox:1.36', name: server-init-1, command: [sh, -c, 'echo kept']}]",
    ),
    (
        "additionalContainers",
        "[{name: log-shipper, image: 'fluent/fluent-bit:3.0', volumeMounts: [{name: shared, mountPath: /logs}]}]",
    ),
    ("lifecycle.preStop.exec.command", "sh,-c,sleep 5"),
    (
        "statefulSet.volumeClaimTemplate.storageClassName",
        "standard",
    ),
    ("statefulSetInitContainerImageName", "busybox:1.36"),
    ("appAdmin.user", "admin"),
    ("appAdmin.password", "admin-password"),
    // Status tracking settings: accepted and checked, not rendered.
    ("maxTerminatedErrorRestarts", "3"),
    ("maxCrashLoopBackOffRestarts", "5"),
    ("minutesToWaitForLoadBalancer", "5"),
];

/// Per-app settings (keys under `spring.cloud.deployer.kubernetes.`) covering every per-app
/// property of the table, for an app labelled `router` of a stream `orders`, deployed as a
/// StatefulSet (so the volume claim template applies).
pub(crate) const EVERY_APP_SETTING: &[(&str, &str)] = &[
    ("imagePullPolicy", "Always"),
    ("imagePullSecret", "app-regcred"),
    ("imagePullSecrets", "[app-one]"),
    ("entryPointStyle", "exec"),
    ("environmentVariables", "LOG_LEVEL=info,FEATURE_FLAGS='a,b'"),
    ("limits.memory", "2Gi"),
    ("limits.gpuCount", "2"),
    ("requests.memory", "1Gi"),
    ("limits.ephemeral-storage", "4Gi"),
    ("livenessHttpProbePath", "/actuator/liveness"),
    ("livenessHttpProbePort", "9001"),
    ("readinessHttpProbeDelay", "5"),
    ("readinessHttpProbePeriod", "15"),
    ("readinessHttpProbeTimeout", "3"),
    ("readinessHttpProbeFailure", "6"),
    ("readinessHttpProbeSuccess", "2"),
    ("readinessHttpProbeScheme", "HTTP"),
    ("startupHttpProbeDelay", "10"),
    ("startupProbePeriod", "5"),
    ("livenessHttpProbeScheme", "HTTPS"),
    ("bootMajorVersion", "1"),
    ("probeCredentialsSecret", "probe-credentials"),
    ("createNodePort", "31000"),
    ("servicePorts", "9000,9100"),
    ("containerPorts", "9100"),
    ("containerCommand", "java -jar /app.jar"),
    (
        "podAnnotations",
        "prometheus.io/scrape:true,prometheus.io/port:9000",
    ),
    ("deploymentLabels", "tier:backend"),
    ("nodeSelector", "disktype:ssd,zone:a"),
    (
        "tolerations",
        "[{key: spot, operator: Equal, value: 'no', effect: NoSchedule}]",
    ),
    (
        "affinity.podAffinity",
        "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 50, podAffinityTerm: {labelSelector: {matchLabels: {app: kafka}}, topologyKey: kubernetes.io/hostname}}]}",
    ),
    (
        "affinity.podAntiAffinity",
        "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {labelSelector: {matchLabels: {spring-application-name: router}}, topologyKey: kubernetes.io/hostname}}]}",
    ),
    (
        "volumes",
        "[{name: data, persistentVolumeClaim: {claimName: router-data, readOnly: 'true'}}]",
    ),
    (
        "volumeMounts",
        "[{name: data, mountPath: /data}, {name: router, mountPath: /state}]",
    ),
    ("hostNetwork", "true"),
    ("deploymentServiceAccountName", "router-account"),
    ("restartPolicy", "Always"),
    ("terminationGracePeriodSeconds", "30"),
    ("shareProcessNamespace", "false"),
    ("priorityClassName", "high-priority"),
    (
        "podSecurityContext",
        "{runAsUser: 2000, runAsGroup: 2000, runAsNonRoot: true, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}",
    ),
    (
        "containerSecurityContext",
        "{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}",
    ),
    ("secretRefs", "[app-secret]"),
    ("configMapRefs", "[app-config, app-config-extra]"),
    (
        "secretKeyRefs",
        "[{envVarName: DB_PASSWORD, secretName: router-db, dataKey: password}]",
    ),
    (
        "configMapKeyRefs",
        "[{envVarName: ZONE, configMapName: cluster-info, dataKey: zone}]",
    ),
    (
        "initContainers",
        "[{imageName: 'busybox:1.36', containerName: app-init, commands: 'sh,-c,echo app', environmentVariables: ['MODE=init'], environmentVariablesFromFieldRefs: ['POD_NAME=metadata.name'], configMapRefEnvVars: [app-config], secretRefEnvVars: [app-secret], volumeMounts: [{name: data, mountPath: /data}]}]",
    ),
    (
        "additionalContainers",
        "[{name: metrics-proxy, image: 'prom/pushgateway:v1.9.0', ports: [{containerPort: 9091}]}]",
    ),
    ("lifecycle.postStart.exec.command", "sh,-c,echo started"),
    ("statefulSet.volumeClaimTemplate.name", "router"),
    ("statefulSet.volumeClaimTemplate.storage", "1g"),
];

/// The `credentials` of the Secrets named by `probeCredentialsSecret` in
/// [`EVERY_APP_SETTING`] and [`EVERY_SERVER_SETTING`].
pub(crate) fn probe_secrets() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "probe-credentials".to_owned(),
            "dXNlcjpwYXNzd29yZA==".to_owned(),
        ),
        (
            "server-probe-credentials".to_owned(),
            "c2VydmVyOnNlY3JldA==".to_owned(),
        ),
    ])
}
