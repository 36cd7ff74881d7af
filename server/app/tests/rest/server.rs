//! The root, about, management and metrics endpoints, and bulk imports from a location.

use axum::http::StatusCode;
use serde_json::json;

use super::registry::WORKSHOP;
use super::{Api, form};

#[tokio::test]
async fn root_links_what_exists() {
    let api = Api::sqlite().await;
    let root = api.get("/").await;
    assert_eq!(root.status, StatusCode::OK);
    assert_eq!(
        root.json,
        json!({
            "_links": {
                "about": { "href": "http://localhost:9393/about" },
                "apps": { "href": "http://localhost:9393/apps" },
                "completions/stream": {
                    "href": "http://localhost:9393/completions/stream{?start,detailLevel}",
                    "templated": true
                },
                "completions/task": {
                    "href": "http://localhost:9393/completions/task{?start,detailLevel}",
                    "templated": true
                },
                "streams/definitions": { "href": "http://localhost:9393/streams/definitions" },
                "streams/definitions/definition": {
                    "href": "http://localhost:9393/streams/definitions/{name}",
                    "templated": true
                },
                "streams/validation": {
                    "href": "http://localhost:9393/streams/validation/{name}",
                    "templated": true
                }
            },
            "api.revision": 14
        })
    );
}

#[tokio::test]
async fn about_has_scdfs_shape() {
    let api = Api::sqlite().await;
    let about = api.get("/about").await;
    assert_eq!(about.status, StatusCode::OK);
    let j = &about.json;
    assert_eq!(
        j["featureInfo"]["streamsEnabled"], true,
        "stream definitions are served"
    );
    assert_eq!(
        j["versionInfo"]["implementation"]["name"],
        "dataflow-server"
    );
    assert_eq!(
        j["versionInfo"]["implementation"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(j["securityInfo"]["authenticationEnabled"], false);
    assert_eq!(
        j["runtimeEnvironment"]["appDeployer"]["platformType"],
        "none"
    );
    assert!(j["runtimeEnvironment"]["taskLaunchers"].is_array());
    assert_eq!(j["monitoringDashboardInfo"]["dashboardType"], "NONE");
    assert_eq!(j["_links"]["self"]["href"], "http://localhost:9393/about");
}

#[tokio::test]
async fn links_follow_forwarded_headers_only_when_trusted() {
    let request = || {
        axum::http::Request::builder()
            .uri("/about")
            .header("host", "internal:9393")
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-host", "dataflow.example.com")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let direct = Api::sqlite().await.raw(request()).await;
    assert_eq!(
        direct.json["_links"]["self"]["href"], "http://internal:9393/about",
        "any client can send X-Forwarded-*: ignored unless the operator trusts a proxy"
    );

    let db = dataflow_store::testing::sqlite().await;
    let state = dataflow_server::state::AppState::new(
        db.store.clone(),
        super::MAX_BODY,
        std::time::Duration::from_secs(5),
    )
    .unwrap()
    .trusting_forwarded_headers(true);
    let behind_proxy = Api::from_state(db, state).raw(request()).await;
    assert_eq!(
        behind_proxy.json["_links"]["self"]["href"],
        "https://dataflow.example.com/about"
    );
}

#[tokio::test]
async fn health_reports_the_database() {
    let api = Api::sqlite().await;
    let health = api.get("/management/health").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json["status"], "UP");
    assert_eq!(
        health.json["components"]["db"]["details"]["database"],
        "sqlite"
    );
    assert_eq!(
        api.get("/management/info").await.json["app"]["name"],
        "dataflow-server"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let api = Api::sqlite().await;
    api.get("/apps/source/nothing").await;
    api.get("/apps/sink/other").await;
    api.get("/nowhere").await;
    let metrics = api.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = &metrics.text;
    assert!(
        text.contains(
            r#"dataflow_http_requests_total{method="GET",route="/apps/{type}/{name}",status="404"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",status="404"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("dataflow_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(!text.contains("nothing"), "raw paths never become labels");
    assert!(text.trim_end().ends_with("# EOF"));
}

#[tokio::test]
async fn bulk_import_reads_a_file_location() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::importing_from(&[dir.path()], &[]).await;
    let path = dir.path().join("apps.properties");
    std::fs::write(&path, WORKSHOP).unwrap();
    let uri = format!("file:{}", path.display());
    let reply = api.post("/apps", &form(&[("uri", &uri)])).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json["importReport"]["created"], 4);
}

#[tokio::test]
async fn bulk_import_reads_an_http_location() {
    // A real HTTP server on the loopback interface serves the list.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let lists = axum::Router::new()
        .route(
            "/apps.properties",
            axum::routing::get(|| async { WORKSHOP }),
        )
        .route(
            "/missing",
            axum::routing::get(|| async { (StatusCode::NOT_FOUND, "no") }),
        );
    let server = tokio::spawn(async move { axum::serve(listener, lists).await });

    // Loopback addresses are refused unless the operator allows the host.
    let api = Api::importing_from(&[], &["127.0.0.1"]).await;
    let ok = api
        .post(
            "/apps",
            &form(&[("uri", &format!("http://{addr}/apps.properties"))]),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json["importReport"]["created"], 4);

    let missing = api
        .post(
            "/apps",
            &form(&[("uri", &format!("http://{addr}/missing"))]),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.error_message().contains("404"),
        "{}",
        missing.error_message()
    );
    server.abort();
}
