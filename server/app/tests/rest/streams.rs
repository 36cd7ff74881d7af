//! Stream definitions and their validation as SCDF clients drive them (reference §1.4, §1.5,
//! §3.2, §8.2).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use dataflow_core::sanitize::mask_stream_dsl;
use serde_json::{Value, json};

use super::registry::WORKSHOP;
use super::tools::WORKSHOP_STREAM;
use super::{Api, Reply, form};

const UNDEPLOYED: &str = "The app or group is known to the system, but is not currently deployed";

/// A stream definition resource as the server must answer it, its DSL masked.
fn definition(name: &str, dsl: &str, description: &str) -> Value {
    let masked = mask_stream_dsl(dsl);
    json!({
        "name": name,
        "dslText": masked,
        "originalDslText": masked,
        "status": "undeployed",
        "description": description,
        "statusDescription": UNDEPLOYED,
        "_links": { "self": { "href": format!("http://localhost:9393/streams/definitions/{name}") } }
    })
}

fn names(reply: &Reply) -> Vec<String> {
    reply.json["_embedded"]["streamDefinitionResourceList"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub(super) async fn import(api: &Api, apps: &str) {
    let imported = api.post("/apps", &form(&[("apps", apps)])).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
}

pub(super) async fn create(api: &Api, name: &str, dsl: &str) -> Reply {
    api.post(
        "/streams/definitions",
        &form(&[("name", name), ("definition", dsl)]),
    )
    .await
}

pub(super) async fn created(api: &Api, name: &str, dsl: &str) {
    let reply = create(api, name, dsl).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{name}: {}", reply.text);
}

pub(super) async fn delete(api: &Api, uri: &str) -> Reply {
    api.send(Method::DELETE, uri, None).await
}

async fn total(api: &Api) -> Value {
    api.get("/streams/definitions").await.json["page"]["totalElements"].clone()
}

const TIME_AND_LOG: &str = "\
source.time=docker:springcloudstream/time-source-kafka:5.0.0
source.http=docker:springcloudstream/http-source-kafka:5.0.0
processor.filter=docker:springcloudstream/filter-processor-kafka:5.0.0
sink.log=docker:springcloudstream/log-sink-kafka:5.0.0
";

/// The issue's acceptance check: the workshop apps, bulk-registered, then the workshop stream.
async fn workshop_stream_is_created_shown_and_listed(api: Api) {
    let empty = api.get("/streams/definitions").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(
        empty.json,
        json!({
            "_links": { "self": { "href": "http://localhost:9393/streams/definitions?page=0&size=20" } },
            "page": { "size": 20, "totalElements": 0, "totalPages": 0, "number": 0 }
        }),
        "an empty list has no _embedded"
    );

    import(&api, WORKSHOP).await;
    let reply = api
        .post(
            "/streams/definitions",
            &form(&[
                ("name", "truck-performance"),
                ("definition", WORKSHOP_STREAM),
                ("description", "Brake temperatures of the fleet"),
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.headers["content-type"], "application/hal+json");
    let expected = definition(
        "truck-performance",
        WORKSHOP_STREAM,
        "Brake temperatures of the fleet",
    );
    assert_eq!(reply.json, expected);
    assert_eq!(
        reply.json["dslText"], WORKSHOP_STREAM,
        "the text is kept as given"
    );

    let shown = api.get("/streams/definitions/TRUCK-Performance").await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert_eq!(shown.json, expected, "names are found ignoring case");

    let listed = api.get("/streams/definitions").await;
    assert_eq!(
        listed.json,
        json!({
            "_embedded": { "streamDefinitionResourceList": [expected] },
            "_links": { "self": { "href": "http://localhost:9393/streams/definitions?page=0&size=20" } },
            "page": { "size": 20, "totalElements": 1, "totalPages": 1, "number": 0 }
        })
    );

    let missing = api.get("/streams/definitions/truck").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json,
        json!({ "_embedded": { "errors": [{
            "logref": "NoSuchStreamDefinitionException",
            "message": "Could not find stream definition named truck",
            "_links": { "self": { "href": "/" } }
        }]}})
    );
}

async fn missing_apps_are_reported_all_at_once(api: Api) {
    import(
        &api,
        "source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT\n",
    )
    .await;
    let refused = create(
        &api,
        "truck-performance",
        "trucks | brake-temperature | brake-log",
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.logref(), "InvalidStreamDefinitionException");
    assert_eq!(
        refused.error_message(),
        "Application name 'brake-temperature' with type 'processor' does not exist in the app \
         registry.\nApplication name 'brake-log' with type 'sink' does not exist in the app \
         registry."
    );

    // Apps are looked up with the type their place infers.
    import(&api, WORKSHOP).await;
    let swapped = create(&api, "backwards", "brake-log | trucks").await;
    assert_eq!(swapped.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        swapped.error_message(),
        "Application name 'brake-log' with type 'source' does not exist in the app registry.\n\
         Application name 'trucks' with type 'sink' does not exist in the app registry."
    );
    // A lone app is of type `app`; an app repeated under two labels is reported once.
    let lone = create(&api, "lone", "a1: trucks || a2: trucks").await;
    assert_eq!(
        lone.error_message(),
        "Application name 'trucks' with type 'app' does not exist in the app registry."
    );
    assert_eq!(total(&api).await, 0, "nothing was written");
}

async fn dsl_errors_carry_scdfs_message_and_position(api: Api) {
    import(&api, TIME_AND_LOG).await;
    // The reference's examples (§2.1), rendered as SCDF renders them (plus our hint line where
    // SCDF's message is poor, as `/tools/parseStream` shows them).
    for (name, dsl, message) in [
        (
            "s1",
            "foo > bar",
            "133E:(pos 6): Expected destination prefix but found 'bar'\nfoo > bar\n   *  ^\n\
             hint: a named destination starts with ':', e.g. '> :bar'\n",
        ),
        (
            "s2",
            "time --format='abc",
            "107E:(pos 14): Cannot find terminating ' for string\ntime --format='abc\n              ^\n",
        ),
        (
            "s3",
            "http | filter | transform | transform | file",
            "143E:(pos 28): label 'transform' should be unique but app 'transform' (at position \
             2) and app 'transform' (at position 3) both use it\nhttp | filter | transform | \
             transform | file\n                            ^\n\
             hint: give one of them another label, e.g. 'transform2: transform'\n",
        ),
    ] {
        let reply = create(&api, name, dsl).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{dsl}: {}",
            reply.text
        );
        assert_eq!(reply.logref(), "InvalidStreamDefinitionException", "{dsl}");
        assert_eq!(reply.error_message(), message, "{dsl}");
    }

    // The name must be a legal stream name (122, whose expression is the name).
    let bad_name = create(&api, "0bad", "time | log").await;
    assert_eq!(bad_name.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_name.logref(), "InvalidStreamDefinitionException");
    assert!(
        bad_name
            .error_message()
            .starts_with("122E:(pos 0): illegal name for a stream '0bad'\n0bad\n^\n"),
        "{}",
        bad_name.error_message()
    );
    let dotted = create(&api, "foo.bar", "time | log").await;
    assert!(
        dotted
            .error_message()
            .starts_with("122E:(pos 0): illegal name for a stream 'foo.bar'"),
        "{}",
        dotted.error_message()
    );
    let long = "s".repeat(256);
    let too_long = create(&api, &long, "time | log").await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        too_long.error_message(),
        "Stream name is 256 characters long; the limit is 255"
    );
    created(&api, &"s".repeat(255), "time | log").await;

    for (params, missing) in [
        (form(&[("definition", "time | log")]), "name"),
        (form(&[("name", "ticktock")]), "definition"),
    ] {
        let reply = api.post("/streams/definitions", &params).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.logref(), "MissingServletRequestParameterException");
        assert_eq!(
            reply.error_message(),
            format!("Required request parameter '{missing}' is not present")
        );
    }
    assert_eq!(total(&api).await, 1);
}

