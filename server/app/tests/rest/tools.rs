//! `/tools`: DSL parsing over HTTP, with the fixed JSON contract.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use super::Api;

pub(crate) const WORKSHOP_STREAM: &str = "truck-performance = trucks --spring.cloud.stream.function.bindings.generateTruck-out-0=output | brake-temperature --spring.cloud.stream.function.bindings.processBrakeTemperature-in-0=input --spring.cloud.stream.function.bindings.processBrakeTemperature-out-0=output | brake-log --spring.cloud.stream.function.bindings.log-in-0=input";

#[tokio::test]
async fn the_workshop_stream_parses_to_three_apps() {
    let api = Api::sqlite().await;
    let reply = api
        .post_json("/tools/parseStream", &json!({ "dsl": WORKSHOP_STREAM }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["errors"], json!([]));
    let ast = &reply.json["ast"];
    assert_eq!(ast["name"], "truck-performance");
    assert_eq!(ast["sourceDestination"], Value::Null);
    assert_eq!(ast["sinkDestination"], Value::Null);
    let apps = ast["apps"].as_array().unwrap();
    let summary: Vec<(String, Vec<(String, String)>)> = apps
        .iter()
        .map(|a| {
            let args = a["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    (
                        x["name"].as_str().unwrap().to_owned(),
                        x["value"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (a["name"].as_str().unwrap().to_owned(), args)
        })
        .collect();
    let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    assert_eq!(
        summary,
        [
            (
                "trucks".to_owned(),
                vec![pair(
                    "spring.cloud.stream.function.bindings.generateTruck-out-0",
                    "output"
                )]
            ),
            (
                "brake-temperature".to_owned(),
                vec![
                    pair(
                        "spring.cloud.stream.function.bindings.processBrakeTemperature-in-0",
                        "input"
                    ),
                    pair(
                        "spring.cloud.stream.function.bindings.processBrakeTemperature-out-0",
                        "output"
                    ),
                ]
            ),
            (
                "brake-log".to_owned(),
                vec![pair(
                    "spring.cloud.stream.function.bindings.log-in-0",
                    "input"
                )]
            ),
        ]
    );
    assert_eq!(apps[0]["label"], Value::Null);
    assert_eq!(apps[0]["unbound"], false);
    assert_eq!(apps[0]["start"], 20, "positions are 0-based characters");
    assert_eq!(
        &WORKSHOP_STREAM[20..apps[0]["end"].as_u64().unwrap() as usize],
        "trucks --spring.cloud.stream.function.bindings.generateTruck-out-0=output"
    );
}

#[tokio::test]
async fn destinations_labels_and_unbound_apps() {
    let api = Api::sqlite().await;
    let tap = api
        .post_json(
            "/tools/parseStream",
            &json!({ "dsl": ":orders.filter > f: log --level=WARN" }),
        )
        .await;
    let ast = &tap.json["ast"];
    assert_eq!(
        ast["sourceDestination"],
        json!({ "name": "orders.filter", "start": 1, "end": 14, "args": [] })
    );
    assert_eq!(ast["apps"][0]["label"], "f");
    assert_eq!(
        ast["apps"][0]["args"],
        json!([{ "name": "level", "value": "WARN" }])
    );
    let group = api
        .post_json("/tools/parseStream", &json!({ "dsl": "a || b" }))
        .await;
    assert_eq!(group.json["ast"]["apps"][1]["unbound"], true);
}

#[tokio::test]
async fn errors_come_back_with_scdfs_code_position_and_message() {
    let api = Api::sqlite().await;
    let reply = api
        .post_json(
            "/tools/parseStream",
            &json!({ "dsl": "time --format='abc" }),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "DSL errors never change the status"
    );
    assert_eq!(reply.json["ast"], Value::Null);
    assert_eq!(
        reply.json["errors"],
        json!([{
            "code": "107E",
            "position": 14,
            "message": "107E:(pos 14): Cannot find terminating ' for string\ntime --format='abc\n              ^\n"
        }])
    );
    let named = api
        .post_json(
            "/tools/parseStream",
            &json!({ "dsl": "time | log", "name": "0bad" }),
        )
        .await;
    assert_eq!(named.json["errors"][0]["code"], "122E");
    assert!(
        named.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("122E:(pos 0): illegal name for a stream '0bad'\n0bad\n^\n")
    );
}

#[tokio::test]
async fn unreadable_bodies_are_4xx() {
    let api = Api::sqlite().await;
    let not_json = api
        .raw(
            Request::builder()
                .method(Method::POST)
                .uri("/tools/parseStream")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"dsl\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.logref(), "HttpMessageNotReadableException");
    let no_dsl = api
        .post_json("/tools/parseStream", &json!({ "name": "x" }))
        .await;
    assert_eq!(no_dsl.status, StatusCode::BAD_REQUEST);
    assert!(
        no_dsl.error_message().contains("dsl"),
        "{}",
        no_dsl.error_message()
    );
    let form = api.post("/tools/parseStream", "dsl=time").await;
    assert_eq!(form.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn task_text_and_graph_convert_both_ways() {
    let api = Api::sqlite().await;
    let dsl = "<a: timestamp || b: timestamp> && c 'FAILED' -> d";
    let parsed = api
        .post_json(
            "/tools/parseTaskTextToGraph",
            &json!({ "name": "t1", "dsl": dsl }),
        )
        .await;
    assert_eq!(parsed.status, StatusCode::OK, "{}", parsed.text);
    assert_eq!(parsed.json["errors"], json!([]));
    let graph = &parsed.json["graph"];
    let names: Vec<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.first(), Some(&"START"));
    assert!(
        names.contains(&"END") && names.contains(&"timestamp") && names.contains(&"d"),
        "{names:?}"
    );
    assert!(
        graph["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["properties"]["transitionName"] == "FAILED"),
        "{graph}"
    );

    let back = api.post_json("/tools/convertTaskGraphToText", graph).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert_eq!(back.json["errors"], json!([]));
    let again = api
        .post_json(
            "/tools/parseTaskTextToGraph",
            &json!({ "name": "t1", "dsl": back.json["dsl"] }),
        )
        .await;
    assert_eq!(
        &again.json["graph"], graph,
        "text -> graph -> text -> graph is stable"
    );
}

#[tokio::test]
async fn task_errors_are_data_not_statuses() {
    let api = Api::sqlite().await;
    let syntax = api
        .post_json(
            "/tools/parseTaskTextToGraph",
            &json!({ "name": "t", "dsl": "a & b" }),
        )
        .await;
    assert_eq!(syntax.status, StatusCode::OK);
    assert_eq!(syntax.json["graph"], Value::Null);
    assert_eq!(
        syntax.json["errors"],
        json!([{ "message": "150E:(pos 2): task dsl flow requires a pair of &, not just one", "position": 2 }])
    );
    let unnamed = api
        .post_json("/tools/parseTaskTextToGraph", &json!({ "dsl": "a && b" }))
        .await;
    assert_eq!(unnamed.json["errors"], json!([]), "the name is optional");
    let bad_name = api
        .post_json(
            "/tools/parseTaskTextToGraph",
            &json!({ "name": "a.b", "dsl": "a" }),
        )
        .await;
    assert!(
        bad_name.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("123E")
    );
    let bad_graph = api
        .post_json(
            "/tools/convertTaskGraphToText",
            &json!({ "nodes": [], "links": [] }),
        )
        .await;
    assert_eq!(bad_graph.status, StatusCode::OK);
    assert_eq!(bad_graph.json["dsl"], Value::Null);
    assert!(!bad_graph.json["errors"].as_array().unwrap().is_empty());
}
