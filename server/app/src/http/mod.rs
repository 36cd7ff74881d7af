//! The REST API: one router merging one sub-router per resource, SCDF's paths and shapes.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use dataflow_api::Link;
use dataflow_api::hal::PageLinks;
use tower_http::trace::TraceLayer;

use crate::metrics::{self, UNMATCHED_ROUTE};
use crate::state::AppState;

mod about;
mod apps;
mod completions;
mod deployments;
pub mod error;
pub mod extract;
mod streams;
mod tools;

use extract::Params;

/// The whole REST API over `state`.
pub fn router(state: AppState) -> Router {
    let max_body = state.max_request_bytes;
    Router::new()
        .merge(about::routes())
        .merge(apps::routes())
        .merge(completions::routes())
        .merge(deployments::routes())
        .merge(streams::routes())
        .merge(tools::routes())
        // Runs after routing, so the metrics see the matched route template.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    unrouted(
        &state,
        &request,
        StatusCode::NOT_FOUND,
        "No endpoint matches this path",
    )
}

async fn method_not_allowed(State(state): State<AppState>, request: Request) -> Response {
    let message = format!(
        "Request method '{}' is not supported here",
        request.method()
    );
    unrouted(&state, &request, StatusCode::METHOD_NOT_ALLOWED, &message)
}

/// Answers a request no handler took, in Spring Boot's error format, and counts it.
fn unrouted(state: &AppState, request: &Request, status: StatusCode, message: &str) -> Response {
    state.metrics.http.observe(
        request.method().as_str(),
        UNMATCHED_ROUTE,
        status.as_u16(),
        0.0,
    );
    error::boot_error(status, message, request.uri().path())
}

/// The navigation links of page `number` of a list at `url`, keeping the request's other
/// parameters (filters, sort), as Spring HATEOAS does.
fn page_links(url: &str, params: &Params, number: u64, size: u64, total: u64) -> PageLinks {
    let href = |page: u64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("page", &page.to_string())
            .append_pair("size", &size.to_string());
        for (k, v) in params.without(&["page", "size"]) {
            query.append_pair(k, v);
        }
        Link::new(format!("{url}?{}", query.finish()))
    };
    let pages = if size == 0 { 0 } else { total.div_ceil(size) };
    let has_prev = number > 0;
    let has_next = number + 1 < pages;
    let navigable = has_prev || has_next;
    PageLinks {
        first: navigable.then(|| href(0)),
        prev: has_prev.then(|| href(number - 1)),
        self_link: Some(href(number)),
        next: has_next.then(|| href(number + 1)),
        last: navigable.then(|| href(pages.saturating_sub(1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_follow_spring_hateoas() {
        let params = Params::parse("type=source&page=1&size=2&sort=name,desc");
        let links = page_links("http://h/apps", &params, 1, 2, 5);
        assert_eq!(
            links.self_link.unwrap().href,
            "http://h/apps?page=1&size=2&type=source&sort=name%2Cdesc"
        );
        assert!(links.prev.unwrap().href.contains("page=0"));
        assert!(links.next.unwrap().href.contains("page=2"));
        assert!(links.last.unwrap().href.contains("page=2"));
        assert!(links.first.unwrap().href.contains("page=0"));

        let single = page_links("http://h/apps", &Params::default(), 0, 20, 3);
        assert!(single.first.is_none() && single.prev.is_none() && single.next.is_none());
        assert!(single.self_link.is_some());
    }
}