async fn duplicate_names_conflict_ignoring_case(api: Api) {
    import(&api, TIME_AND_LOG).await;
    created(&api, "ticktock", "time | log").await;
    for name in ["ticktock", "TickTock"] {
        let again = create(&api, name, "http | log").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
        assert_eq!(again.logref(), "DuplicateStreamDefinitionException");
        assert_eq!(
            again.error_message(),
            format!(
                "Cannot create stream {name} because another one has already been created with \
                 the same name"
            )
        );
    }
    let kept = api.get("/streams/definitions/ticktock").await;
    assert_eq!(kept.json, definition("ticktock", "time | log", ""));
}

async fn lists_search_page_and_sort(api: Api) {
    import(&api, TIME_AND_LOG).await;
    for i in 0..25 {
        let reply = api
            .post(
                "/streams/definitions",
                &form(&[
                    ("name", &format!("s{i:02}")),
                    ("definition", &format!("time --n={} | log", 24 - i)),
                    ("description", &format!("d{}", i % 2)),
                ]),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }

    let page = api
        .get("/streams/definitions?page=1&size=10&sort=name,desc")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(
        page.json["page"],
        json!({ "size": 10, "totalElements": 25, "totalPages": 3, "number": 1 })
    );
    assert_eq!(
        names(&page),
        [
            "s14", "s13", "s12", "s11", "s10", "s09", "s08", "s07", "s06", "s05"
        ]
    );
    let base = "http://localhost:9393/streams/definitions";
    assert_eq!(
        page.json["_links"],
        json!({
            "first": { "href": format!("{base}?page=0&size=10&sort=name%2Cdesc") },
            "prev": { "href": format!("{base}?page=0&size=10&sort=name%2Cdesc") },
            "self": { "href": format!("{base}?page=1&size=10&sort=name%2Cdesc") },
            "next": { "href": format!("{base}?page=2&size=10&sort=name%2Cdesc") },
            "last": { "href": format!("{base}?page=2&size=10&sort=name%2Cdesc") }
        })
    );

    let search = api.get("/streams/definitions?search=S1").await;
    assert_eq!(search.json["page"]["totalElements"], 10, "case-insensitive");
    assert_eq!(names(&search)[0], "s10");
    let by_description = api
        .get("/streams/definitions?search=s2&sort=description,desc&sort=dslText")
        .await;
    assert_eq!(names(&by_description), ["s23", "s21", "s24", "s22", "s20"]);

    let nothing = api.get("/streams/definitions?search=zzz").await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.json.get("_embedded").is_none());
    assert_eq!(nothing.json["page"]["totalElements"], 0);

    let unsortable = api.get("/streams/definitions?sort=status").await;
    assert_eq!(unsortable.status, StatusCode::BAD_REQUEST);
    assert_eq!(unsortable.logref(), "InvalidPageRequestException");
    assert_eq!(
        unsortable.error_message(),
        "Cannot sort by 'status'; sortable properties: name, dslText, description"
    );
}

