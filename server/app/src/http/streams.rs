//! `/streams/definitions` and `/streams/validation`, as SCDF's `StreamDefinitionController` and
//! `StreamValidationController` serve them. Every DSL text leaves masked (the resource
//! constructors mask it).

use std::cmp::Ordering;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataflow_api::apps::AppRegistrationResource;
use dataflow_api::hal::{PageMetadata, PagedResources};
use dataflow_api::streams::{
    AppValidity, DeploymentState, STREAM_LIST_KEY, StreamAppStatusResource,
    StreamDefinitionResource, path_segment,
};
use dataflow_core::page::{Direction, PageRequest, SortOrder};
use dataflow_core::stream_definition::{StreamDefinitionRecord, StreamQuery, StreamSort};

use super::deployments::deployment_properties;
use super::error::{ApiError, hal_json};
use super::extract::{ApiPath, BaseUrl, Params, ParamsWithJson};
use super::page_links;
use crate::service::streams::CreateRequest;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/streams/definitions",
            get(list).post(create).delete(delete_all),
        )
        .route("/streams/definitions/{name}", get(show).delete(delete_one))
        .route("/streams/definitions/{name}/related", get(related))
        .route(
            "/streams/definitions/{name}/applications",
            get(applications),
        )
        .route("/streams/validation/{name}", get(validate))
}

/// The resources of a page of streams with their deployment states (one query for the page).
async fn resources(
    state: &AppState,
    streams: &[StreamDefinitionRecord],
    base: &str,
) -> Result<Vec<StreamDefinitionResource>, ApiError> {
    let names: Vec<&str> = streams.iter().map(|s| s.name.as_str()).collect();
    let states = state.releases.states(&names).await?;
    Ok(streams
        .iter()
        .zip(states)
        .map(|(stream, status)| StreamDefinitionResource::new(stream, status, base))
        .collect())
}

/// The resource of `stream` with its deployment state.
async fn resource(
    state: &AppState,
    stream: &StreamDefinitionRecord,
    base: &str,
) -> Result<StreamDefinitionResource, ApiError> {
    let status: DeploymentState = state.releases.state(&stream.name).await?;
    Ok(StreamDefinitionResource::new(stream, status, base))
}

fn page_request(params: &Params) -> Result<PageRequest<StreamSort>, ApiError> {
    Ok(PageRequest::parse(
        params.get("page"),
        params.get("size"),
        &params.all("sort"),
        StreamSort::from_name,
        &StreamSort::NAMES,
    )?)
}

/// `POST /streams/definitions` with `name`, `definition`, `description`, `deploy`, and an
/// optional JSON body of deployment properties (read when `deploy=true`).
async fn create(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ParamsWithJson { params, json }: ParamsWithJson,
) -> Result<Response, ApiError> {
    let properties = deployment_properties(json.as_deref().unwrap_or_default())?;
    let request = CreateRequest {
        name: params.required("name")?,
        definition: params.required("definition")?,
        description: params.get("description").unwrap_or(""),
        deploy: params.flag("deploy", false)?,
        deployment_properties: &properties,
    };
    let stream = state.streams.create(request).await?;
    if request.deploy {
        // SCDF's order: create, then deploy. A deploy that is refused (bad properties, no
        // platform) takes the creation back, so nothing is half-written.
        if let Err(e) = state.releases.deploy(&stream.name, &properties).await {
            state.streams.delete(&stream.name).await?;
            return Err(e.into());
        }
    }
    Ok((
        StatusCode::CREATED,
        hal_json(),
        Json(resource(&state, &stream, &base).await?),
    )
        .into_response())
}

