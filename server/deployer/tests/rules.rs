//! Rules beyond SCDF's checklist: our stricter checks, our labels and the error messages.

mod support;

use proptest::prelude::*;
use support::*;

// ---------------------------------------------------------------- Service type

fn service_type(objects: &dataflow_deployer::kubernetes::AppObjects) -> Option<String> {
    service(objects).spec.clone().unwrap().type_
}

#[test]
fn node_port_and_load_balancer() {
    let error = bare("a")
        .kube("createNodePort", "true")
        .kube("createLoadBalancer", "false")
        .error();
    assert!(
        error.contains("cannot be a NodePort and a LoadBalancer at the same time"),
        "{error}"
    );
    assert!(
        error.contains("`spring.cloud.deployer.kubernetes.createNodePort`"),
        "{error}"
    );

    let server = platform(&[("createLoadBalancer", "true")]);
    assert_eq!(
        service_type(&bare("a").render_on(&server)).as_deref(),
        Some("LoadBalancer")
    );
    let node_port = bare("a").kube("createNodePort", "true").render_on(&server);
    assert_eq!(service_type(&node_port).as_deref(), Some("NodePort"));
    assert_eq!(
        service(&node_port).spec.clone().unwrap().ports.unwrap()[0].node_port,
        None
    );
    let explicit = bare("a").kube("createNodePort", "30080").render();
    assert_eq!(
        service(&explicit).spec.clone().unwrap().ports.unwrap()[0].node_port,
        Some(30080)
    );
    let cluster_ip = bare("a")
        .kube("createLoadBalancer", "false")
        .render_on(&server);
    assert_eq!(service_type(&cluster_ip), None);

    let error = bare("a").kube("createNodePort", "sure").error();
    assert!(
        error.contains("`sure` is not valid; expected `true` (any node port) or a port number"),
        "{error}"
    );
}

// ---------------------------------------------------------------- Keys

#[test]
fn unknown_per_app_kubernetes_keys_are_errors_and_other_deployer_keys_are_ignored() {
    let error = bare("a").kube("imagePullPolicee", "Always").error();
    assert!(
        error.starts_with("unknown property `spring.cloud.deployer.kubernetes.imagePullPolicee`"),
        "{error}"
    );
    assert!(error.contains("did you mean `imagePullPolicy`?"), "{error}");
    let objects = bare("a")
        .deployer("spring.cloud.deployer.memory", "2048m")
        .deployer("spring.cloud.deployer.cpu", "2")
        .deployer("spring.cloud.deployer.disk", "1g")
        .deployer("spring.cloud.deployer.local.javaOpts", "-Xmx1g")
        .render();
    assert!(container(&objects).resources.is_none());
    let error = bare("a").kube("namespace", "other").error();
    assert!(
        error.contains("can only be set in the server's platform settings"),
        "{error}"
    );
}

/// Planning resolves the generic keys (and checks them, see `dataflow-core`'s planning tests);
/// the deployer reads the request's typed fields and refuses the keys as text.
#[test]
fn generic_keys_are_typed_fields() {
    let objects = bare("a").count(2).render();
    assert_eq!(deployment(&objects).spec.clone().unwrap().replicas, Some(2));
    for key in [
        "spring.cloud.deployer.count",
        "spring.cloud.deployer.indexed",
        "SPRING_CLOUD_DEPLOYER_GROUP",
        "spring.cloud.deployer.app-name",
    ] {
        let error = bare("a").deployer(key, "2").error();
        assert!(
            error.starts_with(&format!("unknown property `{key}`: a generic deployer key")),
            "{error}"
        );
    }
    let error = bare("a").count(u32::MAX).error();
    assert!(
        error.starts_with(
            "invalid value for `spring.cloud.deployer.count`: 4294967295 is out of range"
        ),
        "{error}"
    );
}

// ---------------------------------------------------------------- Names

#[test]
fn names_must_follow_kubernetes_rules() {
    let error = bare("a_b").error();
    assert!(
        error.starts_with(
            "invalid deployment id `a_b` (from the definition name): must be a DNS-1123 label"
        ),
        "{error}"
    );
    let long = "a".repeat(60);
    let error = bare(&long).group("stream").error();
    assert!(error.contains("DNS-1123 label"), "{error}");
    // Services names must start with a letter (DNS-1035).
    let error = stream_app("1stream", "log", "log", "docker:a/b:1").error();
    assert!(
        error.starts_with("invalid Service name `1stream-log`"),
        "{error}"
    );
    assert!(
        error.contains("`spring.cloud.deployer.group` and `spring.cloud.deployer.appName`"),
        "{error}"
    );
    // A StatefulSet name is at most 52 characters.
    let name = "a".repeat(53);
    assert!(bare(&name).render().workload.name().len() == 53);
    let error = bare(&name).indexed().error();
    assert!(
        error.contains("at most 52 characters for a StatefulSet"),
        "{error}"
    );

    let mut request = bare("a");
    request.0.registered_name = "my/app".to_owned();
    let error = request.error();
    assert!(
        error.starts_with("invalid label value `my/app` (from the registered app name)"),
        "{error}"
    );
}