async fn related_streams_follow_taps(api: Api) {
    import(&api, TIME_AND_LOG).await;
    for (name, dsl) in [
        ("mystream", "http | filter | log"),
        ("tap1", ":mystream.http > log"),
        ("tap2", ":mystream.filter > filter | log"),
        ("tap-of-tap", ":tap2.filter > log"),
        ("reader", ":mystream > log"),
        ("mystream2", "http | log"),
        ("other", ":mystream2.http > log"),
        ("other-case", ":MyStream.http > log"),
        ("ping", ":pong.filter > filter | log"),
        ("pong", ":ping.filter > filter | log"),
    ] {
        created(&api, name, dsl).await;
    }

    let direct = api.get("/streams/definitions/mystream/related").await;
    assert_eq!(direct.status, StatusCode::OK, "{}", direct.text);
    assert_eq!(
        direct.json,
        json!({
            "_embedded": { "streamDefinitionResourceList": [
                definition("mystream", "http | filter | log", ""),
                definition("reader", ":mystream > log", ""),
                definition("tap1", ":mystream.http > log", ""),
                definition("tap2", ":mystream.filter > filter | log", ""),
            ]},
            "_links": { "self": { "href": "http://localhost:9393/streams/definitions/mystream/related?page=0&size=20" } },
            "page": { "size": 20, "totalElements": 4, "totalPages": 1, "number": 0 }
        }),
        "the stream first, then its readers; destinations compare case-sensitively"
    );

    let nested = api
        .get("/streams/definitions/MYSTREAM/related?nested=true")
        .await;
    assert_eq!(
        names(&nested),
        ["mystream", "reader", "tap1", "tap2", "tap-of-tap"],
        "depth first, as SCDF"
    );

    // The page is cut from the whole list, and says so.
    let second = api
        .get("/streams/definitions/mystream/related?nested=true&size=2&page=1&sort=name,desc")
        .await;
    assert_eq!(names(&second), ["tap-of-tap", "reader"]);
    assert_eq!(
        second.json["page"],
        json!({ "size": 2, "totalElements": 5, "totalPages": 3, "number": 1 })
    );
    assert_eq!(
        second.json["_links"]["next"]["href"],
        "http://localhost:9393/streams/definitions/mystream/related?page=2&size=2&nested=true&sort=name%2Cdesc"
    );

    let cycle = api
        .get("/streams/definitions/ping/related?nested=true")
        .await;
    assert_eq!(names(&cycle), ["ping", "pong"], "each stream once");
    let alone = api.get("/streams/definitions/tap1/related").await;
    assert_eq!(names(&alone), ["tap1"]);

    let unknown = api.get("/streams/definitions/nope/related").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.logref(), "NoSuchStreamDefinitionException");
    let bad_flag = api
        .get("/streams/definitions/mystream/related?nested=maybe")
        .await;
    assert_eq!(bad_flag.status, StatusCode::BAD_REQUEST);
}

