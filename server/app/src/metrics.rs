//! Prometheus metrics: one registry, served as OpenMetrics text at `GET /metrics`. Each subsystem
//! owns a `…Metrics` struct registered here; HTTP metrics are labelled by route template (never
//! the raw path, whose cardinality a client controls).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::service::platforms::Platforms;
use crate::service::reconcile::ReconcileMetrics;
use crate::state::AppState;

/// The route label of requests that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Labels of a counted request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// HTTP method.
    pub method: String,
    /// Route template such as `/apps/{type}/{name}`.
    pub route: String,
    /// Status code.
    pub status: u16,
}

/// Labels of a timed request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DurationLabels {
    /// HTTP method.
    pub method: String,
    /// Route template.
    pub route: String,
}

type HistogramFamily = Family<DurationLabels, Histogram, fn() -> Histogram>;

/// HTTP request metrics.
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: HistogramFamily,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        fn histogram() -> Histogram {
            // 0.5 ms .. ~16 s
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        }
        Self {
            requests: Family::default(),
            duration: Family::new_with_constructor(histogram),
        }
    }
}

impl HttpMetrics {
    /// Registers the metrics in `registry`.
    pub fn register(self, registry: &mut Registry) -> Self {
        registry.register(
            "http_requests",
            "HTTP requests handled",
            self.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to handle an HTTP request",
            self.duration.clone(),
        );
        self
    }

    /// Records one request. The method label is one of the standard methods or `other`, so a
    /// client cannot add series by inventing method tokens.
    pub fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&DurationLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }
}

/// The metric label of `method`: its name for the methods of RFC 9110 and PATCH, else `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// The metrics of the whole server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// HTTP request metrics.
    pub http: HttpMetrics,
    /// What the reconcile loop does on the platforms.
    pub reconcile: ReconcileMetrics,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(&Platforms::default())
    }
}

impl Metrics {
    /// The metrics of a server deploying to `platforms`: each account's client metrics carry
    /// an `account` label.
    pub fn new(platforms: &Platforms) -> Self {
        let mut registry = Registry::with_prefix("dataflow");
        let http = HttpMetrics::default().register(&mut registry);
        let reconcile = ReconcileMetrics::default();
        reconcile.register(&mut registry);
        for account in platforms.all() {
            if let Some(kubernetes) = &account.kubernetes_metrics {
                let labelled = registry.sub_registry_with_label((
                    std::borrow::Cow::Borrowed("account"),
                    std::borrow::Cow::Owned(account.name.clone()),
                ));
                kubernetes.register(labelled);
            }
        }
        Self {
            registry,
            http,
            reconcile,
        }
    }

    /// The registry as OpenMetrics text.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Middleware recording every routed request (added with `route_layer`, so that the matched
/// route template is known; the fallback records unmatched requests itself).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    state.metrics.http.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
