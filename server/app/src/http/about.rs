//! `GET /` (link relations), `GET /about`, the management endpoints and `GET /metrics`.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataflow_api::about::{
    AboutResource, BuildInfo, Dependency, FeatureInfo, GitAndBuildInfo, MonitoringDashboardInfo,
    RootResource, RuntimeEnvironment, RuntimeEnvironmentDetails, SecurityInfo,
    SecurityInfoResource, VersionInfo,
};
use dataflow_api::apps::DEFAULT_BOOT_VERSION;
use dataflow_api::hal::SelfLinks;
use dataflow_api::schema::{SchemaTargetResource, SchemaTargetsResource, SchemaVersionsResource};
use dataflow_api::{API_REVISION, Link};
use dataflow_core::Code;
use serde_json::json;

use super::error::{ApiError, hal_json};
use super::extract::{ApiPath, BaseUrl};
use crate::state::AppState;

const VERSION: &str = env!("CARGO_PKG_VERSION");

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/about", get(about))
        .route("/management/health", get(health))
        .route("/management/info", get(info))
        .route("/metrics", get(metrics))
        .route("/security/info", get(security_info))
        .route("/schema/versions", get(schema_versions))
        .route("/schema/targets", get(schema_targets))
        .route("/schema/targets/{name}", get(schema_target_one))
}

/// Security is not there yet: nobody is authenticated and nothing asks them to be.
fn security() -> SecurityInfo {
    SecurityInfo {
        authentication_enabled: false,
        authenticated: false,
        username: None,
        roles: Vec::new(),
    }
}

/// `GET /security/info`, SCDF's shape.
async fn security_info(BaseUrl(base): BaseUrl) -> Response {
    let body = SecurityInfoResource {
        info: security(),
        links: SelfLinks::new(format!("{base}/security/info")),
    };
    (hal_json(), Json(body)).into_response()
}

/// The Boot generations, as SCDF 2.11 names them: (name, version, table prefix).
const SCHEMA_TARGETS: [(&str, &str, &str); 2] = [("boot2", "2", ""), ("boot3", "3", "BOOT3_")];

/// `GET /schema/versions`.
async fn schema_versions(BaseUrl(base): BaseUrl) -> Response {
    let body = SchemaVersionsResource {
        default_schema_version: DEFAULT_BOOT_VERSION.to_owned(),
        versions: SCHEMA_TARGETS.iter().map(|t| t.1.to_owned()).collect(),
        links: SelfLinks::new(format!("{base}/schema/versions")),
    };
    (hal_json(), Json(body)).into_response()
}

fn schema_target(base: &str, (name, version, prefix): (&str, &str, &str)) -> SchemaTargetResource {
    SchemaTargetResource {
        name: name.to_owned(),
        schema_version: version.to_owned(),
        task_prefix: format!("{prefix}TASK_"),
        batch_prefix: format!("{prefix}BATCH_"),
        datasource: None,
        links: SelfLinks::new(format!("{base}/schema/targets/{name}")),
    }
}

/// `GET /schema/targets`.
async fn schema_targets(BaseUrl(base): BaseUrl) -> Response {
    let body = SchemaTargetsResource {
        default_schema_target: SCHEMA_TARGETS[0].0.to_owned(),
        schemas: SCHEMA_TARGETS
            .iter()
            .map(|t| schema_target(&base, *t))
            .collect(),
        links: SelfLinks::new(format!("{base}/schema/targets")),
    };
    (hal_json(), Json(body)).into_response()
}

/// `GET /schema/targets/{name}`.
async fn schema_target_one(
    BaseUrl(base): BaseUrl,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let target = SCHEMA_TARGETS.iter().find(|t| t.0 == name).ok_or_else(|| {
        ApiError::new(
            Code::NoSuchSchemaTarget,
            format!("Schema target '{name}' does not exist (known: boot2, boot3)"),
        )
    })?;
    Ok((hal_json(), Json(schema_target(&base, *target))).into_response())
}