async fn applications_carry_their_labels(api: Api) {
    import(&api, WORKSHOP).await;
    created(
        &api,
        "labelled",
        "source: trucks | brake-temperature | logger: brake-log",
    )
    .await;
    let apps = api.get("/streams/definitions/labelled/applications").await;
    assert_eq!(apps.status, StatusCode::OK, "{}", apps.text);
    assert_eq!(apps.headers["content-type"], "application/json");
    let app = |app_type: &str, name: &str, image: &str, label: &str| {
        json!({
            "name": name,
            "type": app_type,
            "uri": format!("docker:dev.local/{image}:0.0.1-SNAPSHOT"),
            "metaDataUri": null,
            "version": "0.0.1-SNAPSHOT",
            "defaultVersion": true,
            "versions": null,
            "label": label,
            "bootVersion": "2",
            "_links": { "self": { "href": format!("http://localhost:9393/apps/{app_type}/{name}/0.0.1-SNAPSHOT") } }
        })
    };
    assert_eq!(
        apps.json,
        json!([
            app("source", "trucks", "trucks", "source"),
            app(
                "processor",
                "brake-temperature",
                "brake-temperature",
                "brake-temperature"
            ),
            app("sink", "brake-log", "brake-logs", "logger"),
        ])
    );

    assert_eq!(
        delete(&api, "/apps/sink/brake-log").await.status,
        StatusCode::OK
    );
    let gone = api.get("/streams/definitions/labelled/applications").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.logref(), "NoSuchAppRegistrationException");
    assert_eq!(
        gone.error_message(),
        "The 'sink:brake-log' application could not be found."
    );
    let unknown = api.get("/streams/definitions/nope/applications").await;
    assert_eq!(unknown.logref(), "NoSuchStreamDefinitionException");
}

async fn validation_reports_each_app(api: Api) {
    import(&api, WORKSHOP).await;
    created(&api, "truck-performance", WORKSHOP_STREAM).await;
    let valid = api.get("/streams/validation/truck-performance").await;
    assert_eq!(valid.status, StatusCode::OK, "{}", valid.text);
    assert_eq!(valid.headers["content-type"], "application/hal+json");
    assert_eq!(
        valid.json,
        json!({
            "appName": "truck-performance",
            "dsl": mask_stream_dsl(WORKSHOP_STREAM),
            "description": "",
            "appStatuses": {
                "source:trucks": "valid",
                "processor:brake-temperature": "valid",
                "sink:brake-log": "valid"
            },
            "_links": { "self": { "href": "http://localhost:9393/streams/validation/truck-performance" } }
        })
    );

    // Apps are validated by registered name (SCDF looks up the label) and keyed by label.
    created(&api, "labelled", "t: trucks | logger: brake-log").await;
    assert_eq!(
        delete(&api, "/apps/processor/brake-temperature")
            .await
            .status,
        StatusCode::OK
    );
    let labelled = api.get("/streams/validation/labelled").await;
    assert_eq!(
        labelled.json["appStatuses"],
        json!({ "source:t": "valid", "sink:logger": "valid" })
    );
    let invalid = api.get("/streams/validation/truck-performance").await;
    assert_eq!(
        invalid.json["appStatuses"],
        json!({
            "source:trucks": "valid",
            "processor:brake-temperature": "invalid",
            "sink:brake-log": "valid"
        })
    );
    let unknown = api.get("/streams/validation/nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.error_message(),
        "Could not find stream definition named nope"
    );
}

async fn streams_are_deleted_one_or_all(api: Api) {
    import(&api, TIME_AND_LOG).await;
    for name in ["a", "b", "c"] {
        created(&api, name, "time | log").await;
    }
    assert_eq!(
        delete(&api, "/streams/definitions/B").await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/streams/definitions/b").await.status,
        StatusCode::NOT_FOUND
    );
    let again = delete(&api, "/streams/definitions/b").await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(
        again.error_message(),
        "Could not find stream definition named b"
    );
    assert_eq!(total(&api).await, 2);
    assert_eq!(
        delete(&api, "/streams/definitions").await.status,
        StatusCode::OK
    );
    assert_eq!(total(&api).await, 0);
    assert_eq!(
        delete(&api, "/streams/definitions").await.status,
        StatusCode::OK
    );
    // The name is free again.
    created(&api, "b", "time | log").await;
}

