//! `POST /streams/deployments/{name}/manifest`: a stored stream, planned with the deployment
//! properties of the JSON body and rendered as the Kubernetes objects deploying it would create
//! (multi-document YAML), secrets masked; bad input gets SCDF's VndErrors.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde::Deserialize as _;
use serde_json::{Value, json};

use super::registry::WORKSHOP;
use super::streams::{created, delete, import};
use super::tools::WORKSHOP_STREAM;
use super::{Api, Reply, form};

const STREAM: &str = "truck-performance";

/// Exports the manifests of stream `name`, with `body` as the JSON deployment properties
/// (`None`: no body at all, as `curl -X POST` sends).
async fn export(api: &Api, name: &str, body: Option<&str>) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/streams/deployments/{name}/manifest"))
        .header(header::HOST, "localhost:9393");
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |text| Body::from(text.to_owned()));
    api.raw(request.body(body).unwrap()).await
}

/// A successful export's YAML documents, as JSON values (comments dropped).
fn documents(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.headers["content-type"], "application/yaml");
    serde_yaml::Deserializer::from_str(&reply.text)
        .map(|document| {
            let value = serde_yaml::Value::deserialize(document)
                .unwrap_or_else(|e| panic!("invalid YAML: {e}\n{}", reply.text));
            serde_json::to_value(value).unwrap()
        })
        .collect()
}

