//! Rendered YAML of representative apps, reviewed by eye and pinned with insta. The schema test
//! (`tests/schema.rs`) validates every snapshot against the Kubernetes API schema.

mod support;

use dataflow_deployer::kubernetes::{render_app, to_multi_doc_yaml};
use support::*;

/// The app properties dataflow's planner adds to every stream app.
fn planned(request: Request, stream: &str, label: &str, app_type: &str) -> Request {
    request
        .app_property("spring.cloud.dataflow.stream.name", stream)
        .app_property("spring.cloud.dataflow.stream.app.label", label)
        .app_property("spring.cloud.dataflow.stream.app.type", app_type)
}

#[test]
fn plain_source_app() {
    let request = stream_app(
        "ticktock",
        "time",
        "time",
        "docker:springcloudstream/time-source-kafka:5.0.0",
    )
    .app_property(
        "spring.cloud.stream.bindings.output.destination",
        "ticktock.time",
    );
    let objects = planned(request, "ticktock", "time", "source").render();
    insta::assert_snapshot!("plain_source_app", objects.to_yaml().unwrap());
}

#[test]
fn indexed_app_with_count_3() {
    let request = stream_app(
        "ticktock",
        "log",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .count(3)
    .indexed()
    .app_property(
        "spring.cloud.stream.bindings.input.destination",
        "ticktock.time",
    )
    .app_property(
        "spring.cloud.stream.bindings.input.consumer.partitioned",
        "true",
    )
    .app_property("spring.cloud.stream.instanceCount", "3");
    let objects = planned(request, "ticktock", "log", "sink").render();
    insta::assert_snapshot!("indexed_app_with_count_3", objects.to_yaml().unwrap());
}

/// Every property of the deployer table that applies to stream apps, set at server level, per
/// app, or both (where both apply, to show how they combine). HTTP probes; TCP and COMMAND
/// probes have their own snapshots below.
#[test]
fn every_property() {
    let server = platform(&[
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
    ]);
    let request = stream_app("orders", "router", "router", "docker:springcloudstream/router-sink-kafka:5.0.0")
        .count(2)
        .indexed()
        .app_property("server.port", "9000")
        .app_property("router.expression", "headers['type']")
        .arg("--logging.level.root=info")
        .kube("imagePullPolicy", "Always")
        .kube("imagePullSecret", "app-regcred")
        .kube("imagePullSecrets", "[app-one]")
        .kube("entryPointStyle", "exec")
        .kube("environmentVariables", "LOG_LEVEL=info,FEATURE_FLAGS='a,b'")
        .kube("limits.memory", "2Gi")
        .kube("limits.gpuCount", "2")
        .kube("requests.memory", "1Gi")
        .kube("limits.ephemeral-storage", "4Gi")
        .kube("livenessHttpProbePath", "/actuator/liveness")
        .kube("livenessHttpProbePort", "9001")
        .kube("readinessHttpProbeDelay", "5")
        .kube("readinessHttpProbePeriod", "15")
        .kube("readinessHttpProbeTimeout", "3")
        .kube("readinessHttpProbeFailure", "6")
        .kube("readinessHttpProbeSuccess", "2")
        .kube("readinessHttpProbeScheme", "HTTP")
        .kube("startupHttpProbeDelay", "10")
        .kube("startupProbePeriod", "5")
        .kube("livenessHttpProbeScheme", "HTTPS")
        .kube("bootMajorVersion", "1")
        .kube("probeCredentialsSecret", "probe-credentials")
        .kube("createNodePort", "31000")
        .kube("servicePorts", "9000,9100")
        .kube("containerPorts", "9100")
        .kube("containerCommand", "java -jar /app.jar")
        .kube("podAnnotations", "prometheus.io/scrape:true,prometheus.io/port:9000")
        .kube("deploymentLabels", "tier:backend")
        .kube("nodeSelector", "disktype:ssd,zone:a")
        .kube("tolerations", "[{key: spot, operator: Equal, value: 'no', effect: NoSchedule}]")
        .kube("affinity.podAffinity", "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 50, podAffinityTerm: {labelSelector: {matchLabels: {app: kafka}}, topologyKey: kubernetes.io/hostname}}]}")
        .kube("affinity.podAntiAffinity", "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {labelSelector: {matchLabels: {spring-application-name: router}}, topologyKey: kubernetes.io/hostname}}]}")
        .kube("volumes", "[{name: data, persistentVolumeClaim: {claimName: router-data, readOnly: 'true'}}]")
        .kube("volumeMounts", "[{name: data, mountPath: /data}, {name: router, mountPath: /state}]")
        .kube("hostNetwork", "true")
        .kube("deploymentServiceAccountName", "router-account")
        .kube("restartPolicy", "Always")
        .kube("terminationGracePeriodSeconds", "30")
        .kube("shareProcessNamespace", "false")
        .kube("priorityClassName", "high-priority")
        .kube("podSecurityContext", "{runAsUser: 2000, runAsGroup: 2000, runAsNonRoot: true, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}")
        .kube("containerSecurityContext", "{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}")
        .kube("secretRefs", "[app-secret]")
        .kube("configMapRefs", "[app-config, app-config-extra]")
        .kube("secretKeyRefs", "[{envVarName: DB_PASSWORD, secretName: router-db, dataKey: password}]")
        .kube("configMapKeyRefs", "[{envVarName: ZONE, configMapName: cluster-info, dataKey: zone}]")
        .kube("initContainers", "[{imageName: 'busybox:1.36', containerName: app-init, commands: 'sh,-c,echo app', environmentVariables: ['MODE=init'], environmentVariablesFromFieldRefs: ['POD_NAME=metadata.name'], configMapRefEnvVars: [app-config], secretRefEnvVars: [app-secret], volumeMounts: [{name: data, mountPath: /data}]}]")
        .kube("additionalContainers", "[{name: metrics-proxy, image: 'prom/pushgateway:v1.9.0', ports: [{containerPort: 9091}]}]")
        .kube("lifecycle.postStart.exec.command", "sh,-c,echo started")
        .kube("statefulSet.volumeClaimTemplate.name", "router")
        .kube("statefulSet.volumeClaimTemplate.storage", "1g");
    let request = planned(request, "orders", "router", "sink");
    let secrets = std::collections::BTreeMap::from([(
        "probe-credentials".to_owned(),
        "dXNlcjpwYXNzd29yZA==".to_owned(),
    )]);
    let objects = render_app(&request.0, &server, &secrets).unwrap();
    insta::assert_snapshot!("every_property", objects.to_yaml().unwrap());
}

#[test]
fn tcp_probes() {
    let objects = stream_app(
        "orders",
        "audit",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .kube("probeType", "TCP")
    .kube("livenessTcpProbePort", "8080")
    .kube("livenessTcpProbeDelay", "15")
    .kube("livenessTcpProbePeriod", "20")
    .kube("livenessTcpProbeTimeout", "2")
    .kube("livenessTcpProbeFailure", "4")
    .kube("livenessTcpProbeSuccess", "1")
    .kube("readinessTcpProbePort", "8081")
    .kube("startupTcpProbePort", "8081")
    .render();
    insta::assert_snapshot!("tcp_probes", objects.to_yaml().unwrap());
}

#[test]
fn command_probes() {
    let server = platform(&[
        ("probeType", "COMMAND"),
        ("livenessCommandProbeCommand", "sh -c 'test -f /tmp/alive'"),
        ("readinessCommandProbeCommand", "cat /tmp/ready"),
        ("startupCommandProbeCommand", "cat /tmp/started"),
        ("startupCommandProbeFailure", "30"),
    ]);
    let objects = stream_app(
        "orders",
        "audit",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .kube("readinessCommandProbePeriod", "5")
    .kube("livenessCommandProbeTimeout", "3")
    .render_on(&server);
    insta::assert_snapshot!("command_probes", objects.to_yaml().unwrap());
}

#[test]
fn whole_stream_as_one_yaml() {
    let time = stream_app(
        "ticktock",
        "time",
        "time",
        "docker:springcloudstream/time-source-kafka:5.0.0",
    )
    .render();
    let log = stream_app(
        "ticktock",
        "log",
        "log",
        "docker:springcloudstream/log-sink-kafka:5.0.0",
    )
    .render();
    let yaml = to_multi_doc_yaml(&[time, log]).unwrap();
    assert_eq!(yaml.matches("---\n").count(), 4);
    let kinds: Vec<&str> = yaml
        .lines()
        .filter(|line| line.starts_with("kind: "))
        .collect();
    assert_eq!(
        kinds,
        [
            "kind: Service",
            "kind: Deployment",
            "kind: Service",
            "kind: Deployment"
        ]
    );
}