async fn secrets_are_masked_in_every_response(api: Api) {
    import(&api, TIME_AND_LOG).await;
    let dsl = "time --password=secret | log --spring.datasource.url=jdbc:secret";
    let tap = ":secure.time --my.token=secret > log";
    let masked = mask_stream_dsl(dsl);
    assert!(
        !masked.contains("secret") && masked.contains("--password=") && masked.contains("******"),
        "{masked}"
    );

    let create_reply = create(&api, "secure", dsl).await;
    assert_eq!(create_reply.status, StatusCode::CREATED);
    assert_eq!(create_reply.json, definition("secure", dsl, ""));
    created(&api, "tap", tap).await;

    let replies = [
        create_reply,
        api.get("/streams/definitions/secure").await,
        api.get("/streams/definitions").await,
        api.get("/streams/definitions/secure/related?nested=true")
            .await,
        api.get("/streams/validation/secure").await,
        api.get("/streams/validation/tap").await,
    ];
    for reply in &replies {
        assert_eq!(reply.status.as_u16() / 100, 2, "{}", reply.text);
        assert!(!reply.text.contains("secret"), "{}", reply.text);
        assert!(reply.text.contains("******"), "{}", reply.text);
    }
    assert_eq!(
        replies[2].json["_embedded"]["streamDefinitionResourceList"],
        json!([definition("secure", dsl, ""), definition("tap", tap, "")])
    );
    assert_eq!(replies[4].json["dsl"], masked);

    // A definition that does not parse is quoted in the error with its secrets blotted out,
    // character for character, so the caret still points at the fault.
    let broken = create(&api, "broken", "time --password=hunter2 | | log").await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST, "{}", broken.text);
    assert!(!broken.text.contains("hunter2"), "{}", broken.text);
    let lines: Vec<&str> = broken.error_message().lines().collect();
    assert_eq!(lines[1], "time --password=******* | | log");
    assert_eq!(lines[2].find('^'), Some("time --password=hunter2 | ".len()));
}

async fn deploy_at_creation_is_refused_and_writes_nothing(api: Api) {
    import(&api, WORKSHOP).await;
    let refused = api
        .post(
            "/streams/definitions",
            &form(&[
                ("name", "truck-performance"),
                ("definition", WORKSHOP_STREAM),
                ("deploy", "true"),
            ]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert_eq!(refused.logref(), "NoPlatformException");
    let message = refused.error_message();
    assert!(
        message.starts_with(
            "No deployment platform is configured: start the server with --kubernetes-account"
        ),
        "{message}"
    );
    assert_eq!(total(&api).await, 0, "nothing was written");

    // Parameters in the query string, deployment properties as a JSON body (as SCDF takes them).
    let query = form(&[
        ("name", "ticktock"),
        ("definition", "trucks | brake-log"),
        ("deploy", "true"),
    ]);
    let with_properties = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/streams/definitions?{query}"))
                .header(header::HOST, "localhost:9393")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"deployer.brake-log.count": 2, "app.trucks.x": "y"}"#,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(
        with_properties.status,
        StatusCode::CONFLICT,
        "{}",
        with_properties.text
    );
    assert_eq!(with_properties.logref(), "NoPlatformException");
    assert_eq!(total(&api).await, 0);

    // The definition's own errors come first: "create it without deploy" must then work.
    let bad = api
        .post(
            "/streams/definitions",
            &form(&[
                ("name", "bad"),
                ("definition", "trucks | nope"),
                ("deploy", "true"),
            ]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    created(&api, "truck-performance", WORKSHOP_STREAM).await;
    let duplicate = api
        .post(
            "/streams/definitions",
            &form(&[
                ("name", "Truck-Performance"),
                ("definition", WORKSHOP_STREAM),
                ("deploy", "true"),
            ]),
        )
        .await;
    assert_eq!(duplicate.logref(), "DuplicateStreamDefinitionException");

    // A JSON body that is not a map of scalar values is refused, and so is any other body.
    let malformed = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/streams/definitions?{query}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"deployer.brake-log.count": [2]}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.logref(), "HttpMessageNotReadableException");
    let text_body = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/streams/definitions?{query}"))
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("hello"))
                .unwrap(),
        )
        .await;
    assert_eq!(text_body.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(total(&api).await, 1);
}

on_both_databases!(
    workshop_stream_is_created_shown_and_listed,
    missing_apps_are_reported_all_at_once,
    dsl_errors_carry_scdfs_message_and_position,
    duplicate_names_conflict_ignoring_case,
    lists_search_page_and_sort,
    related_streams_follow_taps,
    applications_carry_their_labels,
    validation_reports_each_app,
    streams_are_deleted_one_or_all,
    secrets_are_masked_in_every_response,
    deploy_at_creation_is_refused_and_writes_nothing,
);
