//! Property test over the whole REST layer: generated methods, paths built from every route
//! template with generated segments, generated parameters (the names the endpoints read, with
//! hostile values), and generated bodies and media types. Whatever arrives, the server answers
//! without a 5xx or a panic, and every 4xx carries SCDF's error body.
//!
//! `PROPTEST_CASES` sets the number of requests (300 by default, as CI runs it).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::Api;

/// Every route template the router serves, with `{}` where a path parameter goes, and the
/// methods it takes. A template missing here is a route left unfuzzed; the first test below
/// fails when an entry stops matching the router (path or methods).
const ROUTES: &[(&str, &str)] = &[
    ("/", "GET"),
    ("/about", "GET"),
    ("/management/health", "GET"),
    ("/management/info", "GET"),
    ("/metrics", "GET"),
    ("/security/info", "GET"),
    ("/schema/versions", "GET"),
    ("/schema/targets", "GET"),
    ("/schema/targets/{}", "GET"),
    ("/apps", "GET,POST,DELETE"),
    ("/apps/{}/{}", "GET,POST,DELETE"),
    ("/apps/{}/{}/{}", "GET,POST,PUT,DELETE"),
    ("/completions/stream", "GET"),
    ("/completions/task", "GET"),
    ("/streams/definitions", "GET,POST,DELETE"),
    ("/streams/definitions/{}", "GET,DELETE"),
    ("/streams/definitions/{}/related", "GET"),
    ("/streams/definitions/{}/applications", "GET"),
    ("/streams/validation/{}", "GET"),
    ("/streams/deployments", "DELETE"),
    ("/streams/deployments/{}", "GET,POST,DELETE"),
    ("/streams/deployments/{}/manifest", "POST"),
    ("/streams/deployments/history/{}", "GET"),
    ("/streams/deployments/manifest/{}/{}", "GET"),
    ("/streams/deployments/platform/list", "GET"),
    ("/streams/deployments/update/{}", "POST"),
    ("/streams/deployments/rollback/{}/{}", "POST"),
    ("/streams/deployments/scale/{}/{}/instances/{}", "POST"),
    ("/streams/logs/{}", "GET"),
    ("/streams/logs/{}/{}", "GET"),
    ("/runtime/streams", "GET"),
    ("/runtime/streams/{}", "GET"),
    ("/runtime/apps", "GET"),
    ("/runtime/apps/{}", "GET"),
    ("/runtime/apps/{}/instances", "GET"),
    ("/runtime/apps/{}/instances/{}", "GET"),
    ("/tools/parseStream", "POST"),
    ("/tools/parseTaskTextToGraph", "POST"),
    ("/tools/convertTaskGraphToText", "POST"),
];

/// A route and a method: mostly one the route takes, sometimes any.
fn route_and_method() -> impl Strategy<Value = (&'static str, Method)> {
    prop::sample::select(ROUTES).prop_flat_map(|(route, methods)| {
        let taken: Vec<Method> = methods
            .split(',')
            .map(|m| Method::from_bytes(m.as_bytes()).unwrap())
            .collect();
        (
            Just(route),
            prop_oneof![
                4 => prop::sample::select(taken),
                1 => method(),
            ],
        )
    })
}

/// Parameter names the endpoints read.
const PARAMETERS: &[&str] = &[
    "page",
    "size",
    "sort",
    "search",
    "type",
    "version",
    "defaultVersion",
    "apps",
    "uri",
    "metadata-uri",
    "force",
    "skip-invalid",
    "bootVersion",
    "name",
    "definition",
    "description",
    "deploy",
    "nested",
    "start",
    "detailLevel",
];

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        6 => Just(Method::GET),
        6 => Just(Method::POST),
        2 => Just(Method::PUT),
        2 => Just(Method::DELETE),
        1 => Just(Method::PATCH),
        1 => Just(Method::OPTIONS),
        1 => Just(Method::HEAD),
        1 => "[A-Z]{1,12}".prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap()),
    ]
}