/// The link relations of the resources this server serves today, named as SCDF names them;
/// more arrive with stream deployments, the runtime, tasks and the dashboard.
async fn root(BaseUrl(base): BaseUrl) -> Response {
    let links = BTreeMap::from([
        ("about".to_owned(), Link::new(format!("{base}/about"))),
        ("apps".to_owned(), Link::new(format!("{base}/apps"))),
        (
            "completions/stream".to_owned(),
            Link::templated(format!("{base}/completions/stream{{?start,detailLevel}}")),
        ),
        (
            "completions/task".to_owned(),
            Link::templated(format!("{base}/completions/task{{?start,detailLevel}}")),
        ),
        (
            "streams/definitions".to_owned(),
            Link::new(format!("{base}/streams/definitions")),
        ),
        (
            "streams/definitions/definition".to_owned(),
            Link::templated(format!("{base}/streams/definitions/{{name}}")),
        ),
        (
            "streams/validation".to_owned(),
            Link::templated(format!("{base}/streams/validation/{{name}}")),
        ),
    ]);
    (
        hal_json(),
        Json(RootResource {
            links,
            api_revision: API_REVISION,
        }),
    )
        .into_response()
}

fn component(name: &str) -> Dependency {
    Dependency {
        name: name.to_owned(),
        version: VERSION.to_owned(),
        url: None,
    }
}

async fn about(BaseUrl(base): BaseUrl) -> Response {
    let platform = RuntimeEnvironmentDetails {
        deployer_implementation_version: VERSION.to_owned(),
        deployer_name: "dataflow-server".to_owned(),
        deployer_spi_version: VERSION.to_owned(),
        java_version: None,
        platform_api_version: String::new(),
        platform_client_version: String::new(),
        platform_host_version: String::new(),
        platform_specific_info: BTreeMap::new(),
        platform_type: "none".to_owned(),
        spring_boot_version: None,
        spring_version: None,
    };
    let body = AboutResource {
        feature_info: FeatureInfo {
            analytics_enabled: false,
            streams_enabled: true,
            tasks_enabled: false,
            schedules_enabled: false,
            monitoring_dashboard_type: "NONE".to_owned(),
        },
        version_info: VersionInfo {
            implementation: component("dataflow-server"),
            core: component("dataflow-core"),
            dashboard: component("dataflow-dashboard"),
            shell: component("dataflow-shell"),
        },
        security_info: security(),
        runtime_environment: RuntimeEnvironment {
            app_deployer: platform.clone(),
            task_launchers: vec![platform],
        },
        monitoring_dashboard_info: MonitoringDashboardInfo {
            url: String::new(),
            dashboard_type: "NONE".to_owned(),
            source: "default-scdf-source".to_owned(),
            refresh_interval: 15,
        },
        git_and_build_info: GitAndBuildInfo {
            build: BuildInfo {
                artifact: "dataflow-server".to_owned(),
                name: "dataflow-server".to_owned(),
                version: VERSION.to_owned(),
            },
        },
        links: SelfLinks::new(format!("{base}/about")),
    };
    (hal_json(), Json(body)).into_response()
}

/// Spring Boot's health shape: `UP` when the database answers, else `DOWN` with 503.
async fn health(State(state): State<AppState>) -> Response {
    let dialect = state.store.dialect();
    match state.store.ping().await {
        Ok(()) => Json(json!({
            "status": "UP",
            "components": { "db": { "status": "UP", "details": { "database": dialect } } }
        }))
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "Health check: the database does not answer.");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "DOWN",
                    "components": { "db": { "status": "DOWN", "details": { "database": dialect } } }
                })),
            )
                .into_response()
        }
    }
}

async fn info() -> Response {
    Json(json!({ "app": { "name": "dataflow-server", "version": VERSION } })).into_response()
}

async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let text = state.metrics.encode().map_err(|e| {
        ApiError::new(
            dataflow_core::Code::Internal,
            format!("encoding metrics failed: {e}"),
        )
    })?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
