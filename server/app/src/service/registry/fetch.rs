//! Reading an app list from the location a client names (`POST /apps?uri=…`), within what the
//! operator allowed:
//!
//! - `file:` only inside the directories given with `--app-import-dir` (none by default, so
//!   `file:` is off). The path is resolved (symlinks, `..`) before the check, only regular files
//!   are read, and every failure has the same message, so a client cannot learn whether a path
//!   exists or is a directory.
//! - `http(s)://` only to public addresses: loopback, link-local (cloud metadata), private,
//!   shared, unique-local and other special-purpose ranges are refused unless the host is given
//!   with `--app-import-allowed-host`. Names are checked when they are resolved, so every
//!   redirect hop is checked too; IP literals are checked before each request.
//! - At most `max_bytes` are read, actually counted (a device or `/proc` file reports size 0),
//!   within the fetch timeout.
//!
//! Nothing read is ever quoted in an error: callers report list problems by line number and
//! kind only.

use std::fmt;
use std::io::Read as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dataflow_core::Code;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::error::AppError;

/// How many redirects a fetch follows.
const MAX_REDIRECTS: usize = 5;

/// What the operator allows app lists to be read from.
#[derive(Debug, Clone, Default)]
pub struct ImportPolicy {
    /// Directories `file:` lists may be read from (canonical paths).
    dirs: Vec<PathBuf>,
    /// Hosts (names or IP literals, lower case) that may be fetched from whatever address
    /// they resolve to.
    allowed_hosts: Arc<[String]>,
}

impl ImportPolicy {
    /// A policy allowing `file:` lists under `dirs` and non-public `hosts`. Fails when a
    /// directory cannot be resolved (it must exist, so that a typo does not pass silently).
    pub fn new(dirs: &[PathBuf], hosts: &[String]) -> std::io::Result<Self> {
        let dirs = dirs
            .iter()
            .map(|dir| {
                let canonical = std::fs::canonicalize(dir).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", dir.display()))
                })?;
                if canonical.is_dir() {
                    Ok(canonical)
                } else {
                    Err(std::io::Error::other(format!(
                        "{} is not a directory",
                        dir.display()
                    )))
                }
            })
            .collect::<std::io::Result<_>>()?;
        let allowed_hosts = hosts
            .iter()
            .map(|h| h.trim().trim_start_matches('[').trim_end_matches(']'))
            .filter(|h| !h.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        Ok(Self {
            dirs,
            allowed_hosts,
        })
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.allowed_hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
    }

    /// Whether `url` may be requested as far as can be told before resolving its host: http
    /// or https, and an IP literal only in a public range or allowed.
    fn check_url(&self, url: &Url) -> Result<(), Refusal> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refusal::Scheme(url.scheme().to_owned()));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(Refusal::NoHost),
        };
        if self.host_allowed(&ip.to_string()) {
            return Ok(());
        }
        match special_range(ip) {
            Some(range) => Err(Refusal::Address {
                host: ip.to_string(),
                range,
            }),
            None => Ok(()),
        }
    }
}

/// Why a location is not fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Scheme(String),
    NoHost,
    Address { host: String, range: &'static str },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scheme(scheme) => write!(
                f,
                "the scheme '{scheme}' is not supported; expected http://, https:// or file:"
            ),
            Self::NoHost => f.write_str("the URL has no host"),
            Self::Address { host, range } => write!(
                f,
                "'{host}' is {range} address; the server fetches app lists only from public \
                 addresses unless the operator allows the host with --app-import-allowed-host"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// The special-purpose range `ip` lies in, described for a message, or `None` for a public
/// address.
fn special_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => special_v4(ip),
        IpAddr::V6(ip) => special_v6(ip),
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback")
    } else if ip.is_link_local() {
        Some("a link-local (cloud metadata)")
    } else if ip.is_private() {
        Some("a private")
    } else if a == 0 {
        Some("a 'this network'")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT)")
    } else if a == 192 && b == 0 && c == 0 {
        Some("an IETF protocol assignment")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("a benchmarking")
    } else if ip.is_documentation() {
        Some("a documentation")
    } else if ip.is_multicast() {
        Some("a multicast")
    } else if a >= 240 {
        Some("a reserved or broadcast")
    } else {
        None
    }
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return special_v4(v4).or(Some("an IPv4-mapped"));
    }
    let segments = ip.segments();
    if ip.is_loopback() {
        Some("a loopback")
    } else if ip.is_unspecified() {
        Some("an unspecified")
    } else if segments[0] & 0xfe00 == 0xfc00 {
        Some("a unique-local")
    } else if segments[0] & 0xffc0 == 0xfe80 {
        Some("a link-local")
    } else if ip.is_multicast() {
        Some("a multicast")
    } else if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64: the IPv4 address is in the last 32 bits.
        let [.., hi, lo] = segments;
        let v4 = Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
        special_v4(v4).map(|_| "a NAT64-translated special-purpose")
    } else if segments[0] == 0x2002 {
        // 6to4: the IPv4 address follows the prefix.
        let v4 = Ipv4Addr::from((u32::from(segments[1]) << 16) | u32::from(segments[2]));
        special_v4(v4).map(|_| "a 6to4-translated special-purpose")
    } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
        Some("a documentation")
    } else if segments[..5] == [0; 5] && segments[5] == 0 {
        Some("an IPv4-compatible")
    } else {
        None
    }
}