/// Text a client could send: DSL fragments, numbers, app coordinates, URIs that never leave
/// the machine, and arbitrary Unicode.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "-?[0-9]{1,12}",
        "(name|type|version|uri|dslText|description|nosuch)(,(asc|desc|x))?",
        "(source|processor|sink|task|app|widget)",
        "(true|false|TRUE|yes)",
        "[a-z]{1,8}( *(\\||&&|\\|\\||>|:) *[a-z]{1,8}){0,4}( --[a-z.]{1,8}=[a-z0-9']{0,6})?",
        "(docker:[a-z]{1,6}/[a-z]{1,6}:[0-9.]{1,5}|maven://a:b:1|file:/tmp/x|file:/etc/passwd|http://127\\.0\\.0\\.1:9/x|http://10\\.0\\.0\\.1/x)",
        "(source|sink|processor)\\.[a-z]{1,6}(\\.metadata|\\.bootVersion)?=[a-z:/.0-9]{0,12}(\\n[a-z.=]{0,12}){0,3}",
        "\\PC{0,40}",
        any::<String>(),
    ]
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "(source|processor|sink|task|app|widget|boot2|boot3)",
        "[a-zA-Z0-9._-]{1,12}",
        Just("..".to_owned()),
        Just("%FF%FE".to_owned()),
        Just("%00".to_owned()),
        "\\PC{1,12}".prop_map(|s| utf8_percent_encode(&s)),
    ]
}

fn utf8_percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                4 => prop::sample::select(PARAMETERS).prop_map(str::to_owned),
                1 => "\\PC{0,8}",
            ],
            value(),
        ),
        0..4,
    )
}

#[derive(Debug, Clone)]
enum Payload {
    None,
    Form(Vec<(String, String)>),
    Json(String),
    Bytes(Option<String>, Vec<u8>),
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        value().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("dsl".to_owned()),
                    Just("name".to_owned()),
                    Just("nodes".to_owned()),
                    Just("links".to_owned()),
                    Just("id".to_owned()),
                    Just("from".to_owned()),
                    Just("to".to_owned()),
                    Just("properties".to_owned()),
                    "[a-z.*]{1,10}",
                ],
                inner,
                0..4
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Forms close to what the endpoints accept, so that requests get past validation and reach
/// the store (creations, updates, conflicts).
fn plausible_form() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = "[a-z]{1,6}";
    prop_oneof![
        prop::collection::vec(
            ("(source|processor|sink|task)", name, "[0-9]\\.[0-9]"),
            1..4
        )
        .prop_map(|apps| {
            let list: Vec<String> = apps
                .iter()
                .map(|(t, n, v)| format!("{t}.{n}=docker:a/{n}:{v}"))
                .collect();
            vec![("apps".to_owned(), list.join("\n"))]
        }),
        (
            "docker:a/[a-z]{1,6}:[0-9]\\.[0-9]",
            prop::option::of("(true|false)")
        )
            .prop_map(|(uri, force)| {
                let mut pairs = vec![("uri".to_owned(), uri)];
                pairs.extend(force.map(|f| ("force".to_owned(), f)));
                pairs
            }),
        (name, value(), "\\PC{0,20}").prop_map(|(n, dsl, description)| vec![
            ("name".to_owned(), n),
            ("definition".to_owned(), dsl),
            ("description".to_owned(), description),
        ]),
    ]
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        Just(Payload::None),
        plausible_form().prop_map(Payload::Form),
        query().prop_map(Payload::Form),
        json_value().prop_map(|v| Payload::Json(v.to_string())),
        Just(Payload::Json("{}".to_owned())),
        (
            prop::option::of(prop_oneof![
                Just("text/plain".to_owned()),
                Just("application/json".to_owned()),
                Just("application/x-www-form-urlencoded".to_owned()),
                "[a-z/+;=-]{0,20}",
            ]),
            prop::collection::vec(any::<u8>(), 0..64),
        )
            .prop_map(|(t, b)| Payload::Bytes(t, b)),
    ]
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn build(
    method: Method,
    route: &str,
    segments: &[String],
    query: &[(String, String)],
    payload: Payload,
) -> Request<Body> {
    let mut path = String::new();
    let mut segments = segments.iter();
    for (i, part) in route.split("{}").enumerate() {
        if i > 0 {
            path.push_str(segments.next().map_or("x", String::as_str));
        }
        path.push_str(part);
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&encode(query));
    }
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost:9393");
    match payload {
        Payload::None => builder.body(Body::empty()),
        Payload::Form(pairs) => builder
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode(&pairs))),
        Payload::Json(text) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(text)),
        Payload::Bytes(content_type, bytes) => {
            let builder = match content_type {
                Some(t) => builder.header(header::CONTENT_TYPE, t),
                None => builder,
            };
            builder.body(Body::from(bytes))
        }
    }
    .expect("generated requests are well-formed HTTP")
}

