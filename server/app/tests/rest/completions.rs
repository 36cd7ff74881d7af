//! `/completions/stream` and `/completions/task` over the registered apps.

use axum::http::StatusCode;
use serde_json::json;

use super::registry::WORKSHOP;
use super::{Api, form};

fn texts(reply: &super::Reply) -> Vec<String> {
    reply.json["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn stream_completion_uses_the_registry() {
    let api = Api::sqlite().await;
    assert_eq!(
        api.post("/apps", &form(&[("apps", WORKSHOP)])).await.status,
        StatusCode::CREATED
    );

    let empty = api.get("/completions/stream?start=").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(
        texts(&empty),
        ["trucks"],
        "only sources (and plain apps) start a stream"
    );
    assert_eq!(
        empty.json["proposals"][0]["explanation"],
        "source app trucks"
    );
    assert_eq!(
        empty.json["_links"]["self"]["href"],
        "http://localhost:9393/completions/stream"
    );

    let after_pipe = api.get("/completions/stream?start=trucks%20%7C%20").await;
    assert_eq!(
        texts(&after_pipe),
        ["trucks | brake-log", "trucks | brake-temperature"]
    );
    let partial = api
        .get("/completions/stream?start=trucks%20%7C%20brake-t&detailLevel=2")
        .await;
    assert_eq!(texts(&partial), ["trucks | brake-temperature"]);

    let task = api.get("/completions/task?start=").await;
    assert_eq!(
        task.json["proposals"],
        json!([{ "text": "thumbinator", "explanation": "task app thumbinator" }])
    );
}

#[tokio::test]
async fn taps_and_destinations_of_stored_streams_are_proposed() {
    let api = Api::sqlite().await;
    api.post("/apps", &form(&[("apps", WORKSHOP)])).await;
    let created = api
        .post(
            "/streams/definitions",
            &form(&[
                ("name", "trucking"),
                ("definition", "trucks | t: brake-temperature > :hot-brakes"),
            ]),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);

    let all = api.get("/completions/stream?start=%3A").await;
    assert_eq!(
        texts(&all),
        [":hot-brakes", ":trucking.t", ":trucking.trucks"]
    );
    assert_eq!(
        all.json["proposals"][1]["explanation"],
        "tap of stream trucking at app t"
    );
    let taps = api.get("/completions/stream?start=%3Atrucking.tr").await;
    assert_eq!(texts(&taps), [":trucking.trucks"]);
    let sink = api
        .get("/completions/stream?start=trucks%20%3E%20%3Ahot")
        .await;
    assert_eq!(texts(&sink), ["trucks > :hot-brakes"]);
}

#[tokio::test]
async fn completion_parameters_are_checked() {
    let api = Api::sqlite().await;
    let missing = api.get("/completions/stream").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.error_message().contains("'start'"));
    let zero = api.get("/completions/task?start=a&detailLevel=0").await;
    assert_eq!(zero.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        zero.error_message(),
        "The provided detail level must be greater than zero."
    );
    let text = api.get("/completions/task?start=a&detailLevel=x").await;
    assert_eq!(text.status, StatusCode::BAD_REQUEST);
}
