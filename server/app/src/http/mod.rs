//! The REST API: one router merging one sub-router per resource, SCDF's paths and shapes.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::HOST;
use axum::http::{Method, StatusCode, Version};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use dataflow_api::Link;
use dataflow_api::hal::PageLinks;
use dataflow_core::Code;
use tower_http::trace::TraceLayer;

use crate::metrics::{self, UNMATCHED_ROUTE};
use crate::state::AppState;

mod about;
mod apps;
mod completions;
mod deployments;
pub mod error;
pub mod extract;
mod runtime;
mod streams;
mod tools;

use error::ApiError;
use extract::Params;

/// The whole REST API over `state`.
pub fn router(state: AppState) -> Router {
    let max_body = state.max_request_bytes;
    Router::new()
        .merge(about::routes())
        .merge(apps::routes())
        .merge(completions::routes())
        .merge(deployments::routes())
        .merge(runtime::routes())
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
        .layer(axum::middleware::from_fn(require_one_host))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span of one request: method and path only. The query string is left out because it
/// can carry secrets (`apps=` lists, `definition=` texts with passwords).
fn request_span(request: &Request) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        version = ?request.version(),
    )
}

/// Refuses an HTTP/1.x request without exactly one well-formed `Host` header, as RFC 9112 §3.2
/// requires (HTTP/1.0 may omit it). HTTP/2 carries the authority in the request itself.
async fn require_one_host(request: Request, next: Next) -> Response {
    let version = request.version();
    if version == Version::HTTP_10 || version == Version::HTTP_11 {
        let hosts: Vec<_> = request.headers().get_all(HOST).iter().collect();
        let problem = match hosts.as_slice() {
            [] if version == Version::HTTP_11 => Some("has no Host header"),
            [] => None,
            [host] if !host.to_str().is_ok_and(extract::is_authority) => {
                Some("has a Host header that is not a host[:port]")
            }
            [_] => None,
            _ => Some("has more than one Host header"),
        };
        if let Some(problem) = problem {
            return ApiError::new(
                Code::MalformedRequest,
                format!("The request {problem} (RFC 9112 section 3.2)"),
            )
            .into_response();
        }
    }
    next.run(request).await
}

async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    let message = format!("No endpoint matches the path '{}'", request.uri().path());
    unrouted(
        &state,
        &request,
        ApiError::new(Code::NoSuchEndpoint, message),
    )
}

/// A known path asked with a method it does not take: 405, or, for `OPTIONS`, 204. Either way
/// axum adds the `Allow` header listing the methods the path takes.
async fn method_not_allowed(State(state): State<AppState>, request: Request) -> Response {
    if request.method() == Method::OPTIONS {
        state
            .metrics
            .http
            .observe(request.method(), UNMATCHED_ROUTE, 204, 0.0);
        return StatusCode::NO_CONTENT.into_response();
    }
    let message = format!(
        "Request method '{}' is not supported by '{}'",
        request.method(),
        request.uri().path()
    );
    unrouted(
        &state,
        &request,
        ApiError::new(Code::MethodNotAllowed, message),
    )
}

/// Answers a request no handler took, in SCDF's error body, and counts it.
fn unrouted(state: &AppState, request: &Request, error: ApiError) -> Response {
    let response = error.into_response();
    state.metrics.http.observe(
        request.method(),
        UNMATCHED_ROUTE,
        response.status().as_u16(),
        0.0,
    );
    response
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
        let params = Params::parse(b"type=source&page=1&size=2&sort=name,desc", "test").unwrap();
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
