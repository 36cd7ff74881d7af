//! `/streams/deployments/...` and `/streams/logs/...`: deploying, updating, rolling back,
//! scaling and undeploying streams, their history, manifests and logs, the platform accounts,
//! and the manifest export (`POST /streams/deployments/{name}/manifest`), which renders what a
//! deployment would create on Kubernetes without touching a cluster.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use dataflow_api::deployments::{
    ConfigValues, LogInfo, ManifestResource, PackageMetadata, PackageResource, PlatformResource,
    ReleaseInfo, ReleaseResource, ReleaseStatusResource, StreamDeploymentResource,
    UpdateStreamRequest,
};
use dataflow_core::Code;
use dataflow_core::release::{Release, Timestamp};
use dataflow_core::sanitize::mask_stream_dsl;
use dataflow_core::status::DeploymentState;

use super::error::{ApiError, hal_json};
use super::extract::{ApiJson, ApiPath, BaseUrl, Params};
use crate::service::releases::UpdateRequest;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/streams/deployments", delete(undeploy_all))
        .route(
            "/streams/deployments/{name}",
            get(show).post(deploy).delete(undeploy),
        )
        .route("/streams/deployments/{name}/manifest", post(manifest))
        .route("/streams/deployments/history/{name}", get(history))
        .route(
            "/streams/deployments/manifest/{name}/{version}",
            get(release_manifest),
        )
        .route("/streams/deployments/platform/list", get(platform_list))
        .route("/streams/deployments/update/{name}", post(update))
        .route(
            "/streams/deployments/rollback/{name}/{version}",
            post(rollback),
        )
        .route(
            "/streams/deployments/scale/{name}/{app}/instances/{count}",
            post(scale),
        )
        .route("/streams/logs/{name}", get(logs))
        .route("/streams/logs/{name}/{app}", get(app_logs))
}

/// `POST /streams/deployments/{name}` with an optional JSON object of deployment properties:
/// 201 once the release is recorded; the platform catches up in the background.
async fn deploy(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let properties = deployment_properties(&body)?;
    state.releases.deploy(&name, &properties).await?;
    Ok(StatusCode::CREATED)
}

/// `DELETE /streams/deployments/{name}`
async fn undeploy(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.releases.undeploy(&name).await?;
    Ok(StatusCode::OK)
}

/// `DELETE /streams/deployments`
async fn undeploy_all(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.releases.undeploy_all().await?;
    Ok(StatusCode::OK)
}

/// `GET /streams/deployments/{name}[?reuse-deployment-properties=true]`
async fn show(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(name): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let reuse = params.flag("reuse-deployment-properties", false)?;
    let stream = state.streams.get(&name).await?;
    let status = state.releases.state(&stream.name).await?;
    let shown = reuse
        || matches!(
            status,
            DeploymentState::Deployed | DeploymentState::Deploying
        );
    let deployment_properties = match state.store.live_release(&stream.name).await? {
        Some(live) if shown => state.releases.shown_properties(&live).await?,
        _ => String::new(),
    };
    let body = StreamDeploymentResource {
        stream_name: stream.name.clone(),
        dsl_text: mask_stream_dsl(&stream.dsl_text),
        description: stream.description.clone(),
        status,
        deployment_properties,
        links: StreamDeploymentResource::self_link(&stream.name, &base),
    };
    Ok((hal_json(), Json(body)).into_response())
}

/// `POST /streams/deployments/update/{name}` with SCDF's `UpdateStreamRequest`.
async fn update(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateStreamRequest>,
) -> Result<StatusCode, ApiError> {
    let properties = scalar_properties(body.update_properties)?;
    let request = UpdateRequest {
        properties,
        force: body.force,
        app_names: body.app_names,
    };
    state.releases.update(&name, &request).await?;
    Ok(StatusCode::CREATED)
}

/// `POST /streams/deployments/rollback/{name}/{version}` (version 0: the previous release).
async fn rollback(
    State(state): State<AppState>,
    ApiPath((name, version)): ApiPath<(String, u32)>,
) -> Result<StatusCode, ApiError> {
    state.releases.rollback(&name, version).await?;
    Ok(StatusCode::CREATED)
}