/// `GET /streams/definitions?search=&page=&size=&sort=`
async fn list(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    let query = StreamQuery {
        search: params.search()?,
        page: page_request(&params)?,
    };
    let found = state.streams.list(&query).await?;
    let items = resources(&state, &found.items, &base).await?;
    let (number, size) = (u64::from(query.page.page), u64::from(query.page.size));
    let links = page_links(
        &format!("{base}/streams/definitions"),
        &params,
        number,
        size,
        found.total,
    );
    let body = PagedResources::new(
        STREAM_LIST_KEY,
        items,
        links,
        PageMetadata::new(size, number, found.total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `GET /streams/definitions/{name}`
async fn show(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let stream = state.streams.get(&name).await?;
    Ok((hal_json(), Json(resource(&state, &stream, &base).await?)).into_response())
}

/// Orders two streams by the sort keys, then by name (ignoring case, as the database does).
fn compare(
    a: &StreamDefinitionRecord,
    b: &StreamDefinitionRecord,
    sort: &[SortOrder<StreamSort>],
) -> Ordering {
    let by_name = |a: &StreamDefinitionRecord, b: &StreamDefinitionRecord| {
        a.name.to_lowercase().cmp(&b.name.to_lowercase())
    };
    sort.iter()
        .map(|order| {
            let ordering = match order.property {
                StreamSort::Name => by_name(a, b),
                StreamSort::DslText => a.dsl_text.cmp(&b.dsl_text),
                StreamSort::Description => a.description.cmp(&b.description),
            };
            match order.direction {
                Direction::Asc => ordering,
                Direction::Desc => ordering.reverse(),
            }
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `GET /streams/definitions/{name}/related?nested=&page=&size=&sort=`: the stream, then the
/// streams reading from its destinations. As in SCDF the page is cut from the whole list
/// (unsorted: the stream first, then the related ones as found); unlike SCDF, the page holds
/// only its own rows, so that its metadata and links are true.
async fn related(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(name): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let nested = params.flag("nested", false)?;
    let page = page_request(&params)?;
    let mut streams = state.streams.related(&name, nested).await?;
    let url = format!(
        "{base}/streams/definitions/{}/related",
        path_segment(streams.first().map_or(name.as_str(), |s| s.name.as_str()))
    );
    if !page.sort.is_empty() {
        streams.sort_by(|a, b| compare(a, b, &page.sort));
    }
    let total = streams.len() as u64;
    let shown: Vec<StreamDefinitionRecord> = streams
        .iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(page.size as usize)
        .cloned()
        .collect();
    let items = resources(&state, &shown, &base).await?;
    let (number, size) = (u64::from(page.page), u64::from(page.size));
    let links = page_links(&url, &params, number, size, total);
    let body = PagedResources::new(
        STREAM_LIST_KEY,
        items,
        links,
        PageMetadata::new(size, number, total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `GET /streams/definitions/{name}/applications`: a plain JSON array of the apps' default
/// registrations, each with `label` = the app's label in the stream.
async fn applications(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let apps = state.streams.registered_apps(&name).await?;
    let body: Vec<AppRegistrationResource> = apps
        .into_iter()
        .map(|(app, registration)| AppRegistrationResource {
            label: Some(app.label),
            ..AppRegistrationResource::new(&registration, &base)
        })
        .collect();
    Ok(Json(body).into_response())
}

/// `GET /streams/validation/{name}`: `<type>:<label>` of every app, `valid` when it is
/// registered (under its registered name, where SCDF looks up the label) with a well-formed URI.
async fn validate(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (stream, checks) = state.streams.apps(&name).await?;
    let statuses = checks
        .iter()
        .map(|check| {
            let validity = if check.is_valid() {
                AppValidity::Valid
            } else {
                AppValidity::Invalid
            };
            (
                format!("{}:{}", check.app.app_type, check.app.label),
                validity,
            )
        })
        .collect();
    let body = StreamAppStatusResource::new(&stream, statuses, &base);
    Ok((hal_json(), Json(body)).into_response())
}

/// `DELETE /streams/definitions/{name}`
async fn delete_one(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    // SCDF's order: a deployed stream is undeployed first.
    let stream = state.streams.get(&name).await?;
    state.releases.undeploy_releases_of(&stream.name).await?;
    state.streams.delete(&name).await?;
    Ok(StatusCode::OK)
}

/// `DELETE /streams/definitions`
async fn delete_all(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.releases.undeploy_all().await?;
    state.streams.delete_all().await?;
    Ok(StatusCode::OK)
}
