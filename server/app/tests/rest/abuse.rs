//! The bad-input and abuse suite: each test replays one finding of the security review (what
//! a careless client or an attacker sent) and asserts the fixed behaviour. Numbers in the test
//! names follow the review's list.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use super::streams::{created, import};
use super::{Api, MAX_BODY, Reply, form};

/// `a && a && … && a` with `count` names.
fn repeated_task(count: usize) -> String {
    vec!["a"; count].join(" && ")
}

// --- 1. one request must not exhaust memory ---------------------------------------------

#[tokio::test]
async fn f01_a_task_dsl_past_the_cap_is_refused_before_parsing() {
    let api = Api::with_body_limit(1024 * 1024).await;
    let dsl = repeated_task(30_000); // 150 KB: used to abort the process
    let started = Instant::now();
    let reply = api
        .post_json("/tools/parseTaskTextToGraph", &json!({ "dsl": dsl }))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(reply.logref(), "DefinitionTooLongException");
    assert!(
        reply
            .error_message()
            .contains(&dataflow_dsl::MAX_DSL_CHARS.to_string()),
        "the message names the limit: {}",
        reply.error_message()
    );
    assert!(
        reply.text.len() < 1024,
        "the text is not quoted back: {} bytes",
        reply.text.len()
    );
    // Not a timing assertion on the parser: only that nothing ran for long.
    assert!(started.elapsed() < Duration::from_secs(10));

    for uri in ["/tools/parseStream"] {
        let reply = api
            .post_json(uri, &json!({ "dsl": "a".repeat(200_000) }))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(reply.logref(), "DefinitionTooLongException", "{uri}");
    }
    let stream = api
        .post(
            "/streams/definitions",
            &form(&[("name", "s"), ("definition", &"a".repeat(200_000))]),
        )
        .await;
    assert_eq!(stream.status, StatusCode::BAD_REQUEST, "{}", stream.text);
    assert_eq!(stream.logref(), "DefinitionTooLongException");
    // Longer than a URI may be, so in a form body, which Spring reads alike.
    let completion = api
        .send(
            Method::GET,
            "/completions/stream",
            Some(&form(&[("start", &"a".repeat(100_000))])),
        )
        .await;
    assert_eq!(
        completion.status,
        StatusCode::BAD_REQUEST,
        "{}",
        completion.text
    );
    assert_eq!(completion.logref(), "DefinitionTooLongException");
}

