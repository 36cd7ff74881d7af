//! Liveness, readiness and startup probes (reference section 1.8).
//!
//! `probeType` (HTTP by default, TCP or COMMAND) applies to all three probes. Each setting of
//! probe `p` and type `T` is looked up as:
//!
//! 1. the per-app `<p><T>Probe<Setting>` (`livenessHttpProbePort`);
//! 2. the deprecated per-app `<p>Probe<Setting>` (`livenessProbePort`);
//! 3. the server's `<p><T>Probe<Setting>`;
//! 4. the server's `<p>Probe<Setting>` (SCDF has only a few of these; we accept them all);
//! 5. the default.
//!
//! Decisions on SCDF's quirks:
//!
//! * **TCP and COMMAND timeouts.** SCDF never emits `timeoutSeconds` for them, so the timeout
//!   properties are silently ignored. We emit a timeout when the user sets one and otherwise
//!   leave it out (Kubernetes' default of 1 second applies, exactly as with SCDF).
//! * **COMMAND startup thresholds.** SCDF's startup COMMAND probe reads the *liveness*
//!   failure/success settings. We read the startup ones, with the documented default failure
//!   threshold of 10.
//! * **`probeCredentialsSecret`** is honoured at server level too (SCDF reads only the per-app
//!   value).
//! * Kubernetes requires a success threshold of 1 for liveness and startup probes; any other
//!   value is an error here instead of at the API server.

use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, HTTPHeader, Probe, TCPSocketAction};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::kubernetes::context::Context;
use crate::kubernetes::keys::{ProbeKey, ProbeKind, ProbeName, ProbeSetting};
use crate::kubernetes::properties::{
    BOOT_MAJOR_VERSION, PROBE_CREDENTIALS_SECRET, PROBE_TYPE, PROBES, ProbeValue,
};
use crate::kubernetes::settings::Prop;
use crate::{Error, Result};

/// The three probes, and the ports they need on the container.
#[derive(Debug, Clone)]
pub(crate) struct Probes {
    pub(crate) liveness: Probe,
    pub(crate) readiness: Probe,
    pub(crate) startup: Probe,
    /// Ports the HTTP or TCP probes use, in probe order (liveness, readiness, startup).
    pub(crate) ports: Vec<i32>,
}

/// Defaults of one probe: delay, period, timeout (HTTP only), failure and success thresholds.
#[derive(Debug, Clone, Copy)]
struct Defaults {
    delay: i32,
    period: i32,
    timeout: Option<i32>,
    failure: i32,
    success: i32,
}

const fn defaults(kind: ProbeKind, probe: ProbeName) -> Defaults {
    let (delay, period, timeout, failure) = match (kind, probe) {
        (ProbeKind::Http, ProbeName::Liveness) => (1, 60, Some(5), 3),
        (ProbeKind::Http, ProbeName::Readiness) => (1, 10, Some(5), 3),
        (ProbeKind::Http, ProbeName::Startup) => (30, 3, Some(5), 20),
        (ProbeKind::Tcp, ProbeName::Liveness) => (10, 60, None, 3),
        (ProbeKind::Tcp, ProbeName::Readiness) => (1, 10, None, 3),
        (ProbeKind::Tcp, ProbeName::Startup) => (30, 3, None, 20),
        (ProbeKind::Command, ProbeName::Liveness) => (10, 10, None, 3),
        (ProbeKind::Command, ProbeName::Readiness) => (1, 10, None, 3),
        (ProbeKind::Command, ProbeName::Startup) => (30, 10, None, 10),
    };
    Defaults {
        delay,
        period,
        timeout,
        failure,
        success: 1,
    }
}

/// Looks a probe setting up in SCDF's order.
fn lookup(
    context: &Context<'_>,
    probe: ProbeName,
    kind: ProbeKind,
    setting: ProbeSetting,
) -> Option<Prop<ProbeValue>> {
    let typed = ProbeKey {
        probe,
        kind: Some(kind),
        setting,
    };
    let deprecated = ProbeKey {
        kind: None,
        ..typed
    };
    // Deprecated keys exist for every setting but COMMAND's command.
    let deprecated = (setting != ProbeSetting::Command).then_some(deprecated);
    [&context.app, context.server]
        .into_iter()
        .flat_map(|settings| {
            [Some(typed), deprecated]
                .into_iter()
                .flatten()
                .filter_map(|key| settings.member(&PROBES, &key))
        })
        .next()
        .cloned()
}

fn number(
    context: &Context<'_>,
    probe: ProbeName,
    kind: ProbeKind,
    setting: ProbeSetting,
) -> Option<(i32, String)> {
    match lookup(context, probe, kind, setting) {
        Some(Prop {
            key,
            value: ProbeValue::Number(number),
        }) => Some((number, key)),
        _ => None,
    }
}

fn text(
    context: &Context<'_>,
    probe: ProbeName,
    kind: ProbeKind,
    setting: ProbeSetting,
) -> Option<String> {
    match lookup(context, probe, kind, setting) {
        Some(Prop {
            value: ProbeValue::Text(text),
            ..
        }) => Some(text),
        _ => None,
    }
}

