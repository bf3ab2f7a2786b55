//! Turning SDK errors into the one-line reasons a check shows under `error`.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// "iam:ListRoles: AccessDenied (HTTP 403): User ... is not authorized ...".
pub(crate) fn describe<E, R>(action: &str, err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HttpStatus + 'static,
{
    let reason = match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let status = service.raw().status_code();
            let Some(code) = e.code() else {
                // Not the service's error format: an emulator's page, a proxy, a gateway.
                let kind = service.raw().content_type().unwrap_or("no content type");
                return format!("{action}: unrecognised error response (HTTP {status}, {kind})");
            };
            match e.message() {
                Some(message) if !message.is_empty() => {
                    format!("{code} (HTTP {status}): {message}")
                }
                _ => format!("{code} (HTTP {status})"),
            }
        }
        SdkError::TimeoutError(_) => {
            "timed out (no answer within the operation timeout)".to_string()
        }
        SdkError::DispatchFailure(failure) => {
            let what = if failure.is_timeout() {
                "timed out connecting"
            } else if failure.is_io() {
                "connection failed"
            } else {
                "could not send the request"
            };
            match failure.as_connector_error() {
                Some(cause) => format!("{what}: {}", chain(cause)),
                None => what.to_string(),
            }
        }
        SdkError::ResponseError(response) => format!(
            "unreadable response (HTTP {}, {}): {}",
            response.raw().status_code(),
            response.raw().content_type().unwrap_or("no content type"),
            chain(err)
        ),
        _ => chain(err),
    };
    format!("{action}: {}", crate::input::one_line(&reason))
}

/// An error and its sources, as one line a user can read (see [`chain`]).
pub(crate) fn cause(err: &(dyn std::error::Error + 'static)) -> String {
    let text = chain(err);
    if text.is_empty() {
        "no reason given".to_string()
    } else {
        crate::input::one_line(&text)
    }
}

/// An error and its sources, one message each, without the debug dumps of raw responses
/// and inner errors that some of the SDK's messages carry.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !is_debug_dump(&text) && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Whether a message is Rust `Debug` output (`FailedToLoadToken(… SdkBody { inner: …`)
/// rather than words: it means nothing to a user, and a source further down says it.
pub fn is_debug_dump(text: &str) -> bool {
    const SIGNS: [&str; 6] = ["SdkBody", " { ", "Some(", "inner: ", "source: ", "kind: "];
    SIGNS.iter().any(|sign| text.contains(sign))
}

/// The HTTP status and content type of a raw response, for messages.
pub(crate) trait HttpStatus {
    fn status_code(&self) -> u16;
    fn content_type(&self) -> Option<&str>;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }

    fn content_type(&self) -> Option<&str> {
        self.headers().get("content-type")
    }
}

/// The error code of a service error, if it is one.
pub(crate) fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct Layer(String, #[source] Option<Box<Layer>>);

    #[test]
    fn debug_dumps_are_left_out_of_causes() {
        let inner = Layer("the SSO session has expired".into(), None);
        let dump = Layer(
            "FailedToLoadToken(FailedToLoadToken { source: Some(ResponseError { raw: SdkBody { inner: Once(..) } }) })".into(),
            Some(Box::new(inner)),
        );
        let outer = Layer("failed to load credentials".into(), Some(Box::new(dump)));
        assert_eq!(
            cause(&outer),
            "failed to load credentials: the SSO session has expired"
        );
        assert!(is_debug_dump("Some(\"x\")"));
        assert!(!is_debug_dump(
            "AccessDenied (HTTP 403): User: arn:aws:iam::1:user/x is not authorized"
        ));
    }
}