/// `POST /streams/deployments/scale/{name}/{app}/instances/{count}`. SCDF also takes app
/// properties for the scaled app; they are refused rather than dropped.
async fn scale(
    State(state): State<AppState>,
    ApiPath((name, app, count)): ApiPath<(String, String, u32)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    if !deployment_properties(&body)?.is_empty() {
        return Err(ApiError::new(
            Code::InvalidDeploymentProperties,
            "Properties cannot be changed by a scale; use POST /streams/deployments/update/{name}",
        ));
    }
    state.releases.scale(&name, &app, count).await?;
    Ok(StatusCode::CREATED)
}

/// ISO-8601 in UTC with milliseconds.
fn iso(timestamp: Timestamp) -> String {
    jiff::Timestamp::from_millisecond(timestamp.as_millis())
        .map(|t| format!("{t:.3}"))
        .unwrap_or_default()
}

fn release_resource(release: Release) -> ReleaseResource {
    let config = serde_yaml::to_string(&release.properties).unwrap_or_default();
    ReleaseResource {
        info: ReleaseInfo {
            status: ReleaseStatusResource {
                status_code: release.status.skipper_code().to_owned(),
                platform_status: None,
            },
            first_deployed: iso(release.first_deployed),
            last_deployed: iso(release.last_updated),
            deleted: release.deleted.map(iso),
            description: release.description,
        },
        pkg: PackageResource {
            metadata: PackageMetadata {
                api_version: "skipper.spring.io/v1".to_owned(),
                kind: "SkipperPackageMetadata".to_owned(),
                name: release.stream.clone(),
                version: "1.0.0".to_owned(),
            },
        },
        config_values: ConfigValues {
            raw: if release.properties.is_empty() {
                String::new()
            } else {
                config
            },
        },
        manifest: ManifestResource {
            data: release.manifest,
        },
        name: release.stream,
        version: release.version,
        platform_name: release.platform,
    }
}

/// `GET /streams/deployments/history/{name}`: the stream's releases, newest first, in
/// Skipper's shape; an unknown stream is a 404 (SCDF: `[]`).
async fn history(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let releases: Vec<ReleaseResource> = state
        .releases
        .history(&name)
        .await?
        .into_iter()
        .map(release_resource)
        .collect();
    Ok((hal_json(), Json(releases)).into_response())
}

/// `GET /streams/deployments/manifest/{name}/{version}` (version 0: the newest release).
async fn release_manifest(
    State(state): State<AppState>,
    ApiPath((name, version)): ApiPath<(String, u32)>,
) -> Result<Response, ApiError> {
    let release = state.releases.release(&name, version).await?;
    Ok(([(header::CONTENT_TYPE, YAML)], release.manifest).into_response())
}

/// `GET /streams/deployments/platform/list`
async fn platform_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let platforms: Vec<PlatformResource> = state
        .releases
        .platforms()
        .all()
        .map(|account| PlatformResource {
            id: account.name.clone(),
            name: account.name.clone(),
            platform_type: account.platform_type.to_owned(),
            description: account.description.clone(),
            options: Vec::new(),
        })
        .collect();
    Ok((hal_json(), Json(platforms)).into_response())
}

/// `GET /streams/logs/{name}`
async fn logs(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let logs = state.releases.logs(&name, None).await?;
    Ok((hal_json(), Json(LogInfo { logs })).into_response())
}

/// `GET /streams/logs/{name}/{app}` (the app's label or deployment id).
async fn app_logs(
    State(state): State<AppState>,
    ApiPath((name, app)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let logs = state.releases.logs(&name, Some(&app)).await?;
    Ok((hal_json(), Json(LogInfo { logs })).into_response())
}

/// The media type of manifests.
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
    scalar_properties(object)
}

/// Properties from a JSON object whose values are strings, numbers or booleans.
fn scalar_properties(
    object: BTreeMap<String, serde_json::Value>,
) -> Result<BTreeMap<String, String>, ApiError> {
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