/// `(kind, metadata.name)` of each document.
fn kinds_and_names(documents: &[Value]) -> Vec<(String, String)> {
    documents
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap_or_default().to_owned(),
                d["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// The expected `(kind, name)` list: a Service and a workload per label, in pipeline order.
fn expected_objects(stream: &str, apps: &[(&str, &str)]) -> Vec<(String, String)> {
    apps.iter()
        .flat_map(|(label, workload)| {
            [
                ("Service".to_owned(), format!("{stream}-{label}")),
                ((*workload).to_owned(), format!("{stream}-{label}-v1")),
            ]
        })
        .collect()
}

/// The app container of a Deployment or StatefulSet.
fn container(workload: &Value) -> &Value {
    let containers = &workload["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers.as_array().map(Vec::len), Some(1), "{workload:#}");
    &containers[0]
}

fn args(workload: &Value) -> Vec<&str> {
    container(workload)["args"]
        .as_array()
        .unwrap_or_else(|| panic!("no args: {workload:#}"))
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect()
}

/// The arguments that depend on the stream (the common metrics and actuator ones left out).
fn stream_args(workload: &Value) -> Vec<&str> {
    args(workload)
        .into_iter()
        .filter(|a| !a.starts_with("--management.") && !a.starts_with("--wavefront."))
        .collect()
}

async fn workshop(api: &Api) {
    import(api, WORKSHOP).await;
    created(api, STREAM, WORKSHOP_STREAM).await;
}

/// The issue's acceptance check: the workshop stream, exported with no properties.
async fn workshop_stream_exports_a_service_and_deployment_per_app(api: Api) {
    workshop(&api).await;
    let reply = export(&api, STREAM, None).await;
    assert!(
        reply.text.starts_with("---\n"),
        "nothing is masked, so no comment: {}",
        reply.text
    );
    let docs = documents(&reply);
    assert_eq!(docs.len(), 6, "{}", reply.text);
    let apps = [
        ("trucks", "Deployment"),
        ("brake-temperature", "Deployment"),
        ("brake-log", "Deployment"),
    ];
    assert_eq!(kinds_and_names(&docs), expected_objects(STREAM, &apps));

    let images: Vec<&str> = docs
        .iter()
        .skip(1)
        .step_by(2)
        .map(|d| container(d)["image"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        images,
        [
            "dev.local/trucks:0.0.1-SNAPSHOT",
            "dev.local/brake-temperature:0.0.1-SNAPSHOT",
            "dev.local/brake-logs:0.0.1-SNAPSHOT",
        ],
        "the registered docker: URIs, without the scheme"
    );

    for (pair, (label, _)) in docs.chunks(2).zip(apps) {
        let (service, deployment) = (&pair[0], &pair[1]);
        assert_eq!(service["apiVersion"], "v1");
        assert_eq!(deployment["apiVersion"], "apps/v1");
        assert_eq!(deployment["spec"]["replicas"], 1, "{label}");
        assert_eq!(
            container(deployment)["name"],
            format!("{STREAM}-{label}-v1")
        );
        let selector = json!({
            "spring-application-name": label,
            "spring-group-id": STREAM,
        });
        assert_eq!(service["spec"]["selector"], selector, "{label}");
        assert_eq!(
            service["spec"]["ports"],
            json!([{ "name": "port-8080", "port": 8080 }])
        );
        let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
        assert_eq!(pod_labels["spring-application-name"], label);
        assert_eq!(pod_labels["spring-group-id"], STREAM);
        assert_eq!(
            pod_labels["spring-deployment-id"],
            format!("{STREAM}-{label}-v1")
        );
        assert_eq!(
            deployment["spec"]["selector"]["matchLabels"]["spring-deployment-id"],
            format!("{STREAM}-{label}-v1")
        );
        assert_eq!(container(deployment)["resources"], Value::Null, "{label}");
        // The properties every stream app gets, whatever the stream.
        let all = args(deployment);
        for common in [
            "--management.endpoints.web.exposure.include=health,info,bindings",
            "--management.metrics.tags.stream.name=${spring.cloud.dataflow.stream.name:unknown}",
        ] {
            assert!(all.contains(&common), "{label}: {all:#?}");
        }
    }

    assert_eq!(
        stream_args(&docs[1]),
        [
            "--spring.cloud.dataflow.stream.app.label=trucks",
            "--spring.cloud.dataflow.stream.app.type=source",
            "--spring.cloud.dataflow.stream.name=truck-performance",
            "--spring.cloud.stream.bindings.output.destination=truck-performance.trucks",
            "--spring.cloud.stream.bindings.output.producer.requiredGroups=truck-performance",
            "--spring.cloud.stream.function.bindings.generateTruck-out-0=output",
        ]
    );
    assert_eq!(
        stream_args(&docs[3]),
        [
            "--spring.cloud.dataflow.stream.app.label=brake-temperature",
            "--spring.cloud.dataflow.stream.app.type=processor",
            "--spring.cloud.dataflow.stream.name=truck-performance",
            "--spring.cloud.stream.bindings.input.destination=truck-performance.trucks",
            "--spring.cloud.stream.bindings.input.group=truck-performance",
            "--spring.cloud.stream.bindings.output.destination=truck-performance.brake-temperature",
            "--spring.cloud.stream.bindings.output.producer.requiredGroups=truck-performance",
            "--spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input",
            "--spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output",
        ]
    );
    assert_eq!(
        stream_args(&docs[5]),
        [
            "--spring.cloud.dataflow.stream.app.label=brake-log",
            "--spring.cloud.dataflow.stream.app.type=sink",
            "--spring.cloud.dataflow.stream.name=truck-performance",
            "--spring.cloud.stream.bindings.input.destination=truck-performance.brake-temperature",
            "--spring.cloud.stream.bindings.input.group=truck-performance",
            "--spring.cloud.stream.function.bindings.log-in-0=input",
        ]
    );

    // The same export whatever the name's case, for a blank body or an empty object, and again.
    for (name, body) in [
        (STREAM, None),
        ("TRUCK-Performance", None),
        (STREAM, Some("")),
        (STREAM, Some(" \n")),
        (STREAM, Some("{}")),
    ] {
        let again = export(&api, name, body).await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "{name} {body:?}: {}",
            again.text
        );
        assert!(again.text == reply.text, "{name} {body:?}: {}", again.text);
    }

    // Exporting deploys nothing.
    let shown = api.get(&format!("/streams/definitions/{STREAM}")).await;
    assert_eq!(shown.json["status"], "undeployed");
}

async fn deployment_properties_change_the_export(api: Api) {
    import(&api, WORKSHOP).await;
    // Labels name the resources and the properties; the registered names find the images.
    created(
        &api,
        "labelled",
        "source: trucks | brake-temperature | logger: brake-log",
    )
    .await;
    let plain = documents(&export(&api, "labelled", None).await);
    let reply = export(
        &api,
        "labelled",
        Some(
            r#"{"deployer.logger.count": 3, "app.logger.x": "y",
                "deployer.*.kubernetes.limits.memory": "512Mi"}"#,
        ),
    )
    .await;
    let docs = documents(&reply);
    let apps = [
        ("source", "Deployment"),
        ("brake-temperature", "Deployment"),
        ("logger", "Deployment"),
    ];
    assert_eq!(kinds_and_names(&docs), expected_objects("labelled", &apps));
    assert_eq!(kinds_and_names(&plain), kinds_and_names(&docs));
    assert_eq!(
        container(&docs[5])["image"],
        "dev.local/brake-logs:0.0.1-SNAPSHOT"
    );
    assert_eq!(
        docs[4]["spec"]["selector"]["spring-application-name"],
        "logger"
    );

    let logger = &docs[5];
    assert_eq!(logger["spec"]["replicas"], 3);
    let logger_args = stream_args(logger);
    assert_eq!(
        logger_args,
        [
            "--spring.cloud.dataflow.stream.app.label=logger",
            "--spring.cloud.dataflow.stream.app.type=sink",
            "--spring.cloud.dataflow.stream.name=labelled",
            "--spring.cloud.stream.bindings.input.destination=labelled.brake-temperature",
            "--spring.cloud.stream.bindings.input.group=labelled",
            "--spring.cloud.stream.instanceCount=3",
            "--x=y",
        ]
    );
    assert!(
        !logger_args.iter().any(|a| a.contains("partitioned")),
        "a count alone does not partition"
    );
    assert!(
        stream_args(&docs[1])
            .contains(&"--spring.cloud.stream.bindings.output.destination=labelled.source")
    );
    for (index, (label, _)) in apps.iter().enumerate() {
        let workload = &docs[index * 2 + 1];
        assert_eq!(
            container(workload)["resources"],
            json!({ "limits": { "memory": "512Mi" } }),
            "deployer.*. applies to every app ({label})"
        );
        if *label != "logger" {
            assert_eq!(workload["spec"]["replicas"], 1, "{label}");
            assert!(
                !args(workload)
                    .iter()
                    .any(|a| a.starts_with("--spring.cloud.stream.instanceCount=") || *a == "--x=y"),
                "{label}: {:#?}",
                args(workload)
            );
        }
        // Nothing else changed.
        let mut before = plain[index * 2 + 1].clone();
        let mut after = workload.clone();
        for doc in [&mut before, &mut after] {
            doc["spec"]["replicas"] = Value::Null;
            let container = &mut doc["spec"]["template"]["spec"]["containers"][0];
            container["resources"] = Value::Null;
            container["args"] = Value::Null;
        }
        assert_eq!(before, after, "{label}");
    }

    // Numbers and booleans are taken as their text.
    let as_text = export(
        &api,
        "labelled",
        Some(
            r#"{"deployer.logger.count": "3", "app.logger.x": "y",
                "deployer.*.kubernetes.limits.memory": "512Mi"}"#,
        ),
    )
    .await;
    assert!(as_text.text == reply.text, "{}", as_text.text);

    // A label's value wins over `app.*`.
    let star = documents(
        &export(
            &api,
            "labelled",
            Some(r#"{"app.*.x": "everywhere", "app.logger.x": "here", "app.source.flag": true}"#),
        )
        .await,
    );
    assert!(args(&star[1]).contains(&"--x=everywhere"));
    assert!(args(&star[1]).contains(&"--flag=true"));
    assert!(args(&star[3]).contains(&"--x=everywhere"));
    assert!(args(&star[5]).contains(&"--x=here"));
    assert!(!args(&star[5]).contains(&"--x=everywhere"));
}

async fn partitioned_exports_use_a_stateful_set(api: Api) {
    workshop(&api).await;
    let reply = export(
        &api,
        STREAM,
        Some(
            r#"{"app.brake-temperature.producer.partitionKeyExpression": "payload",
                "deployer.brake-log.count": 2}"#,
        ),
    )
    .await;
    let docs = documents(&reply);
    let apps = [
        ("trucks", "Deployment"),
        ("brake-temperature", "Deployment"),
        ("brake-log", "StatefulSet"),
    ];
    assert_eq!(kinds_and_names(&docs), expected_objects(STREAM, &apps));

    let consumer = &docs[5];
    assert_eq!(consumer["apiVersion"], "apps/v1");
    assert_eq!(consumer["spec"]["replicas"], 2);
    assert_eq!(consumer["spec"]["serviceName"], docs[4]["metadata"]["name"]);
    let consumer_args = args(consumer);
    for arg in [
        "--spring.cloud.stream.bindings.input.consumer.partitioned=true",
        "--spring.cloud.stream.instanceCount=2",
        "--spring.cloud.stream.bindings.input.destination=truck-performance.brake-temperature",
    ] {
        assert!(consumer_args.contains(&arg), "{arg}: {consumer_args:#?}");
    }
    // Each instance learns its index from its pod name.
    let init = &consumer["spec"]["template"]["spec"]["initContainers"];
    assert!(
        init.to_string()
            .contains("spring.cloud.stream.instanceIndex"),
        "{init:#}"
    );

    let producer = args(&docs[3]);
    for arg in [
        "--spring.cloud.stream.bindings.output.producer.partitionCount=2",
        "--spring.cloud.stream.bindings.output.producer.partitionKeyExpression=payload",
    ] {
        assert!(producer.contains(&arg), "{arg}: {producer:#?}");
    }
    assert!(
        !producer.iter().any(|a| a.contains("consumer.partitioned")),
        "{producer:#?}"
    );
    let source = args(&docs[1]);
    assert!(
        !source.iter().any(|a| a.contains("partition")),
        "{source:#?}"
    );
}

async fn secrets_are_masked_in_exports(api: Api) {
    import(&api, WORKSHOP).await;
    created(
        &api,
        "secure",
        "trucks --spring.datasource.password=hunter2 | brake-log",
    )
    .await;
    let reply = export(&api, "secure", None).await;
    assert!(!reply.text.contains("hunter2"), "{}", reply.text);
    assert!(
        reply.text.starts_with(
            "# 1 sensitive value(s) are masked as ******. Keep secrets in Kubernetes Secrets and\n\
             # reference them with deployer.<app>.kubernetes.secretKeyRefs or secretRefs.\n---\n"
        ),
        "{}",
        reply.text
    );
    let docs = documents(&reply);
    assert_eq!(docs.len(), 4);
    assert!(args(&docs[1]).contains(&"--spring.datasource.password=******"));

    // Secrets given at export time are masked too: arguments, environment variables and
    // SPRING_APPLICATION_JSON.
    let reply = export(
        &api,
        "secure",
        Some(
            r#"{"app.brake-log.my.api-token": "tok3n",
                "deployer.brake-log.kubernetes.environmentVariables": "DB_PASSWORD=s3cret,LEVEL=DEBUG",
                "deployer.trucks.kubernetes.entryPointStyle": "boot"}"#,
        ),
    )
    .await;
    for secret in ["hunter2", "tok3n", "s3cret"] {
        assert!(!reply.text.contains(secret), "{secret}: {}", reply.text);
    }
    assert!(
        reply
            .text
            .starts_with("# 3 sensitive value(s) are masked as ******."),
        "{}",
        reply.text
    );
    let docs = documents(&reply);
    let env = &container(&docs[1])["env"];
    let json_env = env
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "SPRING_APPLICATION_JSON")
        .unwrap_or_else(|| panic!("{env:#}"));
    let application: Value = serde_json::from_str(json_env["value"].as_str().unwrap()).unwrap();
    assert_eq!(application["spring.datasource.password"], "******");
    assert_eq!(application["spring.cloud.dataflow.stream.name"], "secure");
    assert!(args(&docs[3]).contains(&"--my.api-token=******"));
    let sink_env = &container(&docs[3])["env"];
    assert!(
        sink_env
            .as_array()
            .unwrap()
            .contains(&json!({ "name": "DB_PASSWORD", "value": "******" })),
        "{sink_env:#}"
    );
    assert!(
        sink_env
            .as_array()
            .unwrap()
            .contains(&json!({ "name": "LEVEL", "value": "DEBUG" })),
        "{sink_env:#}"
    );
}