/// Resolves names as the system does, then refuses the name if any of its addresses is in a
/// special-purpose range and the name is not allowed. Used for every connection the client
/// makes, redirects included.
#[derive(Debug)]
struct PublicOnly {
    allowed_hosts: Arc<[String]>,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let allowed = self.allowed_hosts.contains(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allowed && let Some(range) = addrs.iter().find_map(|a| special_range(a.ip())) {
                return Err(Box::new(Refusal::Address { host, range }) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Reads app lists as the policy allows.
#[derive(Debug, Clone)]
pub struct Fetcher {
    policy: Arc<ImportPolicy>,
    http: reqwest::Client,
    max_bytes: usize,
    timeout: Duration,
}

impl Fetcher {
    /// A fetcher reading at most `max_bytes` within `timeout`. Fails only if the HTTP client's
    /// TLS backend cannot start.
    pub fn new(
        policy: ImportPolicy,
        max_bytes: usize,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let policy = Arc::new(policy);
        let hops = policy.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            match hops.check_url(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refusal) => attempt.error(refusal),
            }
        });
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(redirects)
            // A proxy would resolve names itself, out of the resolver's sight.
            .no_proxy()
            .dns_resolver(PublicOnly {
                allowed_hosts: policy.allowed_hosts.clone(),
            })
            .user_agent(concat!("dataflow-server/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            policy,
            http,
            max_bytes,
            timeout,
        })
    }

    /// The text of the list at `location`.
    pub async fn fetch(&self, location: &str) -> Result<String, AppError> {
        let url = Url::parse(location).map_err(|e| {
            unreadable(
                location,
                &format!("not a URL ({e}); expected http://, https:// or file:"),
            )
        })?;
        let bytes = match url.scheme() {
            "file" => self.read_file(location, &url).await?,
            _ => self.get(location, url).await?,
        };
        String::from_utf8(bytes).map_err(|e| {
            unreadable(
                location,
                &format!(
                    "it is not UTF-8 text (byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })
    }

    async fn get(&self, location: &str, url: Url) -> Result<Vec<u8>, AppError> {
        self.policy
            .check_url(&url)
            .map_err(|refusal| refused(location, &refusal.to_string()))?;
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| http_error(location, &e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(unreadable(
                location,
                &format!("the server answered {status}"),
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| http_error(location, &e))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(too_large(location, self.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn read_file(&self, location: &str, url: &Url) -> Result<Vec<u8>, AppError> {
        if self.policy.dirs.is_empty() {
            return Err(refused(
                location,
                "reading app lists from files is off; the operator allows directories with \
                 --app-import-dir",
            ));
        }
        let path = url
            .to_file_path()
            .map_err(|()| refused(location, "not a local file path"))?;
        if path.components().any(|c| c == Component::ParentDir) {
            return Err(refused(location, "file paths may not contain '..'"));
        }
        let dirs = self.policy.dirs.clone();
        let max_bytes = self.max_bytes;
        let read = tokio::task::spawn_blocking(move || read_allowed_file(&path, &dirs, max_bytes));
        match tokio::time::timeout(self.timeout, read).await {
            Ok(Ok(Ok(bytes))) => Ok(bytes),
            Ok(Ok(Err(FileError::TooLarge))) => Err(too_large(location, self.max_bytes)),
            Ok(Ok(Err(FileError::Unreadable))) => Err(unreadable(
                location,
                "it does not exist, is not a readable regular file, or lies outside the \
                 directories allowed with --app-import-dir",
            )),
            Ok(Err(join)) => Err(AppError::new(
                Code::Internal,
                format!("reading an app list failed: {join}"),
            )),
            Err(_) => Err(unreadable(
                location,
                &format!("reading it took longer than {} s", self.timeout.as_secs()),
            )),
        }
    }
}

/// Why a file was not read. Deliberately coarse: the client learns nothing about the file
/// system.
#[derive(Debug)]
enum FileError {
    Unreadable,
    TooLarge,
}

/// Reads `path` if, with symlinks resolved, it is a regular file inside one of `dirs`, and at
/// most `max_bytes` long. Opens without following a final symlink and without blocking (a FIFO
/// with no writer would hold the open forever), and checks the opened file itself.
fn read_allowed_file(
    path: &Path,
    dirs: &[PathBuf],
    max_bytes: usize,
) -> Result<Vec<u8>, FileError> {
    let canonical = std::fs::canonicalize(path).map_err(|_| FileError::Unreadable)?;
    if !dirs.iter().any(|dir| canonical.starts_with(dir)) {
        return Err(FileError::Unreadable);
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(&canonical)
        .map_err(|_| FileError::Unreadable)?;
    let metadata = file.metadata().map_err(|_| FileError::Unreadable)?;
    if !metadata.is_file() {
        return Err(FileError::Unreadable);
    }
    let mut bytes = Vec::new();
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|_| FileError::Unreadable)?;
    if bytes.len() > max_bytes {
        return Err(FileError::TooLarge);
    }
    Ok(bytes)
}

fn unreadable(location: &str, why: &str) -> AppError {
    AppError::new(
        Code::AppListUnreadable,
        format!("Could not read the app list at '{location}': {why}"),
    )
}

fn refused(location: &str, why: &str) -> AppError {
    AppError::new(
        Code::AppListLocationRefused,
        format!("Refused to read the app list at '{location}': {why}"),
    )
}

fn too_large(location: &str, max_bytes: usize) -> AppError {
    unreadable(location, &format!("it is larger than {max_bytes} bytes"))
}

/// An HTTP failure as a message: our own refusal (from the resolver or a redirect) when there
/// is one in the chain, else reqwest's description (which names the URL, never the content).
fn http_error(location: &str, error: &reqwest::Error) -> AppError {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return refused(location, &refusal.to_string());
        }
        source = e.source();
    }
    let what = if error.is_timeout() {
        "the request timed out".to_owned()
    } else if error.is_redirect() {
        "too many redirects".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        error.to_string()
    };
    unreadable(location, &what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_ranges_are_named_and_public_addresses_pass() {
        let cases = [
            ("127.0.0.1", Some("a loopback")),
            ("127.255.0.9", Some("a loopback")),
            ("169.254.169.254", Some("a link-local (cloud metadata)")),
            ("10.1.2.3", Some("a private")),
            ("172.16.0.1", Some("a private")),
            ("192.168.1.1", Some("a private")),
            ("0.0.0.0", Some("a 'this network'")),
            ("100.64.0.1", Some("a shared (carrier-grade NAT)")),
            ("255.255.255.255", Some("a reserved or broadcast")),
            ("224.0.0.1", Some("a multicast")),
            ("::1", Some("a loopback")),
            ("::", Some("an unspecified")),
            ("fd00::1", Some("a unique-local")),
            ("fe80::1", Some("a link-local")),
            ("::ffff:127.0.0.1", Some("a loopback")),
            (
                "::ffff:169.254.169.254",
                Some("a link-local (cloud metadata)"),
            ),
            (
                "64:ff9b::7f00:1",
                Some("a NAT64-translated special-purpose"),
            ),
            ("2002:7f00:1::", Some("a 6to4-translated special-purpose")),
            ("8.8.8.8", None),
            ("151.101.1.1", None),
            ("2606:4700::1111", None),
            ("::ffff:8.8.8.8", Some("an IPv4-mapped")),
        ];
        for (ip, expected) in cases {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(special_range(ip), expected, "{ip}");
        }
    }

    #[test]
    fn ip_literals_are_checked_before_any_request() {
        let policy = ImportPolicy::new(&[], &["127.0.0.2".to_owned()]).unwrap();
        let check = |u: &str| policy.check_url(&Url::parse(u).unwrap());
        assert!(matches!(
            check("http://127.0.0.1:9393/about"),
            Err(Refusal::Address {
                range: "a loopback",
                ..
            })
        ));
        assert!(matches!(
            check("http://[::ffff:a9fe:a9fe]/latest/meta-data"),
            Err(Refusal::Address { .. })
        ));
        assert!(check("http://127.0.0.2/allowed").is_ok(), "allowed host");
        assert!(
            check("https://example.com/list").is_ok(),
            "names wait for resolution"
        );
        assert!(matches!(
            check("ftp://example.com/x"),
            Err(Refusal::Scheme(_))
        ));
    }

    #[test]
    fn files_outside_the_allowed_directories_or_not_regular_are_unreadable() {
        let allowed = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let dirs = [std::fs::canonicalize(allowed.path()).unwrap()];
        let inside = allowed.path().join("apps.properties");
        std::fs::write(&inside, "source.a=docker:a/a:1\n").unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "x").unwrap();
        let link = allowed.path().join("link");
        std::os::unix::fs::symlink(&secret, &link).unwrap();

        assert!(read_allowed_file(&inside, &dirs, 100).is_ok());
        for path in [
            secret.as_path(),
            link.as_path(),
            allowed.path(),
            Path::new("/etc/passwd"),
            &allowed.path().join("missing"),
        ] {
            assert!(
                matches!(
                    read_allowed_file(path, &dirs, 100),
                    Err(FileError::Unreadable)
                ),
                "{}",
                path.display()
            );
        }
        assert!(matches!(
            read_allowed_file(&inside, &dirs, 5),
            Err(FileError::TooLarge)
        ));
    }
}
