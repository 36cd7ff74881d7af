//! Request extractors that answer malformed input with our error body.
//!
//! SCDF's endpoints take `@RequestParam`s, which Spring reads from the query string *and* from a
//! form-encoded body alike (SCDF's shell sends forms). [`Params`] does the same.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use dataflow_core::Code;

use super::error::ApiError;
use crate::state::AppState;

/// Request parameters from the query string and a form body, in order of appearance.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parameters from raw `a=1&b=2` text; a name or value that is not UTF-8 once
    /// percent-decoded is refused (form decoders usually replace it silently with U+FFFD).
    pub fn parse(text: &[u8], source: &str) -> Result<Self, ApiError> {
        let mut pairs = Vec::new();
        for (index, piece) in text.split(|&b| b == b'&').enumerate() {
            if piece.is_empty() {
                continue;
            }
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &b""[..]),
            };
            let decode = |part: &[u8], what: &str| {
                let plus_as_space: Vec<u8> = part
                    .iter()
                    .map(|&b| if b == b'+' { b' ' } else { b })
                    .collect();
                let bytes: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
                String::from_utf8(bytes).map_err(|e| {
                    ApiError::new(
                        Code::MalformedRequest,
                        format!(
                            "The {what} of parameter {} in the {source} is not UTF-8 text \
                             (invalid byte at decoded offset {})",
                            index + 1,
                            e.utf8_error().valid_up_to()
                        ),
                    )
                })
            };
            let name = decode(name, "name")?;
            let value = decode(value, "value")?;
            pairs.push((name, value));
        }
        Ok(Self(pairs))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name` (for repeatable parameters such as `sort`).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of a required parameter.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| {
            ApiError::new(
                Code::MissingParameter,
                format!("Required request parameter '{name}' is not present"),
            )
        })
    }

    /// A boolean parameter (`true`/`false`, any case); absent is `default`.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::new(
                Code::InvalidParameter,
                format!("The parameter '{name}' must be true or false (got '{v}')"),
            )),
        }
    }

    /// The `search` filter of a list: absent or empty is none; longer than the store can
    /// match is refused.
    pub fn search(&self) -> Result<Option<String>, ApiError> {
        match self.get("search").filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(search) => {
                dataflow_core::page::validate_search(search)?;
                Ok(Some(search.to_owned()))
            }
        }
    }

    /// The pairs, except those named in `skip` (for building page links).
    pub fn without<'a>(&'a self, skip: &'a [&str]) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.0
            .iter()
            .filter(move |(k, _)| !skip.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Ok(read_params(request, state, false).await?.params)
    }
}

/// Request parameters as [`Params`] reads them, or, for the endpoints that take one beside their
/// parameters (`POST /streams/definitions` with deployment properties), a JSON body, left for
/// the handler to read; the parameters then come from the query string only.
#[derive(Debug)]
pub struct ParamsWithJson {
    /// The parameters.
    pub params: Params,
    /// The JSON body (`application/json` or `…+json`), if one was sent.
    pub json: Option<Bytes>,
}

impl<S: Send + Sync> FromRequest<S> for ParamsWithJson {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        read_params(request, state, true).await
    }
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"))
}

async fn read_params<S: Send + Sync>(
    request: Request,
    state: &S,
    accept_json: bool,
) -> Result<ParamsWithJson, ApiError> {
    let mut params = Params::parse(
        request.uri().query().unwrap_or("").as_bytes(),
        "query string",
    )?;
    let form = is_form(request.headers());
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    Code::PayloadTooLarge,
                    "The request body is larger than the server accepts \
                 (see --max-request-bytes / DATAFLOW_MAX_REQUEST_BYTES)",
                )
            } else {
                ApiError::new(
                    Code::MalformedBody,
                    format!("The request body could not be read: {rejection}"),
                )
            }
        })?;
    if body.is_empty() {
        return Ok(ParamsWithJson { params, json: None });
    }
    if is_json(content_type.as_deref()) {
        if accept_json {
            return Ok(ParamsWithJson {
                params,
                json: Some(body),
            });
        }
        // SCDF's dashboard sends every parameter in the query string, with the JSON body `{}`
        // (or `null`); such a body says nothing, so it is ignored. A JSON body with content is
        // refused below rather than silently dropped.
        if is_empty_json(&body) {
            return Ok(ParamsWithJson { params, json: None });
        }
    }
    if !form {
        let expected = if accept_json {
            "an application/x-www-form-urlencoded or application/json body"
        } else {
            "an application/x-www-form-urlencoded body"
        };
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            format!(
                "This endpoint reads parameters from the query string or from {expected}, \
                 not from {}",
                content_type
                    .as_deref()
                    .unwrap_or("a body without Content-Type")
            ),
        ));
    }
    params.0.extend(Params::parse(&body, "form body")?.0);
    Ok(ParamsWithJson { params, json: None })
}

/// Whether a JSON body is `{}`, `null` or `[]` (blanks allowed around them).
fn is_empty_json(body: &[u8]) -> bool {
    let text: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    matches!(text.as_slice(), b"{}" | b"null" | b"[]")
}

/// The server's externally visible base URL (`http://host:port`, no trailing slash), from the
/// `Host` header, or from `X-Forwarded-Proto`/`X-Forwarded-Host` when the operator says a proxy
/// sets them (`--trust-forwarded-headers`): any client can send those headers, so by default
/// they would let it rewrite every link the server answers with. Links in HAL responses are
/// absolute, as Spring HATEOAS writes them.
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let trusted = |name: &str| {
            if state.trust_forwarded_headers {
                header(name)
            } else {
                None
            }
        };
        let scheme = match trusted("x-forwarded-proto") {
            Some(p) if p.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        // Only a well-formed authority goes into links: a crafted Host header cannot inject a path.
        let host = trusted("x-forwarded-host")
            .or_else(|| header(HOST.as_str()))
            .filter(|h| is_authority(h))
            .unwrap_or("localhost");
        Ok(Self(format!("{scheme}://{host}")))
    }
}

