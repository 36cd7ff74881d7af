//! Bad input gets a clear 4xx naming the problem, never a 500, and writes nothing.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use super::{Api, MAX_BODY, form};

#[tokio::test]
async fn unknown_types_get_springs_enum_message() {
    let api = Api::sqlite().await;
    for path in ["/apps/widget/x", "/apps?type=widget"] {
        let reply = if path.contains('?') {
            api.get(path).await
        } else {
            api.post(path, &form(&[("uri", "docker:a/x:1")])).await
        };
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(reply.logref(), "MethodArgumentTypeMismatchException");
        assert!(
            reply.error_message().starts_with(
                "The parameter 'type' must contain one of the following values: \
                 'app, source, processor, sink, task'"
            ),
            "{}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn bad_names_versions_and_uris_are_named() {
    let api = Api::sqlite().await;
    let cases = [
        (
            "/apps/source/a:b",
            "docker:a/x:1",
            "InvalidApplicationNameException",
            "cannot contain: ':'",
        ),
        (
            "/apps/source/my.app",
            "docker:a/x:1",
            "InvalidApplicationNameException",
            "'.' at position 2",
        ),
        (
            "/apps/source/x",
            "docker:Upper/x:1",
            "InvalidAppUriException",
            "lowercase",
        ),
        (
            "/apps/source/x",
            "docker:a/x",
            "InvalidAppUriException",
            "tag",
        ),
        (
            "/apps/source/x",
            "trucks",
            "InvalidAppUriException",
            "no scheme",
        ),
        (
            "/apps/source/x",
            "classpath:x.jar",
            "InvalidAppUriException",
            "classpath",
        ),
        (
            "/apps/source/x",
            "https://h/x/app.jar",
            "InvalidAppUriException",
            "Could not parse version",
        ),
        (
            "/apps/source/x/1%200",
            "docker:a/x:1",
            "InvalidAppUriException",
            "position 1",
        ),
    ];
    for (path, uri, logref, phrase) in cases {
        let reply = api.post(path, &form(&[("uri", uri)])).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path} {uri}: {}",
            reply.text
        );
        assert_eq!(reply.logref(), logref, "{path} {uri}");
        assert!(
            reply.error_message().contains(phrase),
            "{path} {uri}: {}",
            reply.error_message()
        );
    }
    let bad_metadata = api
        .post(
            "/apps/source/x",
            &form(&[("uri", "docker:a/x:1"), ("metadata-uri", "nope")]),
        )
        .await;
    assert_eq!(bad_metadata.status, StatusCode::BAD_REQUEST);
    assert!(bad_metadata.error_message().starts_with("metadata-uri: "));
    assert_eq!(api.get("/apps").await.json["page"]["totalElements"], 0);
}

#[tokio::test]
async fn missing_and_malformed_parameters() {
    let api = Api::sqlite().await;
    let no_uri = api.post("/apps/source/x", "").await;
    assert_eq!(no_uri.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_uri.logref(), "MissingServletRequestParameterException");
    assert!(no_uri.error_message().contains("'uri'"));

    let no_list = api.post("/apps", "force=true").await;
    assert_eq!(no_list.status, StatusCode::BAD_REQUEST);
    assert!(no_list.error_message().contains("'apps' or 'uri'"));
    let both = api
        .post("/apps", &form(&[("apps", "x"), ("uri", "file:/x")]))
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);

    let force = api
        .post(
            "/apps/source/x",
            &form(&[("uri", "docker:a/x:1"), ("force", "yes")]),
        )
        .await;
    assert_eq!(force.status, StatusCode::BAD_REQUEST);
    assert!(
        force
            .error_message()
            .contains("'force' must be true or false")
    );

    for (query, phrase) in [
        ("page=-1", "'page'"),
        ("page=one", "'page'"),
        ("size=0", "'size'"),
        ("sort=uriX,asc", "Cannot sort by 'uriX'"),
        ("sort=,desc", "needs a property"),
        ("defaultVersion=maybe", "'defaultVersion'"),
    ] {
        let reply = api.get(&format!("/apps?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            reply.error_message().contains(phrase),
            "{query}: {}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn empty_lists_json_bodies_and_oversized_bodies() {
    let api = Api::sqlite().await;
    let empty = api.post("/apps", &form(&[("apps", "# nothing\n\n")])).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.error_message().contains("no registrations"));

    let json = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri("/apps/source/x")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"uri":"docker:a/x:1"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        json.error_message()
            .contains("application/x-www-form-urlencoded")
    );

    let huge = format!("apps={}", "a".repeat(MAX_BODY + 1));
    let too_large = api.post("/apps", &huge).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.logref(), "PayloadTooLargeException");
}

#[tokio::test]
async fn unreadable_list_locations_are_400s() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::importing_from(&[dir.path()], &[]).await;
    let missing = format!("file:{}/not-here.properties", dir.path().display());
    for (uri, logref, phrase) in [
        (
            missing.as_str(),
            "AppListUnreadableException",
            "Could not read the app list at",
        ),
        (
            "ftp://example.com/apps.properties",
            "AppListLocationRefusedException",
            "'ftp' is not supported",
        ),
        ("not a url", "AppListUnreadableException", "not a URL"),
    ] {
        let reply = api.post("/apps", &form(&[("uri", uri)])).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.text
        );
        assert_eq!(reply.logref(), logref, "{uri}");
        assert!(
            reply.error_message().contains(phrase),
            "{uri}: {}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn unrouted_requests_get_scdfs_error_body() {
    let api = Api::sqlite().await;
    let missing = api.get("/no/such/thing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.logref(), "NoHandlerFoundException");
    assert!(
        missing.error_message().contains("'/no/such/thing'"),
        "{}",
        missing.error_message()
    );

    let wrong_method = api.send(Method::PATCH, "/apps", None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        wrong_method.logref(),
        "HttpRequestMethodNotSupportedException"
    );
    let allow = wrong_method.headers[header::ALLOW].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}
