//! REST tests: the real router, in-process, over a real store. The registry and stream stories
//! run on SQLite and on MariaDB (`mariadb_*`, run by `scripts/test.sh`).

/// Declares one SQLite test and one MariaDB test per story (an `async fn(Api)` of the module).
macro_rules! on_both_databases {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    super::$story(super::Api::sqlite().await).await;
                }
            )*
        }
        mod mariadb_rest {
            $(
                #[tokio::test]
                #[ignore = "needs MariaDB (DATAFLOW_TEST_MARIADB_URL)"]
                async fn $story() {
                    super::$story(super::Api::mariadb().await).await;
                }
            )*
        }
    };
}

mod abuse;
mod completions;
mod deployments;
mod errors;
mod fuzz;
mod registry;
mod server;
mod streams;
mod tools;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use dataflow_server::service::registry::ImportPolicy;
use dataflow_server::state::AppState;
use dataflow_store::testing::{self, TestStore};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

/// The server's REST API over a throwaway database.
#[derive(Debug)]
pub struct Api {
    router: Router,
    _db: TestStore,
}

/// A response, its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Reply {
    /// The first error message of a VndErrors body.
    pub fn error_message(&self) -> &str {
        self.json["_embedded"]["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
    }

    /// The first error's logref.
    pub fn logref(&self) -> &str {
        self.json["_embedded"]["errors"][0]["logref"]
            .as_str()
            .unwrap_or_default()
    }
}

pub const MAX_BODY: usize = 64 * 1024;

impl Api {
    pub async fn sqlite() -> Self {
        Self::over(testing::sqlite().await)
    }

    pub async fn mariadb() -> Self {
        Self::over(testing::mariadb().await)
    }

    /// The API over SQLite reading `file:` lists from `dirs` and fetching from `hosts` even
    /// when they are local.
    pub async fn importing_from(dirs: &[&std::path::Path], hosts: &[&str]) -> Self {
        let dirs: Vec<_> = dirs.iter().map(|d| d.to_path_buf()).collect();
        let hosts: Vec<_> = hosts.iter().map(|h| (*h).to_owned()).collect();
        let policy = ImportPolicy::new(&dirs, &hosts).unwrap();
        Self::with_state(testing::sqlite().await, |store| {
            AppState::with_import_policy(store, MAX_BODY, Duration::from_secs(5), policy)
        })
    }

    /// The API over SQLite accepting request bodies of `max_body` bytes (production's default
    /// is 16 MiB; the other tests use a small limit to reach it cheaply).
    pub async fn with_body_limit(max_body: usize) -> Self {
        Self::with_state(testing::sqlite().await, |store| {
            AppState::new(store, max_body, Duration::from_secs(5))
        })
    }

    fn over(db: TestStore) -> Self {
        Self::with_state(db, |store| {
            AppState::new(store, MAX_BODY, Duration::from_secs(5))
        })
    }

    fn with_state(
        db: TestStore,
        state: impl FnOnce(std::sync::Arc<dyn dataflow_store::Store>) -> anyhow::Result<AppState>,
    ) -> Self {
        let state = state(db.store.clone()).unwrap();
        Self {
            router: dataflow_server::http::router(state),
            _db: db,
        }
    }

    /// The router itself, for tests that build their own state.
    pub fn from_state(db: TestStore, state: AppState) -> Self {
        Self {
            router: dataflow_server::http::router(state),
            _db: db,
        }
    }

    /// Sends a request as SCDF's shell does: parameters in a form body.
    pub async fn send(&self, method: Method, uri: &str, form: Option<&str>) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost:9393");
        let body = match form {
            Some(form) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(form.to_owned())
            }
            None => Body::empty(),
        };
        self.raw(request.body(body).unwrap()).await
    }

    /// Sends `request`, with the `Host` header every HTTP/1.1 client sends added when missing.
    pub async fn raw(&self, mut request: Request<Body>) -> Reply {
        if !request.headers().contains_key(header::HOST) {
            request.headers_mut().insert(
                header::HOST,
                header::HeaderValue::from_static("localhost:9393"),
            );
        }
        self.exactly(request).await
    }

    /// Sends `request` exactly as given.
    pub async fn exactly(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            json,
            text,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Method::GET, uri, None).await
    }

    pub async fn post(&self, uri: &str, form: &str) -> Reply {
        self.send(Method::POST, uri, Some(form)).await
    }

    /// POSTs `body` as JSON with `Content-Type: application/json`.
    pub async fn post_json(&self, uri: &str, body: &Value) -> Reply {
        self.raw(
            Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }
}

/// Form-encodes `pairs`.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}