#[test]
fn only_docker_resources_run() {
    let mut request = bare("a");
    request.0.resource =
        "maven://org.springframework.cloud.stream.app:log-sink-kafka:5.0.0".to_owned();
    let error = request.error();
    assert!(error.contains("is not a Docker image"), "{error}");
}

#[test]
fn server_port_must_be_a_port() {
    let error = bare("a").app_property("server.port", "${PORT}").error();
    assert!(
        error.starts_with("invalid value for `server.port`"),
        "{error}"
    );
}

// ---------------------------------------------------------------- Labels

#[test]
fn our_labels_are_everywhere_but_in_selectors() {
    let objects = stream_app("ticktock", "log", "log-sink", "docker:a/b:1")
        .indexed()
        .kube("deploymentLabels", "team:a")
        .render_on(&platform(&[("namespace", "apps")]));
    let stateful_set = stateful_set(&objects);
    let claim = stateful_set
        .spec
        .clone()
        .unwrap()
        .volume_claim_templates
        .unwrap()[0]
        .clone();
    for labels in [
        service(&objects).metadata.labels.clone().unwrap(),
        stateful_set.metadata.labels.clone().unwrap(),
        template(&objects).metadata.clone().unwrap().labels.unwrap(),
        claim.metadata.labels.unwrap(),
    ] {
        assert_eq!(labels["app.kubernetes.io/managed-by"], "dataflow");
        assert_eq!(labels["app.kubernetes.io/part-of"], "ticktock");
        assert_eq!(labels["app.kubernetes.io/component"], "log");
        assert_eq!(labels["app.kubernetes.io/name"], "log-sink");
    }
    let selector = stateful_set
        .spec
        .clone()
        .unwrap()
        .selector
        .match_labels
        .unwrap();
    assert!(
        selector
            .keys()
            .all(|key| !key.starts_with("app.kubernetes.io/"))
    );
    let service_selector = service(&objects).spec.clone().unwrap().selector.unwrap();
    assert_eq!(
        service_selector,
        map(&[
            ("spring-application-name", "log"),
            ("spring-group-id", "ticktock")
        ])
    );
    assert_eq!(
        service(&objects).metadata.namespace.as_deref(),
        Some("apps")
    );
    assert_eq!(stateful_set.metadata.namespace.as_deref(), Some("apps"));
    assert_eq!(bare("a").render().service.metadata.namespace, None);
}

#[test]
fn deployment_labels_cannot_override_the_deployers_labels() {
    for label in [
        "role:x",
        "spring-app-id:x",
        "app.kubernetes.io/managed-by:me",
    ] {
        let error = bare("a").kube("deploymentLabels", label).error();
        assert!(error.contains("is set by the deployer"), "{error}");
    }
    let server = platform(&[("deploymentLabels", "team:server,tier:web")]);
    let objects = bare("a")
        .kube("deploymentLabels", "team:app")
        .render_on(&server);
    let labels = deployment(&objects).metadata.labels.clone().unwrap();
    assert_eq!(
        (labels["team"].as_str(), labels["tier"].as_str()),
        ("app", "web")
    );
    let error = bare("a").kube("deploymentLabels", "team:not valid").error();
    assert!(error.contains("invalid label value `not valid`"), "{error}");
    let error = bare("a").kube("podAnnotations", "bad key:x").error();
    assert!(
        error.contains("invalid annotation key `bad key`"),
        "{error}"
    );
}

// ---------------------------------------------------------------- Pod checks

