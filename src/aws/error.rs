//! Turning SDK errors into the one-line reasons a check shows under `error`.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// "iam:ListRoles: AccessDenied (HTTP 403): User ... is not authorized ...".
pub fn describe<E, R>(action: &str, err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    let reason = match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let status = service.raw().status_code();
            let code = e.code().unwrap_or("unrecognised error response");
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
            format!("{what}: {}", DisplayErrorContext(err))
        }
        SdkError::ResponseError(response) => format!(
            "unreadable response (HTTP {}): {}",
            response.raw().status_code(),
            DisplayErrorContext(err)
        ),
        _ => DisplayErrorContext(err).to_string(),
    };
    format!("{action}: {}", crate::plan::one_line(&reason))
}

/// The HTTP status of a raw response, for messages.
pub trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// The error code of a service error, if it is one.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}