/// Whether `text` is exactly a `host[:port]` authority (no user-info, path or query).
pub fn is_authority(text: &str) -> bool {
    text.parse::<axum::http::uri::Authority>()
        .is_ok_and(|a| a.as_str() == text)
        && !text.contains('@')
}

/// A path parameter (or a tuple of them), with an undecodable path (`%FF`, not UTF-8) answered
/// by our JSON error body instead of axum's plain-text rejection.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::new(
                Code::MalformedRequest,
                format!(
                    "The request path could not be read: {}",
                    rejection.body_text()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_keep_order_and_repeats() {
        let p = Params::parse(
            b"sort=name,desc&type=source&sort=version&apps=a%3Db%0Ac",
            "test",
        )
        .unwrap();
        assert_eq!(p.all("sort"), ["name,desc", "version"]);
        assert_eq!(p.get("apps"), Some("a=b\nc"));
        assert_eq!(p.without(&["sort"]).count(), 2);
    }

    #[test]
    fn flags_accept_true_and_false_only() {
        let p = Params::parse(b"force=TRUE&x=yes", "test").unwrap();
        assert!(p.flag("force", false).unwrap());
        assert!(!p.flag("missing", false).unwrap());
        let err = p.flag("x", false).unwrap_err();
        assert!(err.0.public_message().contains("'x' must be true or false"));
    }
}

/// A JSON body, with malformed JSON answered by our error body (400, 413 or 415) instead of
/// axum's plain-text rejections.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                Code::UnsupportedMediaType,
                "This endpoint reads a JSON body: send Content-Type: application/json",
            )),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new(
                    Code::PayloadTooLarge,
                    "The request body is larger than the server accepts \
                     (see --max-request-bytes / DATAFLOW_MAX_REQUEST_BYTES)",
                ))
            }
            Err(rejection) => Err(ApiError::new(
                Code::MalformedBody,
                format!("The JSON body could not be read: {}", rejection.body_text()),
            )),
        }
    }
}
