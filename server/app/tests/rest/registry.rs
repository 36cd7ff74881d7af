//! The app registry as SCDF clients drive it (reference §1.3, §6).

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{Api, form};

pub(crate) const WORKSHOP: &str = "\
source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT
processor.brake-temperature=docker:dev.local/brake-temperature:0.0.1-SNAPSHOT
sink.brake-log=docker:dev.local/brake-logs:0.0.1-SNAPSHOT
task.thumbinator=docker:sabby/thumbinator:0.0.1-SNAPSHOT
";

fn resource(app_type: &str, name: &str, uri: &str) -> serde_json::Value {
    json!({
        "name": name,
        "type": app_type,
        "uri": uri,
        "metaDataUri": null,
        "version": "0.0.1-SNAPSHOT",
        "defaultVersion": true,
        "versions": null,
        "label": null,
        "bootVersion": "2",
        "_links": { "self": { "href": format!("http://localhost:9393/apps/{app_type}/{name}/0.0.1-SNAPSHOT") } }
    })
}

/// The acceptance check: the workshop lines, bulk-imported as text, come back exactly.
async fn workshop_bulk_import_comes_back_exactly(api: Api) {
    let created = api.post("/apps", &form(&[("apps", WORKSHOP)])).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.headers["content-type"], "application/hal+json");
    assert_eq!(created.json["importReport"]["created"], 4);
    assert_eq!(
        created.json["_embedded"]["appRegistrationResourceList"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    let listed = api.get("/apps").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        listed.json,
        json!({
            "_embedded": { "appRegistrationResourceList": [
                resource("processor", "brake-temperature", "docker:dev.local/brake-temperature:0.0.1-SNAPSHOT"),
                resource("sink", "brake-log", "docker:dev.local/brake-logs:0.0.1-SNAPSHOT"),
                resource("source", "trucks", "docker:dev.local/trucks:0.0.1-SNAPSHOT"),
                resource("task", "thumbinator", "docker:sabby/thumbinator:0.0.1-SNAPSHOT"),
            ]},
            "_links": { "self": { "href": "http://localhost:9393/apps?page=0&size=20" } },
            "page": { "size": 20, "totalElements": 4, "totalPages": 1, "number": 0 }
        })
    );

    // Importing the same list again changes nothing and says so.
    let again = api.post("/apps", &form(&[("apps", WORKSHOP)])).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json["importReport"]["created"], 0);
    assert_eq!(
        again.json["importReport"]["alreadyRegistered"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert!(again.json.get("_embedded").is_none(), "nothing was saved");
    assert_eq!(api.get("/apps").await.json["page"]["totalElements"], 4);
}

async fn single_registration_conflicts_and_force(api: Api) {
    let uri = "docker:springcloudstream/time-source-kafka:5.0.0";
    let created = api.post("/apps/source/time", &form(&[("uri", uri)])).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert!(created.text.is_empty());

    let conflict = api.post("/apps/source/time", &form(&[("uri", uri)])).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.logref(), "AppAlreadyRegisteredException");
    assert!(
        conflict.error_message().starts_with(&format!(
            "The 'source:time' application is already registered as {uri}"
        )),
        "{}",
        conflict.error_message()
    );

    let metadata =
        "maven://org.springframework.cloud.stream.app:time-source-kafka:jar:metadata:5.0.0";
    let forced = api
        .post(
            "/apps/source/time",
            &form(&[("uri", uri), ("metadata-uri", metadata), ("force", "true")]),
        )
        .await;
    assert_eq!(forced.status, StatusCode::CREATED, "{}", forced.text);
    let shown = api.get("/apps/source/time").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.json["metaDataUri"], metadata);
    assert_eq!(shown.json["version"], "5.0.0");
    assert_eq!(shown.json["defaultVersion"], true);
    assert_eq!(shown.json["options"], json!([]));
    assert_eq!(
        shown.json["_links"]["self"]["href"],
        "http://localhost:9393/apps/source/time/5.0.0"
    );

    // Parameters may come in the query string as well (Spring reads both).
    let by_query = api
        .send(
            Method::POST,
            "/apps/sink/log?uri=docker:a/log-sink:1.0",
            None,
        )
        .await;
    assert_eq!(by_query.status, StatusCode::CREATED, "{}", by_query.text);
}