/// Asserts a VndErrors reply.
fn refused(reply: &Reply, status: StatusCode, logref: &str, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.headers["content-type"], "application/hal+json");
    assert_eq!(
        reply.json,
        json!({ "_embedded": { "errors": [{
            "logref": logref,
            "message": message,
            "_links": { "self": { "href": "/" } }
        }]}})
    );
}

async fn bad_exports_are_refused_with_scdf_errors(api: Api) {
    workshop(&api).await;
    refused(
        &export(&api, "nope", None).await,
        StatusCode::NOT_FOUND,
        "NoSuchStreamDefinitionException",
        "Could not find stream definition named nope",
    );

    // Every bad key at once, one per line.
    refused(
        &export(&api, STREAM, Some(r#"{"app.nosuch.x": "1", "foo": "2"}"#)).await,
        StatusCode::BAD_REQUEST,
        "InvalidDeploymentPropertiesException",
        "Deployment property 'app.nosuch.x' names app 'nosuch', which stream 'truck-performance' \
         does not have (its apps: trucks, brake-temperature, brake-log).\n\
         Unknown deployment property 'foo': keys start with 'app.', 'deployer.' or 'version.' \
         (or are 'spring.cloud.dataflow.skipper.platformName').",
    );
    for (body, message) in [
        (
            r#"{"deployer.brake-log.count": "many"}"#,
            "Deployment property 'deployer.brake-log.count' must be a whole number of instances, \
             got 'many'.",
        ),
        (
            r#"{"deployer.brake-log.count": -1}"#,
            "Deployment property 'deployer.brake-log.count' must be a whole number of instances, \
             got '-1'.",
        ),
        (
            r#"{"version.brake-log": "9.9.9"}"#,
            "The sink:brake-log:9.9.9 app is not registered! (deployment property \
             'version.brake-log')",
        ),
        (
            r#"{"deployer.trucks": "x"}"#,
            "Deployment property 'deployer.trucks' must name an app and a property: \
             'deployer.<app label or *>.<property>'.",
        ),
    ] {
        refused(
            &export(&api, STREAM, Some(body)).await,
            StatusCode::BAD_REQUEST,
            "InvalidDeploymentPropertiesException",
            message,
        );
    }

    // Platform settings are checked by the renderer, which names the app and the property.
    refused(
        &export(
            &api,
            STREAM,
            Some(r#"{"deployer.brake-log.kubernetes.imagePullPolicy": "Sometimes"}"#),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidPlatformSettingException",
        "Cannot render app 'brake-log' of stream 'truck-performance' for Kubernetes: invalid value \
         for `spring.cloud.deployer.kubernetes.imagePullPolicy`: `Sometimes` is not an image pull \
         policy; expected Always, IfNotPresent or Never",
    );
    refused(
        &export(
            &api,
            STREAM,
            Some(r#"{"deployer.trucks.kubernetes.noSuchSetting": "x"}"#),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidPlatformSettingException",
        "Cannot render app 'trucks' of stream 'truck-performance' for Kubernetes: unknown property \
         `spring.cloud.deployer.kubernetes.noSuchSetting`: not a property of the Kubernetes \
         platform (see the deployer property table in the documentation)",
    );

    // Bodies that are not a JSON object of scalars.
    for body in [
        "{bad",
        "[1]",
        "\"deployer.brake-log.count=2\"",
        r#"{"deployer.brake-log.count": [2]}"#,
        r#"{"deployer.brake-log.count": null}"#,
    ] {
        let reply = export(&api, STREAM, Some(body)).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.text
        );
        assert_eq!(reply.logref(), "HttpMessageNotReadableException", "{body}");
        let message = reply.error_message();
        assert!(
            message.starts_with("The deployment properties must be a JSON object")
                || message
                    == "The deployment property 'deployer.brake-log.count' must have a \
                               text value (a string, number or boolean)",
            "{body}: {message}"
        );
    }

    // A name SCDF takes but Kubernetes cannot use.
    created(&api, "my_stream", "trucks | brake-log").await;
    refused(
        &export(&api, "my_stream", None).await,
        StatusCode::BAD_REQUEST,
        "InvalidStreamDefinitionException",
        "Stream name my_stream is invalid. Stream name must consist of alphanumeric characters or \
         '-', start with an alphabetic character, and end with an alphanumeric character (e.g. \
         'my-name', or 'abc-123')",
    );

    // Kubernetes runs docker images only.
    let registered = api
        .post(
            "/apps/source/mvn",
            &form(&[("uri", "maven://org.example:mvn-source:1.0.0")]),
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    created(&api, "from-maven", "mvn | brake-log").await;
    refused(
        &export(&api, "from-maven", None).await,
        StatusCode::BAD_REQUEST,
        "InvalidPlatformSettingException",
        "Cannot render app 'mvn' of stream 'from-maven' for Kubernetes: the app's resource \
         `maven://org.example:mvn-source:1.0.0` is not a Docker image: Kubernetes runs \
         `docker:<image>` resources only",
    );

    // Apps unregistered after the stream was created: all are named at once, in pipeline
    // order, as stream creation names them.
    for uri in ["/apps/sink/brake-log", "/apps/processor/brake-temperature"] {
        assert_eq!(delete(&api, uri).await.status, StatusCode::OK, "{uri}");
    }
    refused(
        &export(&api, STREAM, None).await,
        StatusCode::BAD_REQUEST,
        "InvalidStreamDefinitionException",
        "Application name 'brake-temperature' with type 'processor' does not exist in the app \
         registry.\nApplication name 'brake-log' with type 'sink' does not exist in the app \
         registry.",
    );

    // Only POST.
    let get = api
        .get(&format!("/streams/deployments/{STREAM}/manifest"))
        .await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED, "{}", get.text);
}

/// Without a platform account: streams are undeployed, runtime views are empty, and every
/// deployment operation says what is missing (the cluster suite covers the deployed paths).
async fn without_a_platform_streams_stay_undeployed_and_say_why(api: Api) {
    workshop(&api).await;
    let platforms = api.get("/streams/deployments/platform/list").await;
    assert_eq!(platforms.status, StatusCode::OK);
    assert_eq!(platforms.json, json!([]));

    let shown = api.get(&format!("/streams/deployments/{STREAM}")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert_eq!(shown.json["streamName"], STREAM);
    assert_eq!(shown.json["status"], "undeployed");
    assert_eq!(shown.json["deploymentProperties"], "");
    let listed = api.get("/streams/definitions").await;
    assert_eq!(
        listed.json["_embedded"]["streamDefinitionResourceList"][0]["status"],
        "undeployed"
    );

    let deploy = api
        .post_json(&format!("/streams/deployments/{STREAM}"), &json!({}))
        .await;
    assert_eq!(deploy.status, StatusCode::CONFLICT, "{}", deploy.text);
    assert_eq!(deploy.logref(), "NoPlatformException");
    assert!(deploy.error_message().contains("--kubernetes-account"));
    let elsewhere = api
        .post_json(
            &format!("/streams/deployments/{STREAM}"),
            &json!({ "spring.cloud.dataflow.skipper.platformName": "east" }),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::CONFLICT, "{}", elsewhere.text);

    for (path, body) in [
        (
            format!("/streams/deployments/scale/{STREAM}/brake-log/instances/2"),
            json!({}),
        ),
        (
            format!("/streams/deployments/update/{STREAM}"),
            json!({ "updateProperties": { "app.brake-log.x": "1" } }),
        ),
    ] {
        let refused = api.post_json(&path, &body).await;
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{path}: {}",
            refused.text
        );
        assert_eq!(refused.logref(), "StreamNotDeployedException", "{path}");
    }
    let rollback = api
        .post_json(
            &format!("/streams/deployments/rollback/{STREAM}/1"),
            &json!({}),
        )
        .await;
    assert_eq!(rollback.status, StatusCode::NOT_FOUND, "{}", rollback.text);
    assert_eq!(rollback.logref(), "ReleaseNotFoundException");
    let manifest = api
        .get(&format!("/streams/deployments/manifest/{STREAM}/0"))
        .await;
    assert_eq!(manifest.status, StatusCode::NOT_FOUND, "{}", manifest.text);
    let history = api
        .get(&format!("/streams/deployments/history/{STREAM}"))
        .await;
    assert_eq!(history.json, json!([]));
    let unknown = api.get("/streams/deployments/history/nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let runtime = api.get("/runtime/streams").await;
    assert_eq!(runtime.status, StatusCode::OK, "{}", runtime.text);
    let stream = &runtime.json["_embedded"]["streamStatusResourceList"][0];
    assert_eq!(stream["name"], STREAM);
    assert!(
        stream["applications"].get("_embedded").is_none(),
        "{stream}"
    );
    let app = api
        .get("/runtime/apps/truck-performance-brake-log-v1")
        .await;
    assert_eq!(app.status, StatusCode::NOT_FOUND);
    assert_eq!(app.logref(), "NoSuchAppException");
    let logs = api.get(&format!("/streams/logs/{STREAM}")).await;
    assert_eq!(logs.status, StatusCode::OK);
    assert_eq!(logs.json, json!({ "logs": {} }));
    let undeploy = api
        .send(
            Method::DELETE,
            &format!("/streams/deployments/{STREAM}"),
            None,
        )
        .await;
    assert_eq!(
        undeploy.status,
        StatusCode::OK,
        "undeploying an undeployed stream is a no-op"
    );
}

on_both_databases!(
    without_a_platform_streams_stay_undeployed_and_say_why,
    workshop_stream_exports_a_service_and_deployment_per_app,
    deployment_properties_change_the_export,
    partitioned_exports_use_a_stateful_set,
    secrets_are_masked_in_exports,
    bad_exports_are_refused_with_scdf_errors,
);