#[tokio::test]
async fn f01_many_errors_under_the_cap_are_bounded_and_share_the_text() {
    let api = Api::sqlite().await;
    // 12,000 duplicate names (60 KB) took ~0.8 GB before errors shared the text.
    let reply = api
        .post_json(
            "/tools/parseTaskTextToGraph",
            &json!({ "dsl": repeated_task(12_000) }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let errors = reply.json["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert!(
        errors.len() <= dataflow_dsl::MAX_ERRORS,
        "{} errors reported",
        errors.len()
    );
    assert!(
        reply.text.len() < 16 * 1024 * 1024,
        "the response stays small: {} bytes",
        reply.text.len()
    );
}

// --- 2. local files ----------------------------------------------------------------------

const SECRET_MARKER: &str = "marker-7f3c-must-never-be-echoed";

#[tokio::test]
async fn f02_file_lists_are_off_by_default_and_name_the_option() {
    let api = Api::sqlite().await;
    for uri in [
        "file:/etc/passwd",
        "file:///etc/shadow",
        "file:/proc/self/environ",
        "file:/proc/self/cmdline",
        "file:/proc/self/fd/3",
    ] {
        let reply = api.post("/apps", &form(&[("uri", uri)])).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(reply.logref(), "AppListLocationRefusedException", "{uri}");
        assert!(
            reply.error_message().contains("--app-import-dir"),
            "{uri}: {}",
            reply.error_message()
        );
        assert!(!reply.text.contains("root:"), "{uri}: {}", reply.text);
    }
}

#[tokio::test]
async fn f02_allowed_directories_cannot_be_escaped_and_contents_are_never_quoted() {
    let allowed = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.properties");
    std::fs::write(&secret, format!("source.x=docker:a/x:1\n{SECRET_MARKER}\n")).unwrap();
    std::os::unix::fs::symlink(&secret, allowed.path().join("link.properties")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", allowed.path().join("passwd")).unwrap();
    std::fs::create_dir(allowed.path().join("sub")).unwrap();
    // Invalid lines inside the allowed directory: reported by number and kind only.
    std::fs::write(
        allowed.path().join("bad.properties"),
        format!(
            "source.ok=docker:a/ok:1\n{SECRET_MARKER}\n\
             sink.x={SECRET_MARKER}\nsource.{SECRET_MARKER} x=docker:a/c:1\n"
        ),
    )
    .unwrap();
    let api = Api::importing_from(&[allowed.path()], &[]).await;
    let dir = allowed.path().display().to_string();

    let mut unreadable_messages = Vec::new();
    for uri in [
        format!("file:{dir}/link.properties"),
        format!("file:{dir}/passwd"),
        "file:/etc/passwd".to_owned(),
        format!("file:{dir}/sub"),
        format!("file:{dir}/missing.properties"),
    ] {
        let reply = api.post("/apps", &form(&[("uri", &uri)])).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(reply.logref(), "AppListUnreadableException", "{uri}");
        assert!(!reply.text.contains(SECRET_MARKER) && !reply.text.contains("root:"));
        unreadable_messages.push(reply.error_message().replace(&uri, "URI"));
    }
    unreadable_messages.dedup();
    assert_eq!(
        unreadable_messages.len(),
        1,
        "a missing file, a directory and a forbidden file read alike: {unreadable_messages:#?}"
    );

    let dotdot = api
        .post(
            "/apps",
            &form(&[("uri", &format!("file:{dir}/sub/../../etc/passwd"))]),
        )
        .await;
    assert_eq!(dotdot.status, StatusCode::BAD_REQUEST);
    assert!(!dotdot.text.contains("root:"));

    let bad = api
        .post(
            "/apps",
            &form(&[("uri", &format!("file:{dir}/bad.properties"))]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.logref(), "InvalidAppListException");
    assert!(bad.error_message().contains("line 2"), "{}", bad.text);
    assert!(!bad.text.contains(SECRET_MARKER), "{}", bad.text);
    let skipped = api
        .post(
            "/apps",
            &form(&[
                ("uri", &format!("file:{dir}/bad.properties")),
                ("skip-invalid", "true"),
            ]),
        )
        .await;
    assert_eq!(skipped.status, StatusCode::CREATED, "{}", skipped.text);
    assert!(!skipped.text.contains(SECRET_MARKER), "{}", skipped.text);
}

// --- 3. server-side request forgery ------------------------------------------------------

/// A TCP listener on the loopback interface that counts the connections it accepts.
struct Canary {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Canary {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let task = tokio::spawn(async move {
            while let Ok((_socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        Self { addr, hits, task }
    }
}

impl Drop for Canary {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test]
async fn f03_internal_addresses_are_never_contacted() {
    let canary = Canary::start().await;
    let port = canary.addr.port();
    let api = Api::sqlite().await;
    for uri in [
        format!("http://127.0.0.1:{port}/apps.properties"),
        format!("http://localhost:{port}/apps.properties"),
        format!("http://127.1:{port}/x"),
        format!("http://2130706433:{port}/x"),
        format!("http://[::ffff:127.0.0.1]:{port}/x"),
        format!("http://0.0.0.0:{port}/x"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[fd00::1]/x".to_owned(),
        "http://10.0.0.1/x".to_owned(),
    ] {
        let reply = api.post("/apps", &form(&[("uri", &uri)])).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.text
        );
        assert_eq!(
            reply.logref(),
            "AppListLocationRefusedException",
            "{uri}: {}",
            reply.text
        );
        assert!(
            reply.error_message().contains("--app-import-allowed-host"),
            "{uri}: {}",
            reply.error_message()
        );
    }
    assert_eq!(
        canary.hits.load(Ordering::SeqCst),
        0,
        "the canary was contacted"
    );
}

#[tokio::test]
async fn f03_redirects_are_checked_at_every_hop_and_content_is_not_echoed() {
    let canary = Canary::start().await;
    let target = format!("http://localhost:{}/apps.properties", canary.addr.port());
    // An allowed host that redirects to an internal one.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let allowed = listener.local_addr().unwrap();
    let redirector = axum::Router::new()
        .route(
            "/redirect",
            axum::routing::get(move || {
                let target = target.clone();
                async move { axum::response::Redirect::temporary(&target) }
            }),
        )
        .route(
            "/page",
            axum::routing::get(|| async { format!("<html>{SECRET_MARKER}</html>") }),
        );
    let server = tokio::spawn(async move { axum::serve(listener, redirector).await });

    let api = Api::importing_from(&[], &["127.0.0.1"]).await;
    let redirected = api
        .post(
            "/apps",
            &form(&[("uri", &format!("http://{allowed}/redirect"))]),
        )
        .await;
    assert_eq!(
        redirected.status,
        StatusCode::BAD_REQUEST,
        "{}",
        redirected.text
    );
    assert_eq!(redirected.logref(), "AppListLocationRefusedException");
    assert_eq!(
        canary.hits.load(Ordering::SeqCst),
        0,
        "the canary was contacted"
    );

    // What an allowed URL answers is never quoted, even when it is not an app list.
    let page = api
        .post(
            "/apps",
            &form(&[("uri", &format!("http://{allowed}/page"))]),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(!page.text.contains(SECRET_MARKER), "{}", page.text);
    server.abort();
}

// --- 4. sizes that metadata does not tell -----------------------------------------------

#[tokio::test]
async fn f04_devices_fifos_and_oversized_files_are_refused_in_time() {
    let allowed = tempfile::tempdir().unwrap();
    let fifo = allowed.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", allowed.path().join("zero")).unwrap();
    let big = allowed.path().join("big.properties");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_BODY as u64 + 1)
        .unwrap();
    let api = Api::importing_from(&[allowed.path(), std::path::Path::new("/dev")], &[]).await;
    let dir = allowed.path().display().to_string();
    for (uri, phrase) in [
        (format!("file:{dir}/fifo"), "regular file"),
        (format!("file:{dir}/zero"), "regular file"),
        ("file:/dev/zero".to_owned(), "regular file"),
        (format!("file:{dir}/big.properties"), "larger than"),
    ] {
        let reply = tokio::time::timeout(
            Duration::from_secs(30),
            api.post("/apps", &form(&[("uri", &uri)])),
        )
        .await
        .unwrap_or_else(|_| panic!("{uri} held the request"));
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.text
        );
        assert!(
            reply.error_message().contains(phrase),
            "{uri}: {}",
            reply.error_message()
        );
    }
}

// --- 5. list parameters that reached the database's limits ---------------------------------

#[tokio::test]
async fn f05_thousands_of_sorts_and_huge_searches_are_400s() {
    let api = Api::sqlite().await;
    import(&api, "source.time=docker:a/time:1\nsink.log=docker:a/log:1").await;
    created(&api, "ticktock", "time | log").await;
    for list in ["/apps", "/streams/definitions"] {
        let sorts = vec!["sort=name"; 2_100].join("&");
        let reply = api.get(&format!("{list}?{sorts}")).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{list}: {}",
            reply.text
        );
        assert!(
            reply.error_message().contains("'sort'") && reply.error_message().contains("16"),
            "{list}: {}",
            reply.error_message()
        );
        let folded = api.get(&format!("{list}?sort=name&sort=name,desc")).await;
        assert_eq!(
            folded.status,
            StatusCode::OK,
            "{list}: a repeated property folds"
        );

        let reply = api
            .get(&format!("{list}?search={}", "x".repeat(60_000)))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{list}: {}",
            reply.text
        );
        assert!(reply.error_message().contains("search"), "{}", reply.text);
    }
}

// --- 6. heavy DSL work does not block the server -------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f06_health_answers_while_large_definitions_are_parsed() {
    let api = Arc::new(Api::sqlite().await);
    let args: String = (0..)
        .map(|i| format!(" --a{i}=1"))
        .scan(0, |len, arg: String| {
            *len += arg.len();
            (*len < dataflow_dsl::MAX_DSL_CHARS - 8).then_some(arg)
        })
        .collect();
    let dsl = format!("t{args}");
    let heavy: Vec<_> = (0..2)
        .map(|_| {
            let api = api.clone();
            let dsl = dsl.clone();
            tokio::spawn(async move {
                api.post_json("/tools/parseTaskTextToGraph", &json!({ "dsl": dsl }))
                    .await
            })
        })
        .collect();
    let started = Instant::now();
    let health = api.get("/management/health").await;
    let waited = started.elapsed();
    assert_eq!(health.status, StatusCode::OK);
    // A generous bound, not a benchmark (scripts/bench.sh measures): before the fix two such
    // requests held health for seconds.
    assert!(waited < Duration::from_secs(2), "health took {waited:?}");
    for request in heavy {
        let reply = request.await.unwrap();
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
}

// --- 7. metric labels a client cannot grow ---------------------------------------------------

#[tokio::test]
async fn f07_unknown_methods_add_no_series() {
    let api = Api::sqlite().await;
    let before = api.get("/metrics").await.text.lines().count();
    for i in 0..200 {
        let method = Method::from_bytes(format!("MAZYLE{i}XX").as_bytes()).unwrap();
        let reply = api.send(method, "/nope", None).await;
        assert!(reply.status.is_client_error());
    }
    let metrics = api.get("/metrics").await.text;
    assert!(!metrics.contains("MAZYLE"), "{metrics}");
    assert!(metrics.contains(r#"method="other""#), "{metrics}");
    let after = metrics.lines().count();
    assert!(
        after < before + 60,
        "{} new metric lines for 200 requests",
        after - before
    );
}

// --- 8. secrets inside values ---------------------------------------------------------------

#[tokio::test]
async fn f08_secrets_embedded_in_values_are_masked_everywhere() {
    let api = Api::sqlite().await;
    import(&api, "source.time=docker:a/time:1\nsink.log=docker:a/log:1").await;
    let dsl = "time --conn='jdbc:mysql://h/db?user=u&password=hunter2' \
               --opts='-Dspring.datasource.password=hunter2' \
               --site=https://admin:hunter2@example.com/x | log";
    created(&api, "secretive", dsl).await;
    let shown = api.get("/streams/definitions/secretive").await;
    let listed = api.get("/streams/definitions").await;
    let export = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri("/streams/deployments/secretive/manifest")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    for reply in [&shown, &listed, &export] {
        assert!(!reply.text.contains("hunter2"), "{}", reply.text);
        assert!(reply.text.contains("******"), "{}", reply.text);
    }
    assert!(
        shown.text.contains("jdbc:mysql://h/db"),
        "the rest stays: {}",
        shown.text
    );
}

// --- 9. the smaller ones ---------------------------------------------------------------------

#[tokio::test]
async fn f09_invisible_and_control_characters_are_refused_with_their_position() {
    let api = Api::sqlite().await;
    for (path, uri, code_point) in [
        ("/apps/source/ab%E2%80%AEc", "docker:a/x:1", "U+202E"),
        ("/apps/source/ab%E2%80%8Bc", "docker:a/x:1", "U+200B"),
        ("/apps/source/ab%00c", "docker:a/x:1", "U+0000"),
        ("/apps/source/abc/1.0%E2%81%A6", "docker:a/x:1", "U+2066"),
    ] {
        let reply = api.post(path, &form(&[("uri", uri)])).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.text
        );
        assert!(
            reply.error_message().contains(code_point),
            "{path}: {}",
            reply.error_message()
        );
        assert!(
            reply.error_message().contains("position"),
            "{path}: {}",
            reply.error_message()
        );
    }
    assert_eq!(api.get("/apps").await.json["page"]["totalElements"], 0);

    // Java's identifier rules let format characters into DSL labels; a stored stream must not
    // display as another.
    import(&api, "source.time=docker:a/time:1\nsink.log=docker:a/log:1").await;
    let spoofed = api
        .post(
            "/streams/definitions",
            &form(&[("name", "s"), ("definition", "ti\u{202E}me: time | log")]),
        )
        .await;
    assert_eq!(spoofed.status, StatusCode::BAD_REQUEST, "{}", spoofed.text);
    assert!(
        spoofed.error_message().contains("U+202E at position 2"),
        "{}",
        spoofed.error_message()
    );
}

#[tokio::test]
async fn f09_overlong_fields_are_refused_and_nothing_is_stored() {
    let api = Api::sqlite().await;
    let long_uri = format!("docker:a/{}:1", "x".repeat(10_000));
    let reply = api
        .post("/apps/source/x", &form(&[("uri", &long_uri)]))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let reply = api
        .post(
            "/apps/source/x",
            &form(&[("uri", "docker:a/x:1"), ("metadata-uri", &long_uri)]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let version = "1".repeat(300);
    let reply = api
        .post(
            &format!("/apps/source/x/{version}"),
            &form(&[("uri", "docker:a/x:1")]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);

    import(&api, "source.time=docker:a/time:1\nsink.log=docker:a/log:1").await;
    let reply = api
        .post(
            "/streams/definitions",
            &form(&[
                ("name", "described"),
                ("definition", "time | log"),
                ("description", &"d".repeat(1_000)),
            ]),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{}",
        reply.error_message()
    );
    assert!(
        reply.error_message().contains("escription"),
        "{}",
        reply.error_message()
    );
    assert_eq!(
        api.get("/streams/definitions").await.json["page"]["totalElements"],
        0
    );
}

#[tokio::test]
async fn f09_form_values_that_are_not_utf8_are_refused() {
    let api = Api::sqlite().await;
    let reply = api
        .post("/apps/source/x", "uri=docker%3Aa%2Fx%3A1%FF")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.logref(), "MalformedRequestException");
    assert!(reply.error_message().contains("UTF-8"), "{}", reply.text);
    let query = api.get("/apps?search=%C3%28").await;
    assert_eq!(query.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.get("/apps").await.json["page"]["totalElements"], 0);
}

#[tokio::test]
async fn f09_host_headers_follow_rfc_9112() {
    let api = Api::sqlite().await;
    let request = |hosts: &[&str]| {
        let mut builder = Request::builder().uri("/about");
        for host in hosts {
            builder = builder.header(header::HOST, *host);
        }
        builder.body(Body::empty()).unwrap()
    };
    for hosts in [
        &[][..],
        &["a.example", "b.example"][..],
        &["evil.example/phish?"][..],
    ] {
        let reply = api.exactly(request(hosts)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{hosts:?}");
        assert_eq!(reply.logref(), "MalformedRequestException");
    }
    let http2 = api
        .exactly(
            Request::builder()
                .uri("http://dataflow.example:9393/about")
                .version(axum::http::Version::HTTP_2)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        http2.status,
        StatusCode::OK,
        "HTTP/2 carries the authority itself"
    );
    let one = api.exactly(request(&["localhost:9393"])).await;
    assert_eq!(one.status, StatusCode::OK);
}

#[tokio::test]
async fn f09_undecodable_paths_get_the_json_error_body() {
    let api = Api::sqlite().await;
    let reply = api.get("/apps/source/%FF%FE").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.logref(), "MalformedRequestException");
    assert_eq!(reply.headers["content-type"], "application/hal+json");
}

#[tokio::test]
async fn f09_options_answers_with_allow() {
    let api = Api::sqlite().await;
    let reply = api.send(Method::OPTIONS, "/apps", None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let allow = reply.headers[header::ALLOW].to_str().unwrap();
    for method in ["GET", "POST", "DELETE"] {
        assert!(allow.contains(method), "{allow}");
    }
    assert!(
        reply.headers.get("access-control-allow-origin").is_none(),
        "no CORS unless configured"
    );
    let unknown = api.send(Method::OPTIONS, "/nowhere", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

// --- 10-14. SCDF's own dashboard ---------------------------------------------------------------

#[tokio::test]
async fn f10_security_info_answers_while_security_is_off() {
    let api = Api::sqlite().await;
    let reply = api.get("/security/info").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json,
        json!({
            "authenticationEnabled": false,
            "authenticated": false,
            "username": null,
            "roles": [],
            "_links": { "self": { "href": "http://localhost:9393/security/info" } }
        })
    );
}

/// What the dashboard sends: every argument in the query string, `{}` as a JSON body.
async fn dashboard_post(api: &Api, uri: &str) -> Reply {
    api.raw(
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn f11_query_parameters_with_an_empty_json_body_are_read() {
    let api = Api::sqlite().await;
    let apps = form(&[(
        "apps",
        "source.time=docker:a/time:1\nsink.log=docker:a/log:1",
    )]);
    let bulk = dashboard_post(&api, &format!("/apps?{apps}&force=false")).await;
    assert_eq!(bulk.status, StatusCode::CREATED, "{}", bulk.text);
    let one = dashboard_post(
        &api,
        "/apps/processor/up?uri=docker%3Aa%2Fup%3A1&force=false",
    )
    .await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.text);
    assert_eq!(api.get("/apps").await.json["page"]["totalElements"], 3);

    // A JSON body with content is refused, not silently dropped.
    let content = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri("/apps/processor/up2")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"uri":"docker:a/up2:1"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(content.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn f12_boot_version_and_schema_endpoints() {
    let api = Api::sqlite().await;
    let registered = api
        .post(
            "/apps/source/time",
            &form(&[("uri", "docker:a/time:1"), ("bootVersion", "3")]),
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    let bulk = api
        .post(
            "/apps",
            &form(&[("apps", "sink.log=docker:a/log:1\nsink.log.bootVersion=2\n")]),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::CREATED, "{}", bulk.text);
    let bad = api
        .post(
            "/apps/source/other",
            &form(&[("uri", "docker:a/o:1"), ("bootVersion", "4")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let list = api.get("/apps").await;
    for app in list.json["_embedded"]["appRegistrationResourceList"]
        .as_array()
        .unwrap()
    {
        assert_eq!(app["bootVersion"], "2", "{app}");
    }
    assert_eq!(api.get("/apps/source/time").await.json["bootVersion"], "2");

    let versions = api.get("/schema/versions").await;
    assert_eq!(versions.json["defaultSchemaVersion"], "2");
    assert_eq!(versions.json["versions"], json!(["2", "3"]));
    let targets = api.get("/schema/targets").await;
    assert_eq!(targets.json["defaultSchemaTarget"], "boot2");
    assert_eq!(
        targets.json["schemas"][1],
        json!({
            "name": "boot3",
            "schemaVersion": "3",
            "taskPrefix": "BOOT3_TASK_",
            "batchPrefix": "BOOT3_BATCH_",
            "datasource": null,
            "_links": { "self": { "href": "http://localhost:9393/schema/targets/boot3" } }
        })
    );
    assert_eq!(
        api.get("/schema/targets/boot2").await.json["taskPrefix"],
        "TASK_"
    );
    assert_eq!(
        api.get("/schema/targets/boot9").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn f13_unmatched_routes_answer_in_the_embedded_errors_shape() {
    let api = Api::sqlite().await;
    for (reply, status) in [
        (api.get("/no/such/page").await, StatusCode::NOT_FOUND),
        (
            api.send(Method::PUT, "/streams/definitions", None).await,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ] {
        assert_eq!(reply.status, status);
        let errors = reply.json["_embedded"]["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1);
        assert!(errors[0]["logref"].is_string() && errors[0]["message"].is_string());
    }
}

#[tokio::test]
async fn f14_history_of_a_stream_never_deployed_is_empty() {
    let api = Api::sqlite().await;
    import(&api, "source.time=docker:a/time:1\nsink.log=docker:a/log:1").await;
    created(&api, "ticktock", "time | log").await;
    let history = api.get("/streams/deployments/history/ticktock").await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.json, json!([]));
    let unknown = api.get("/streams/deployments/history/nothing").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.logref(), "NoSuchStreamDefinitionException");
}