async fn versions_defaults_and_unregistering(api: Api) {
    for v in ["1.0.0", "1.1.0"] {
        let r = api
            .post(
                "/apps/sink/log",
                &form(&[("uri", &format!("docker:example/log-sink:{v}"))]),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    // An explicit version in the path wins over the URI's.
    let explicit = api
        .post(
            "/apps/sink/log/2.0-rc",
            &form(&[("uri", "docker:example/log-sink:latest")]),
        )
        .await;
    assert_eq!(explicit.status, StatusCode::CREATED, "{}", explicit.text);
    assert_eq!(
        api.get("/apps/sink/log").await.json["version"],
        "1.0.0",
        "the first version is the default"
    );

    let switched = api.send(Method::PUT, "/apps/sink/log/1.1.0", None).await;
    assert_eq!(switched.status, StatusCode::ACCEPTED);
    assert_eq!(api.get("/apps/sink/log").await.json["version"], "1.1.0");

    let defaults = api.get("/apps?defaultVersion=true").await;
    let items = &defaults.json["_embedded"]["appRegistrationResourceList"];
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["versions"], json!(["1.0.0", "1.1.0", "2.0-rc"]));
    let all = api.get("/apps?type=sink&version=2.0-RC").await;
    assert_eq!(all.json["page"]["totalElements"], 1);
    assert_eq!(
        all.json["_embedded"]["appRegistrationResourceList"][0]["versions"],
        json!(null)
    );

    let missing = api.send(Method::PUT, "/apps/sink/log/9.9", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.error_message(),
        "The 'sink:log:9.9' application could not be found."
    );
    assert_eq!(missing.logref(), "NoSuchAppRegistrationException");

    // DELETE without a version removes the default; afterwards there is no default.
    assert_eq!(
        api.send(Method::DELETE, "/apps/sink/log", None)
            .await
            .status,
        StatusCode::OK
    );
    let gone = api.get("/apps/sink/log").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone.error_message(),
        "The 'sink:log' application could not be found."
    );
    assert_eq!(
        api.send(Method::DELETE, "/apps/sink/log/1.0.0", None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.send(Method::DELETE, "/apps/sink/log/1.0.0", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/apps/sink/log/2.0-rc").await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.send(Method::DELETE, "/apps", None).await.status,
        StatusCode::OK
    );
    assert_eq!(api.get("/apps").await.json["page"]["totalElements"], 0);
}

async fn a_new_version_must_name_the_same_artifact(api: Api) {
    api.post(
        "/apps/source/http",
        &form(&[("uri", "docker:example/http-source:1.0")]),
    )
    .await;
    let other = api
        .post(
            "/apps/source/http",
            &form(&[("uri", "docker:elsewhere/http-source:2.0")]),
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT, "{}", other.text);
    assert_eq!(
        other.error_message(),
        "Existing default application [docker:example/http-source:1.0] can only differ by a \
         version but is [docker:elsewhere/http-source:2.0]"
    );
    let same = api
        .post(
            "/apps/source/http",
            &form(&[("uri", "docker:example/http-source:2.0")]),
        )
        .await;
    assert_eq!(same.status, StatusCode::CREATED);
}

async fn lists_page_sort_and_search(api: Api) {
    let mut lines = String::new();
    for i in 0..45 {
        lines.push_str(&format!("source.s{i:02}=docker:example/s{i:02}:1.0\n"));
    }
    assert_eq!(
        api.post("/apps", &form(&[("apps", &lines)])).await.status,
        StatusCode::CREATED
    );

    let page = api.get("/apps?page=1&size=20&sort=name,desc").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(
        page.json["page"],
        json!({ "size": 20, "totalElements": 45, "totalPages": 3, "number": 1 })
    );
    assert_eq!(
        page.json["_embedded"]["appRegistrationResourceList"][0]["name"],
        "s24"
    );
    let links = &page.json["_links"];
    assert_eq!(
        links["first"]["href"],
        "http://localhost:9393/apps?page=0&size=20&sort=name%2Cdesc"
    );
    assert_eq!(
        links["prev"]["href"],
        "http://localhost:9393/apps?page=0&size=20&sort=name%2Cdesc"
    );
    assert_eq!(
        links["next"]["href"],
        "http://localhost:9393/apps?page=2&size=20&sort=name%2Cdesc"
    );
    assert_eq!(
        links["last"]["href"],
        "http://localhost:9393/apps?page=2&size=20&sort=name%2Cdesc"
    );

    let found = api.get("/apps?search=S4").await;
    assert_eq!(
        found.json["page"]["totalElements"], 5,
        "s40..s44, case-insensitively"
    );

    let clamped = api.get("/apps?size=5000").await;
    assert_eq!(
        clamped.json["page"]["size"], 2000,
        "sizes above 2000 are clamped, as Spring does"
    );
    let empty = api.get("/apps?type=task").await;
    assert!(empty.json.get("_embedded").is_none());
    assert_eq!(empty.json["page"]["totalPages"], 0);
}

async fn import_rejects_bad_lines_and_writes_nothing(api: Api) {
    let text = "source.ok=docker:example/ok:1.0\nthis line has no equals\nsink.bad=docker:example/Bad:1.0\n";
    let refused = api.post("/apps", &form(&[("apps", text)])).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.logref(), "InvalidAppListException");
    let message = refused.error_message();
    assert!(
        message.contains("2 invalid lines; nothing was registered"),
        "{message}"
    );
    assert!(message.contains("\nline 2: "), "{message}");
    assert!(message.contains("\nline 3: "), "{message}");
    assert!(message.contains("lowercase"), "{message}");
    assert_eq!(
        api.get("/apps").await.json["page"]["totalElements"],
        0,
        "all or nothing"
    );

    let partial = api
        .post("/apps", &form(&[("apps", text), ("skip-invalid", "true")]))
        .await;
    assert_eq!(partial.status, StatusCode::CREATED, "{}", partial.text);
    assert_eq!(partial.json["importReport"]["created"], 1);
    let invalid = partial.json["importReport"]["invalidLines"]
        .as_array()
        .unwrap();
    assert_eq!(invalid.len(), 2);
    assert!(invalid[0].as_str().unwrap().starts_with("line 2: "));
}

on_both_databases!(
    workshop_bulk_import_comes_back_exactly,
    single_registration_conflicts_and_force,
    versions_defaults_and_unregistering,
    a_new_version_must_name_the_same_artifact,
    lists_page_sort_and_search,
    import_rejects_bad_lines_and_writes_nothing,
);