#[test]
fn mounts_must_name_a_volume() {
    let error = bare("a")
        .kube("volumeMounts", "[{name: nowhere, mountPath: /x}]")
        .error();
    assert!(
        error.contains("`spring.cloud.deployer.kubernetes.volumeMounts`"),
        "{error}"
    );
    assert!(
        error.contains("mounts the volume `nowhere`, which no `volumes` entry defines"),
        "{error}"
    );
    // The StatefulSet's claim template can be mounted by name.
    let objects = bare("a")
        .indexed()
        .kube("volumeMounts", "[{name: a, mountPath: /data}]")
        .render();
    assert!(
        container(&objects)
            .volume_mounts
            .clone()
            .unwrap()
            .iter()
            .any(|mount| mount.name == "a")
    );
    // `config` is the StatefulSet's own volume.
    let error = bare("a")
        .indexed()
        .kube("volumes", "[{name: config, emptyDir: {}}]")
        .kube("volumeMounts", "[{name: config, mountPath: /c}]")
        .error();
    assert!(
        error.contains("reserved for the deployer's own volume"),
        "{error}"
    );
}

#[test]
fn container_names_must_be_unique() {
    let error = bare("a")
        .kube("additionalContainers", "[{name: a, image: busybox}]")
        .error();
    assert!(
        error.contains("both define a container named `a`"),
        "{error}"
    );
    let error = bare("a")
        .indexed()
        .kube("initContainer", "{name: index-provider, image: busybox}")
        .error();
    assert!(error.contains("`index-provider`"), "{error}");
}

#[test]
fn init_container_keys_must_be_complete_and_consistent() {
    let error = bare("a").kube("initContainer.imageName", "busybox").error();
    assert!(
        error.starts_with("missing property `spring.cloud.deployer.kubernetes.initContainer.name`"),
        "{error}"
    );
    let error = bare("a")
        .kube("initContainers[0]", "{name: a0, image: busybox}")
        .kube("initContainers[2]", "{name: a2, image: busybox}")
        .error();
    assert!(error.contains("initContainers[1]"), "{error}");
    let error = bare("a")
        .kube("initContainers", "[{name: a0, image: busybox}]")
        .kube("initContainers[0]", "{name: a1, image: busybox}")
        .error();
    assert!(
        error.contains("either as one YAML list or as indexed entries"),
        "{error}"
    );
    let error = bare("a")
        .kube("initContainer", "{name: a0, image: busybox}")
        .kube("initContainer.image", "busybox")
        .error();
    assert!(
        error.contains("either as one YAML value or as flattened keys"),
        "{error}"
    );
    let error = bare("a")
        .kube("initContainer", "{name: a0, image: busybox, colour: red}")
        .error();
    assert!(error.contains("unknown field `colour`"), "{error}");
}

#[test]
fn server_init_containers_fill_in_by_position() {
    let server = platform(&[(
        "initContainers",
        "[{name: s0, image: busybox}, {name: s1, image: busybox}, {name: s2, image: busybox}]",
    )]);
    let objects = bare("a")
        .kube("initContainers[0]", "{name: a0, image: busybox}")
        .render_on(&server);
    let names: Vec<String> = pod(&objects)
        .init_containers
        .clone()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["a0", "s1", "s2"]);
}

#[test]
fn init_container_variables_are_split_once_at_their_first_equals() {
    let objects = bare("a")
        .kube(
            "initContainer",
            "{name: i, image: busybox, environmentVariables: ['PROFILES=a,b', 'HOSTS=a=1,b=2']}",
        )
        .render();
    let env: Vec<(String, Option<String>)> = pod(&objects).init_containers.clone().unwrap()[0]
        .env
        .clone()
        .unwrap()
        .into_iter()
        .map(|var| (var.name, var.value))
        .collect();
    assert_eq!(
        env,
        [
            ("PROFILES".to_owned(), Some("a,b".to_owned())),
            ("HOSTS".to_owned(), Some("a=1,b=2".to_owned())),
        ]
    );
    // The flattened form is a comma-separated text: one variable per piece.
    let flattened = bare("a")
        .kube("initContainer.name", "i")
        .kube("initContainer.image", "busybox")
        .kube("initContainer.environmentVariables", "A=1,B=2")
        .render();
    let names: Vec<String> = pod(&flattened).init_containers.clone().unwrap()[0]
        .env
        .clone()
        .unwrap()
        .into_iter()
        .map(|var| var.name)
        .collect();
    assert_eq!(names, ["A", "B"]);
}

