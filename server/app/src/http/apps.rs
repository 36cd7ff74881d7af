//! `/apps`: the app registry, as SCDF's `AppRegistryController` serves it.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataflow_api::apps::{
    APP_LIST_KEY, AppImportResult, AppRegistrationResource, DetailedAppRegistrationResource,
    ImportReport,
};
use dataflow_api::hal::{PageMetadata, PagedResources};
use dataflow_core::Code;
use dataflow_core::app::{AppQuery, AppSort, AppType};
use dataflow_core::page::{DEFAULT_PAGE_SIZE, PageRequest};

use super::error::{ApiError, hal_json};
use super::extract::{ApiPath, BaseUrl, Params};
use super::page_links;
use crate::service::registry::{AppListSource, RegisterRequest};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps", get(list).post(import).delete(unregister_all))
        .route(
            "/apps/{type}/{name}",
            get(show_default).post(register).delete(unregister_default),
        )
        .route(
            "/apps/{type}/{name}/{version}",
            get(show_version)
                .post(register_version)
                .put(make_default)
                .delete(unregister_version),
        )
}

fn app_type(text: &str) -> Result<AppType, ApiError> {
    Ok(text.parse()?)
}

/// `GET /apps?type=&search=&version=&defaultVersion=&page=&size=&sort=`
async fn list(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(
        params.get("page"),
        params.get("size"),
        &params.all("sort"),
        AppSort::from_name,
        &AppSort::NAMES,
    )?;
    let query = AppQuery {
        app_type: params.get("type").map(app_type).transpose()?,
        search: params.search()?,
        version: params
            .get("version")
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        default_only: params.flag("defaultVersion", false)?,
        page,
    };
    let (found, versions) = state.registry.list(&query).await?;
    let mut items: Vec<AppRegistrationResource> = found
        .items
        .iter()
        .map(|a| AppRegistrationResource::new(a, &base))
        .collect();
    if let Some(versions) = versions {
        for (item, versions) in items.iter_mut().zip(versions) {
            item.versions = Some(versions);
        }
    }
    let (number, size) = (u64::from(query.page.page), u64::from(query.page.size));
    let links = page_links(&format!("{base}/apps"), &params, number, size, found.total);
    let body = PagedResources::new(
        APP_LIST_KEY,
        items,
        links,
        PageMetadata::new(size, number, found.total),
    );
    Ok((hal_json(), Json(body)).into_response())
}

/// `POST /apps` with `apps=<list>` or `uri=<location>`, `force`, `skip-invalid`.
async fn import(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
) -> Result<Response, ApiError> {
    let source = match (params.get("apps"), params.get("uri")) {
        (Some(text), None) => AppListSource::Text(text),
        (None, Some(uri)) => AppListSource::Uri(uri),
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                Code::InvalidParameter,
                "Give either 'apps' (the list) or 'uri' (where to read it), not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::new(
                Code::MissingParameter,
                "Required request parameter 'apps' or 'uri' is not present",
            ));
        }
    };
    let force = params.flag("force", false)?;
    let skip_invalid = params.flag("skip-invalid", false)?;
    let outcome = state.registry.import(source, force, skip_invalid).await?;

    let report = ImportReport {
        created: outcome.saved.created.len() as u64,
        updated: outcome.saved.updated.len() as u64,
        already_registered: outcome
            .saved
            .skipped
            .iter()
            .map(|a| a.coordinates())
            .collect(),
        invalid_lines: outcome.invalid_lines,
    };
    // SCDF answers with every saved registration, sorted, in one unsliced "page".
    let mut saved: Vec<_> = outcome
        .saved
        .created
        .into_iter()
        .chain(outcome.saved.updated)
        .collect();
    saved.sort_by(|a, b| {
        (a.app_type, a.name.as_str(), a.version.as_str()).cmp(&(
            b.app_type,
            b.name.as_str(),
            b.version.as_str(),
        ))
    });
    let total = saved.len() as u64;
    let items = saved
        .iter()
        .map(|a| AppRegistrationResource::new(a, &base))
        .collect();
    let size = u64::from(DEFAULT_PAGE_SIZE);
    let page = PagedResources::new(
        APP_LIST_KEY,
        items,
        page_links(&format!("{base}/apps"), &Params::default(), 0, size, total),
        PageMetadata::new(size, 0, total),
    );
    let body = AppImportResult { page, report };
    Ok((StatusCode::CREATED, hal_json(), Json(body)).into_response())
}