/// The canonical per-app key of a typed probe setting, for errors about missing settings.
fn app_key(probe: ProbeName, kind: ProbeKind, setting: ProbeSetting) -> String {
    Context::app_key(
        &ProbeKey {
            probe,
            kind: Some(kind),
            setting,
        }
        .canonical(),
    )
}

/// Renders the three probes.
pub(crate) fn probes(context: &Context<'_>) -> Result<Probes> {
    let kind = context
        .get(&PROBE_TYPE)
        .map_or(ProbeKind::Http, |prop| prop.value);
    let header = credentials_header(context, kind)?;
    let mut ports = Vec::new();
    let mut render = |probe| probe_of(context, kind, probe, header.as_ref(), &mut ports);
    let liveness = render(ProbeName::Liveness)?;
    let readiness = render(ProbeName::Readiness)?;
    let startup = render(ProbeName::Startup)?;
    Ok(Probes {
        liveness,
        readiness,
        startup,
        ports,
    })
}

/// `Authorization: Basic <credentials>` from the `probeCredentialsSecret`, for HTTP probes.
fn credentials_header(context: &Context<'_>, kind: ProbeKind) -> Result<Option<HTTPHeader>> {
    let Some(secret) = context.get(&PROBE_CREDENTIALS_SECRET) else {
        return Ok(None);
    };
    if kind != ProbeKind::Http {
        return Ok(None);
    }
    let credentials = context.secrets.probe_credentials(&secret.value).ok_or_else(|| {
        Error::invalid(
            &secret.key,
            format!(
                "cannot read the `credentials` value of the Secret `{}`: it does not exist, has \
                 no `credentials` key, or cannot be read",
                secret.value
            ),
        )
    })?;
    Ok(Some(HTTPHeader {
        name: "Authorization".to_owned(),
        value: format!("Basic {credentials}"),
    }))
}

fn probe_of(
    context: &Context<'_>,
    kind: ProbeKind,
    probe: ProbeName,
    header: Option<&HTTPHeader>,
    ports: &mut Vec<i32>,
) -> Result<Probe> {
    let defaults = defaults(kind, probe);
    let value =
        |setting, default| number(context, probe, kind, setting).map_or(default, |(n, _)| n);
    let success = number(context, probe, kind, ProbeSetting::Success);
    if let Some((threshold, key)) = &success
        && *threshold != 1
        && probe != ProbeName::Readiness
    {
        return Err(Error::invalid(
            key,
            format!(
                "Kubernetes requires a success threshold of 1 for {} probes",
                probe.as_str()
            ),
        ));
    }
    let mut rendered = Probe {
        initial_delay_seconds: Some(value(ProbeSetting::Delay, defaults.delay)),
        period_seconds: Some(value(ProbeSetting::Period, defaults.period)),
        timeout_seconds: number(context, probe, kind, ProbeSetting::Timeout)
            .map(|(timeout, _)| timeout)
            .or(defaults.timeout),
        failure_threshold: Some(value(ProbeSetting::Failure, defaults.failure)),
        success_threshold: Some(success.map_or(defaults.success, |(n, _)| n)),
        ..Probe::default()
    };
    match kind {
        ProbeKind::Http => {
            let port = number(context, probe, kind, ProbeSetting::Port)
                .map_or(context.external_port, |(port, _)| port);
            ports.push(port);
            let boot1 = context
                .get(&BOOT_MAJOR_VERSION)
                .is_some_and(|prop| prop.value == 1);
            let default_path = match (probe, boot1) {
                (ProbeName::Liveness, false) => "/actuator/health",
                (ProbeName::Liveness, true) => "/health",
                (_, false) => "/actuator/info",
                (_, true) => "/info",
            };
            rendered.http_get = Some(HTTPGetAction {
                path: Some(
                    text(context, probe, kind, ProbeSetting::Path)
                        .unwrap_or_else(|| default_path.to_owned()),
                ),
                port: IntOrString::Int(port),
                scheme: Some(
                    text(context, probe, kind, ProbeSetting::Scheme)
                        .unwrap_or_else(|| "HTTP".to_owned()),
                ),
                http_headers: header.map(|header| vec![header.clone()]),
                host: None,
            });
        }
        ProbeKind::Tcp => {
            let (port, _) = number(context, probe, kind, ProbeSetting::Port).ok_or_else(|| {
                Error::MissingProperty {
                    key: app_key(probe, kind, ProbeSetting::Port),
                    message: format!(
                        "TCP probes need a port: set {}TcpProbePort per app or at server level",
                        probe.as_str()
                    ),
                }
            })?;
            ports.push(port);
            rendered.tcp_socket = Some(TCPSocketAction {
                port: IntOrString::Int(port),
                host: None,
            });
        }
        ProbeKind::Command => {
            let Some(Prop {
                value: ProbeValue::Command(command),
                ..
            }) = lookup(context, probe, kind, ProbeSetting::Command)
            else {
                return Err(Error::MissingProperty {
                    key: app_key(probe, kind, ProbeSetting::Command),
                    message: format!(
                        "COMMAND probes need a command: set {}CommandProbeCommand per app or at \
                         server level",
                        probe.as_str()
                    ),
                });
            };
            rendered.exec = Some(ExecAction {
                command: Some(command),
            });
        }
    }
    Ok(rendered)
}