#[tokio::test]
async fn every_fuzzed_route_exists_with_its_methods() {
    let api = Api::sqlite().await;
    for (route, methods) in ROUTES {
        let path = route.replace("{}", "x");
        let reply = api.send(Method::OPTIONS, &path, None).await;
        assert_eq!(
            reply.status,
            StatusCode::NO_CONTENT,
            "{route} is not a route"
        );
        let mut allowed: Vec<&str> = reply.headers[header::ALLOW]
            .to_str()
            .unwrap()
            .split(',')
            .map(str::trim)
            .filter(|m| *m != "HEAD")
            .collect();
        allowed.sort_unstable();
        let mut listed: Vec<&str> = methods.split(',').collect();
        listed.sort_unstable();
        assert_eq!(allowed, listed, "{route}");
    }
}

#[test]
fn no_request_gets_a_5xx_or_a_panic() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let api = runtime.block_on(Api::sqlite());
    #[expect(
        clippy::disallowed_methods,
        reason = "the case count is the test's only knob, read as proptest reads it"
    )]
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let anything = (
        route_and_method(),
        prop::collection::vec(segment(), 3),
        query(),
        payload(),
    );
    // Creations that mostly pass validation, so that later requests meet stored apps and
    // streams (updates, conflicts, deletes, exports of real streams).
    let creations = (plausible_form(), query()).prop_map(|(form, query)| {
        let route = if form[0].0 == "uri" {
            "/apps/{}/{}"
        } else if form[0].0 == "apps" {
            "/apps"
        } else {
            "/streams/definitions"
        };
        let segments = vec!["source".to_owned(), "time".to_owned(), "x".to_owned()];
        ((route, Method::POST), segments, query, Payload::Form(form))
    });
    let request = prop_oneof![3 => anything, 1 => creations];
    let statuses = std::sync::Mutex::new(std::collections::BTreeMap::<u16, u64>::new());
    runner
        .run(&request, |((route, method), segments, query, payload)| {
            let request = build(method.clone(), route, &segments, &query, payload);
            let reply = runtime.block_on(api.exactly(request));
            *statuses
                .lock()
                .unwrap()
                .entry(reply.status.as_u16())
                .or_default() += 1;
            prop_assert!(
                !reply.status.is_server_error(),
                "{method} {route}: {} {}",
                reply.status,
                reply.text
            );
            if reply.status.is_client_error() && method != Method::HEAD {
                prop_assert!(
                    reply.json["_embedded"]["errors"][0]["message"].is_string(),
                    "{method} {route}: {} is not SCDF's error body: {}",
                    reply.status,
                    reply.text
                );
            }
            Ok(())
        })
        .unwrap();
    // What the generated requests got, so a run shows it reached the handlers (2xx) and not
    // only the edges (4xx): `--nocapture` prints it.
    let statuses = statuses.into_inner().unwrap();
    println!("{cases} requests, by status: {statuses:?}");
    let handled = statuses.range(200..300).map(|(_, n)| n).sum::<u64>();
    assert!(handled > 0, "no generated request succeeded: {statuses:?}");
}