#[test]
fn environment_variables_are_defined_once() {
    let error = bare("a")
        .kube("environmentVariables", "DB_PASSWORD=hunter2")
        .kube(
            "secretKeyRefs",
            "[{envVarName: DB_PASSWORD, secretName: db, dataKey: password}]",
        )
        .error();
    assert!(
        error.contains("both define the environment variable `DB_PASSWORD`"),
        "{error}"
    );
    assert!(!error.contains("hunter2"), "{error}");
    let error = bare("a")
        .kube("environmentVariables", "SPRING_CLOUD_APPLICATION_GUID=x")
        .error();
    assert!(error.contains("which the deployer sets"), "{error}");
    let error = bare("a")
        .kube("entryPointStyle", "shell")
        .arg("--novalue")
        .error();
    assert!(error.contains("`--novalue` is not"), "{error}");
    // The shell style's variables replace same-named plain variables.
    let objects = bare("a")
        .kube("entryPointStyle", "shell")
        .kube("environmentVariables", "SERVER_PORT=1")
        .app_property("server.port", "9000")
        .render();
    assert_eq!(env_value(&objects, "SERVER_PORT"), Some("9000"));
}

#[test]
fn app_admin_credentials_reach_every_entry_point_style() {
    let server = platform(&[("appAdmin.user", "admin"), ("appAdmin.password", "pw")]);
    let exec = bare("a").render_on(&server);
    assert_eq!(
        args(&exec),
        [
            "--spring.cloud.streamapp.security.admin-user=admin",
            "--spring.cloud.streamapp.security.admin-password=pw"
        ]
    );
    let shell = bare("a")
        .kube("entryPointStyle", "shell")
        .render_on(&server);
    assert_eq!(
        env_value(&shell, "spring.cloud.streamapp.security.admin-user"),
        Some("admin")
    );
    let boot = bare("a").kube("entryPointStyle", "boot").render_on(&server);
    let json = env_value(&boot, "SPRING_APPLICATION_JSON").unwrap();
    assert!(
        json.contains(r#""spring.cloud.streamapp.security.admin-password":"pw""#),
        "{json}"
    );
}

#[test]
fn liveness_and_startup_need_a_success_threshold_of_1() {
    let error = bare("a").kube("livenessHttpProbeSuccess", "2").error();
    assert!(
        error.contains("success threshold of 1 for liveness probes"),
        "{error}"
    );
    let error = bare("a").kube("startupProbeSuccess", "3").error();
    assert!(
        error.contains("`spring.cloud.deployer.kubernetes.startupProbeSuccess`"),
        "{error}"
    );
}

#[test]
fn yaml_documents_are_complete_and_null_free() {
    let yaml = stream_app("ticktock", "log", "log", "docker:a/b:1")
        .indexed()
        .render()
        .to_yaml()
        .unwrap();
    assert!(
        yaml.starts_with("---\napiVersion: v1\nkind: Service\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("---\napiVersion: apps/v1\nkind: StatefulSet\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("null"), "{yaml}");
    let documents: Vec<&str> = yaml
        .split("---\n")
        .filter(|document| !document.is_empty())
        .collect();
    assert_eq!(documents.len(), 2);
    for document in documents {
        let parsed: serde_yaml::Value = serde_yaml::from_str(document).unwrap();
        assert!(parsed.get("apiVersion").is_some() && parsed.get("kind").is_some());
    }
}

// ---------------------------------------------------------------- No panics

const KEYS: &[&str] = &[
    "imagePullPolicy",
    "environmentVariables",
    "limits.cpu",
    "tolerations",
    "volumes",
    "volumeMounts",
    "initContainer",
    "initContainers",
    "initContainers[0]",
    "initContainers[1].image",
    "additionalContainers",
    "podSecurityContext",
    "containerSecurityContext",
    "secretKeyRefs",
    "deploymentLabels",
    "podAnnotations",
    "nodeSelector",
    "probeType",
    "livenessTcpProbePort",
    "containerCommand",
    "createNodePort",
    "servicePorts",
    "statefulSet.volumeClaimTemplate.storage",
    "affinity.nodeAffinity",
    "lifecycle.postStart.exec.command",
    "imagePullSecrets",
    "unknownKey",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the per-app properties, rendering returns objects or an error; it never panics.
    #[test]
    fn rendering_never_panics(
        properties in proptest::collection::vec(
            (proptest::sample::select(KEYS), "[\\[\\]{}:,=' a-zA-Z0-9./_-]{0,40}"),
            0..6,
        ),
        indexed in any::<bool>(),
        args in proptest::collection::vec("[-=a-z.]{0,10}", 0..3),
    ) {
        let mut request = bare("a");
        if indexed {
            request = request.indexed();
        }
        for (key, value) in properties {
            request = request.kube(key, &value);
        }
        for arg in args {
            request = request.arg(&arg);
        }
        if let Ok(objects) = request.try_render() {
            prop_assert!(objects.to_yaml().is_ok());
        }
    }
}
