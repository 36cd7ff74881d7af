//! `/streams/deployments/...`: today the manifest export, `POST
//! /streams/deployments/{name}/manifest`, which renders what deploying the stream with the
//! given deployment properties would create on Kubernetes, without touching a cluster.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dataflow_core::Code;

use super::error::{ApiError, hal_json};
use super::extract::ApiPath;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/streams/deployments/{name}/manifest", post(manifest))
        .route("/streams/deployments/history/{name}", get(history))
}

/// `GET /streams/deployments/history/{name}`: the stream's releases, newest first, in
/// Skipper's shape. Streams are not deployed yet, so a stored stream has none (SCDF answers the
/// same `[]` for a stream never deployed); an unknown stream is a 404 (SCDF: `[]`).
async fn history(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    state.streams.get(&name).await?;
    Ok((hal_json(), Json(Vec::<serde_json::Value>::new())).into_response())
}

/// The media type of the exported manifests.
const YAML: &str = "application/yaml";

async fn manifest(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let properties = deployment_properties(&body)?;
    let yaml = state
        .deployments
        .stored_stream_manifest(&name, &properties)
        .await?;
    Ok(([(header::CONTENT_TYPE, YAML)], yaml).into_response())
}

/// The deployment properties of a deploy-like request: an optional JSON object of
/// `"key": "value"` (numbers and booleans are taken as their text, as SCDF's JSON reader does).
/// An empty body means no properties.
pub(super) fn deployment_properties(body: &[u8]) -> Result<BTreeMap<String, String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(BTreeMap::new());
    }
    let object: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| {
            ApiError::new(
                Code::MalformedBody,
                format!(
                    "The deployment properties must be a JSON object of \"key\": \"value\" pairs: {e}"
                ),
            )
        })?;
    object
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Bool(flag) => flag.to_string(),
                _ => {
                    return Err(ApiError::new(
                        Code::MalformedBody,
                        format!(
                            "The deployment property '{key}' must have a text value (a string, number or boolean)"
                        ),
                    ));
                }
            };
            Ok((key, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_objects_of_scalars() {
        assert!(deployment_properties(b"").expect("empty").is_empty());
        assert!(deployment_properties(b" \n").expect("blank").is_empty());
        let parsed = deployment_properties(
            br#"{"deployer.log.count": 3, "app.log.x": "y", "app.log.b": true}"#,
        )
        .expect("object");
        assert_eq!(parsed["deployer.log.count"], "3");
        assert_eq!(parsed["app.log.x"], "y");
        assert_eq!(parsed["app.log.b"], "true");
        let nested = deployment_properties(br#"{"app.log.x": {"a": 1}}"#).expect_err("nested");
        let message = nested.0.public_message();
        assert!(message.contains("'app.log.x'"), "{message}");
        let list = deployment_properties(b"[1]").expect_err("not an object");
        let message = list.0.public_message();
        assert!(message.contains("JSON object"), "{message}");
    }
}
