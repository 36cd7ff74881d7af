//! `/runtime/...`: what runs on the platform, from the deployers' watch caches (no API call per
//! request), as SCDF's runtime controllers show it. A stream whose platform cannot answer shows
//! no apps; it never holds up the others.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataflow_api::hal::{PageMetadata, PagedResources};
use dataflow_api::runtime::{
    APP_STATUS_LIST_KEY, AppInstanceStatusResource, AppStatusResource, INSTANCE_LIST_KEY,
    STREAM_STATUS_LIST_KEY, StreamStatusResource,
};
use dataflow_core::Code;
use dataflow_core::page::PageRequest;
use dataflow_core::stream_definition::StreamSort;
use dataflow_deployer::AppStatus;

use super::error::{ApiError, hal_json};
use super::extract::{ApiPath, BaseUrl, Params};
use super::page_links;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/runtime/streams", get(streams))
        .route("/runtime/streams/{names}", get(named_streams))
        .route("/runtime/apps", get(apps))
        .route("/runtime/apps/{id}", get(app))
        .route("/runtime/apps/{id}/instances", get(instances))
        .route("/runtime/apps/{id}/instances/{instance}", get(instance))
}

fn app_resource(app: &AppStatus, base: &str) -> AppStatusResource {
    let instances = app
        .instances
        .iter()
        .map(|i| {
            AppInstanceStatusResource::new(
                &app.deployment_id,
                &i.id,
                i.state,
                i.attributes.clone(),
                base,
            )
        })
        .collect();
    AppStatusResource::new(&app.deployment_id, app.state(), instances, base)
}

fn page_request(params: &Params) -> Result<PageRequest<StreamSort>, ApiError> {
    Ok(PageRequest::parse(
        params.get("page"),
        params.get("size"),
        &[],
        StreamSort::from_name,
        &StreamSort::NAMES,
    )?)
}

/// The named streams (comma-separated), each with its apps.
async fn by_names(
    state: &AppState,
    names: &str,
    base: &str,
) -> Result<Vec<StreamStatusResource>, ApiError> {
    let mut found = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let stream = state.streams.get(name).await?;
        let apps = state.releases.runtime_apps_of(&stream.name).await?;
        let apps = apps.iter().map(|a| app_resource(a, base)).collect();
        found.push(StreamStatusResource::new(&stream.name, apps, base));
    }
    Ok(found)
}

/// `GET /runtime/streams[?names=a,b][&page=&size=]`
async fn streams(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    if let Some(names) = params.get("names") {
        let found = by_names(&state, names, &base).await?;
        let total = found.len() as u64;
        let body = PagedResources::new(
            STREAM_STATUS_LIST_KEY,
            found,
            page_links(&format!("{base}/runtime/streams"), &params, 0, total, total),
            PageMetadata::new(total, 0, total),
        );
        return Ok((hal_json(), Json(body)).into_response());
    }
    let page = page_request(&params)?;
    let (number, size) = (u64::from(page.page), u64::from(page.size));
    let found = state.releases.runtime_page(page).await?;
    let items = found
        .items
        .iter()
        .map(|(name, apps)| {
            StreamStatusResource::new(
                name,
                apps.iter().map(|a| app_resource(a, &base)).collect(),
                &base,
            )
        })
        .collect();
    let body = PagedResources::new(
        STREAM_STATUS_LIST_KEY,
        items,
        page_links(
            &format!("{base}/runtime/streams"),
            &params,
            number,
            size,
            found.total,
        ),
        PageMetadata::new(size, number, found.total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `GET /runtime/streams/{names}` (comma-separated).
async fn named_streams(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(names): ApiPath<String>,
) -> Result<Response, ApiError> {
    let found = by_names(&state, &names, &base).await?;
    let total = found.len() as u64;
    let body = PagedResources::new(
        STREAM_STATUS_LIST_KEY,
        found,
        Default::default(),
        PageMetadata::new(total, 0, total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `GET /runtime/apps[?page=&size=]`: the apps of a page of stream definitions (as SCDF, the
/// page counts streams; streams not deployed add no apps).
async fn apps(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    let page = page_request(&params)?;
    let (number, size) = (u64::from(page.page), u64::from(page.size));
    let found = state.releases.runtime_page(page).await?;
    let items = found
        .items
        .iter()
        .flat_map(|(_, apps)| apps.iter().map(|a| app_resource(a, &base)))
        .collect();
    let body = PagedResources::new(
        APP_STATUS_LIST_KEY,
        items,
        page_links(
            &format!("{base}/runtime/apps"),
            &params,
            number,
            size,
            found.total,
        ),
        PageMetadata::new(size, number, found.total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `GET /runtime/apps/{id}`
async fn app(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let app = state.releases.runtime_app(&id).await?;
    Ok((hal_json(), Json(app_resource(&app, &base))).into_response())
}

/// `GET /runtime/apps/{id}/instances`
async fn instances(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let app = app_resource(&state.releases.runtime_app(&id).await?, &base);
    let items = app.instances.items().to_vec();
    let total = items.len() as u64;
    let body = PagedResources::new(
        INSTANCE_LIST_KEY,
        items,
        Default::default(),
        PageMetadata::new(total, 0, total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `GET /runtime/apps/{id}/instances/{instance}`
async fn instance(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath((id, instance)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let app = app_resource(&state.releases.runtime_app(&id).await?, &base);
    let found = app
        .instances
        .items()
        .iter()
        .find(|i| i.instance_id == instance)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                Code::NoSuchAppInstance,
                format!("App '{id}' has no instance '{instance}'"),
            )
        })?;
    Ok((hal_json(), Json(found)).into_response())
}