async fn show(
    state: &AppState,
    base: &str,
    params: &Params,
    (app_type_text, name, version): (&str, &str, Option<&str>),
) -> Result<Response, ApiError> {
    // Accepted for compatibility; options come with app metadata.
    let _exhaustive = params.flag("exhaustive", false)?;
    let app = state
        .registry
        .get(app_type(app_type_text)?, name, version)
        .await?;
    let body = DetailedAppRegistrationResource {
        registration: AppRegistrationResource::new(&app, base),
        options: Vec::new(),
        short_description: None,
        inbound_port_names: Vec::new(),
        outbound_port_names: Vec::new(),
        option_groups: Default::default(),
    };
    Ok((hal_json(), Json(body)).into_response())
}

async fn show_default(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath((app_type, name)): ApiPath<(String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    show(&state, &base, &params, (&app_type, &name, None)).await
}

async fn show_version(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    ApiPath((app_type, name, version)): ApiPath<(String, String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    show(&state, &base, &params, (&app_type, &name, Some(&version))).await
}

async fn register_with(
    state: &AppState,
    params: &Params,
    (app_type_text, name, version): (&str, &str, Option<&str>),
) -> Result<StatusCode, ApiError> {
    // Accepted and ignored, as SCDF 2.11 does; a value it could never have meant is refused.
    if let Some(boot) = params.get("bootVersion").filter(|v| !v.is_empty())
        && !matches!(boot, "2" | "3")
    {
        return Err(ApiError::new(
            Code::InvalidParameter,
            format!("The parameter 'bootVersion' must be 2 or 3 (got '{boot}')"),
        ));
    }
    let request = RegisterRequest {
        app_type: app_type(app_type_text)?,
        name,
        version,
        uri: params.required("uri")?,
        metadata_uri: params.get("metadata-uri").filter(|s| !s.is_empty()),
        force: params.flag("force", false)?,
    };
    state.registry.register(request).await?;
    Ok(StatusCode::CREATED)
}

/// `POST /apps/{type}/{name}` with `uri`, `metadata-uri`, `force`.
async fn register(
    State(state): State<AppState>,
    ApiPath((app_type, name)): ApiPath<(String, String)>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    register_with(&state, &params, (&app_type, &name, None)).await
}

/// `POST /apps/{type}/{name}/{version}` with `uri`, `metadata-uri`, `force`.
async fn register_version(
    State(state): State<AppState>,
    ApiPath((app_type, name, version)): ApiPath<(String, String, String)>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    register_with(&state, &params, (&app_type, &name, Some(&version))).await
}

/// `PUT /apps/{type}/{name}/{version}`: make this version the default (202, as SCDF).
async fn make_default(
    State(state): State<AppState>,
    ApiPath((app_type_text, name, version)): ApiPath<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .registry
        .make_default(app_type(&app_type_text)?, &name, &version)
        .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Refuses to unregister a version a deployed stream runs (its releases could no longer be
/// planned, so the reconcile loop could not restore them): 409 naming the streams. `None`:
/// the default version.
async fn check_unused(
    state: &AppState,
    app_type: AppType,
    name: &str,
    version: Option<&str>,
) -> Result<(), ApiError> {
    let version = match version {
        Some(version) => Some(version.to_owned()),
        None => state
            .store
            .find_app(app_type, name, None)
            .await
            .map_err(crate::error::AppError::from)?
            .map(|registration| registration.version),
    };
    let Some(version) = version else {
        return Ok(());
    };
    let users = state
        .releases
        .streams_using(app_type, name, Some(&version))
        .await?;
    if users.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        Code::AppRegistrationInUse,
        format!(
            "Cannot unregister {app_type}:{name}:{version}: deployed stream(s) use it: {}; \
             undeploy them first",
            users.join(", ")
        ),
    ))
}

async fn unregister_default(
    State(state): State<AppState>,
    ApiPath((app_type_text, name)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let app_type = app_type(&app_type_text)?;
    check_unused(&state, app_type, &name, None).await?;
    state.registry.unregister(app_type, &name, None).await?;
    Ok(StatusCode::OK)
}

async fn unregister_version(
    State(state): State<AppState>,
    ApiPath((app_type_text, name, version)): ApiPath<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let app_type = app_type(&app_type_text)?;
    check_unused(&state, app_type, &name, Some(&version)).await?;
    state
        .registry
        .unregister(app_type, &name, Some(&version))
        .await?;
    Ok(StatusCode::OK)
}

async fn unregister_all(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    if !state
        .store
        .live_releases(None, 1)
        .await
        .map_err(crate::error::AppError::from)?
        .is_empty()
    {
        return Err(ApiError::new(
            Code::AppRegistrationInUse,
            "Cannot unregister all apps while streams are deployed; undeploy them first",
        ));
    }
    state.registry.unregister_all().await?;
    Ok(StatusCode::OK)
}
