//! The AWS Payments API, for the one read orgexit needs: `ListPaymentInstruments`.
//!
//! No Rust SDK crate covers the AWS Payments API yet (service `payments`, API version
//! 2026-09-23, awsJson 1.0 with target prefix `AWSPayments`, signing name `payments`, a
//! single endpoint `https://payments.us-east-1.api.aws`). **This module stands in for
//! `aws-sdk-payments` until that crate is published, and should then be replaced by it**:
//! nothing outside this file sees more than [`PaymentsClient`] and [`PaymentInstrument`].
//!
//! It is made of the SDK's own parts, not written beside them. The operation is an ad-hoc
//! smithy operation ([`Operation`]) run by the same orchestrator as the generated clients,
//! with the account's [`SdkConfig`]: its HTTP client, credentials provider (through the
//! identity cache), retry and timeout configuration, sleep and time source. `aws-runtime`
//! signs it (SigV4 auth scheme) and classifies its errors for retry (throttling codes,
//! transient errors, 5xx, clock skew); the SDK's awsJson parser reads its errors. The
//! read-only guard is one of its interceptors, as on every client. The endpoint is resolved
//! as the generated clients resolve theirs: `AWS_ENDPOINT_URL_PAYMENTS` (or the profile's
//! `services` section), then `AWS_ENDPOINT_URL`, else the service's endpoint.

use std::collections::HashSet;

use aws_config::SdkConfig;
use aws_runtime::auth::sigv4::{SCHEME_ID as SIGV4, SigV4AuthScheme};
use aws_runtime::auth::{SigV4OperationSigningConfig, SigningOptions};
use aws_runtime::invocation_id::InvocationIdInterceptor;
use aws_runtime::recursion_detection::RecursionDetectionInterceptor;
use aws_runtime::request_info::RequestInfoInterceptor;
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_runtime::service_clock_skew::{ServiceClockSkewClassifier, ServiceClockSkewInterceptor};
use aws_runtime::user_agent::{ApiMetadata, UserAgentInterceptor};
use aws_smithy_json::protocol::aws_json_rpc::AwsJsonRpcProtocol;
use aws_smithy_runtime::client::orchestrator::operation::Operation;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime::client::retries::classifiers::{
    HttpStatusCodeClassifier, TransientErrorClassifier,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::auth::static_resolver::{
    StaticAuthSchemeOptionResolver, StaticAuthSchemeOptionResolverParams,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin;
use aws_smithy_schema::protocol::ClientProtocolInner;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Layer};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SigningName;
use aws_types::region::{Region, SigningRegion};
use aws_types::service_config::ServiceConfigKey;
use serde::Deserialize;

use super::error::describe;
use super::guard::ReadOnlyGuard;

/// The SDK service name: what the guard and the call log know the operations by.
pub(crate) const SERVICE: &str = "Payments";
/// The service id the endpoint overrides are named after (`AWS_ENDPOINT_URL_PAYMENTS`).
pub(crate) const SERVICE_ID: &str = "payments";
/// The one operation orgexit sends.
pub(crate) const LIST_PAYMENT_INSTRUMENTS: &str = "ListPaymentInstruments";
/// The IAM action that authorizes it.
pub(crate) const ACTION: &str = "payments:ListPaymentInstruments";
/// The service's only endpoint.
pub(crate) const DEFAULT_ENDPOINT: &str = "https://payments.us-east-1.api.aws";
/// The largest page the service gives (`maxResults` is 1 to 25).
pub(crate) const PAGE_SIZE: u32 = 25;

const TARGET_PREFIX: &str = "AWSPayments";
const API_VERSION: &str = "2026-09-23";
/// The endpoint is in us-east-1, whatever region the rest of the run uses.
const SIGNING_REGION: &str = "us-east-1";

pub use crate::facts::PaymentInstrument;

/// The request of one page.
#[derive(Debug)]
struct ListInput {
    next_token: Option<String>,
}

/// One page of the answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListOutput {
    payment_instrument_summaries: Option<Vec<Summary>>,
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    id: Option<String>,
    arn: Option<String>,
    payment_method: Option<String>,
    status: Option<String>,
}

/// The AWS Payments API for one account. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PaymentsClient {
    list: Operation<ListInput, ListOutput, ErrorMetadata>,
}

impl PaymentsClient {
    /// A client with the account's configuration, behind the read-only guard, drawing its
    /// retries from `quota` (the account's, [`super::config::AccountClients::new`]).
    pub(crate) fn new(config: &SdkConfig, guard: &ReadOnlyGuard, quota: RetryPartition) -> Self {
        Self::with_operation(config, guard, LIST_PAYMENT_INSTRUMENTS, quota)
    }

    /// Every payment instrument of the account, all pages read. The error is the one-line
    /// reason a check shows ("payments:ListPaymentInstruments: AccessDeniedException …").
    pub async fn list_payment_instruments(&self) -> Result<Vec<PaymentInstrument>, String> {
        let mut found = Vec::new();
        let mut tokens = HashSet::new();
        let mut next_token = None;
        loop {
            let page = self
                .list
                .invoke(ListInput { next_token })
                .await
                .map_err(|e| describe(ACTION, &e))?;
            // Every answer lists the instruments, if only as `[]`: a missing list is not "none".
            let listed = page.payment_instrument_summaries.ok_or_else(|| {
                format!("{ACTION}: the answer has no paymentInstrumentSummaries list")
            })?;
            for summary in listed {
                found.push(instrument(summary)?);
            }
            match page.next_token.filter(|t| !t.is_empty()) {
                // A token seen before would loop forever; what it hides cannot be read.
                Some(token) if !tokens.insert(token.clone()) => {
                    return Err(format!(
                        "{ACTION}: the answer repeats the page token {token}"
                    ));
                }
                Some(token) => next_token = Some(token),
                None => return Ok(found),
            }
        }
    }

    /// The client, with `operation` as the name it sends under (tests prove the guard
    /// refuses names not on its allow-list).
    fn with_operation(
        config: &SdkConfig,
        guard: &ReadOnlyGuard,
        operation: &'static str,
        quota: RetryPartition,
    ) -> Self {
        let endpoint = endpoint_url(config);
        // Retries drawn from the account's quota, not from the bucket the SDK shares
        // between every client of one service in the process.
        let mut retry_quota = Layer::new("orgexit-retry-quota");
        retry_quota.store_put(quota);
        let mut builder = Operation::builder()
            .service_name(SERVICE)
            .operation_name(operation)
            .endpoint_url(&endpoint)
            .standard_retry(
                &config
                    .retry_config()
                    .cloned()
                    .unwrap_or_else(RetryConfig::standard),
            )
            .timeout_config(
                config
                    .timeout_config()
                    .cloned()
                    .unwrap_or_else(TimeoutConfig::disabled),
            )
            .interceptor(guard.clone())
            .with_connection_poisoning()
            .interceptor(ServiceClockSkewInterceptor::new())
            .interceptor(RequestInfoInterceptor::new())
            .interceptor(UserAgentInterceptor::new())
            .interceptor(InvocationIdInterceptor::new())
            .interceptor(RecursionDetectionInterceptor::new())
            .retry_classifier(HttpStatusCodeClassifier::default())
            .retry_classifier(TransientErrorClassifier::<ErrorMetadata>::new())
            .retry_classifier(AwsErrorCodeClassifier::<ErrorMetadata>::new())
            .retry_classifier(ServiceClockSkewClassifier::<ErrorMetadata>::new())
            .runtime_plugin(sigv4_plugin(config))
            .runtime_plugin(StaticRuntimePlugin::new().with_config(retry_quota.freeze()));
        if let Some(version) = config.behavior_version() {
            builder = builder.behavior_version(version);
        }
        if let Some(http) = config.http_client() {
            builder = builder.http_client(http);
        }
        if let Some(sleep) = config.sleep_impl() {
            builder = builder.sleep_impl(sleep);
        }
        if let Some(time) = config.time_source() {
            builder = builder.time_source(time);
        }
        let protocol = AwsJsonRpcProtocol::aws_json_1_0().with_target_prefix(TARGET_PREFIX);
        let target = format!("{TARGET_PREFIX}.{operation}");
        let list = builder
            .serializer(move |input: ListInput| serialize(&target, input))
            .deserializer(move |response: &HttpResponse| deserialize(&protocol, response))
            .build();
        PaymentsClient { list }
    }
}

/// Where requests go: as the generated clients decide it from an `SdkConfig`. An endpoint
/// set in code wins; else the service's own (`AWS_ENDPOINT_URL_PAYMENTS`, or `endpoint_url`
/// in the profile's `services` section for `payments`); else the global one
/// (`AWS_ENDPOINT_URL`, or the profile's `endpoint_url`); else [`DEFAULT_ENDPOINT`].
pub(crate) fn endpoint_url(config: &SdkConfig) -> String {
    let configured = if config.get_origin("endpoint_url").is_client_config() {
        config.endpoint_url().map(str::to_string)
    } else {
        let key = ServiceConfigKey::builder()
            .service_id(SERVICE_ID)
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .expect("every field is set");
        config
            .service_config()
            .and_then(|service| service.load_config(key))
            .or_else(|| config.endpoint_url().map(str::to_string))
    };
    configured.unwrap_or_else(|| DEFAULT_ENDPOINT.to_string())
}

/// SigV4 for service `payments` in us-east-1, with the configuration's credentials.
fn sigv4_plugin(config: &SdkConfig) -> StaticRuntimePlugin {
    let mut components = RuntimeComponentsBuilder::new("orgexit::payments");
    components
        .set_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![SIGV4])))
        .push_auth_scheme(SigV4AuthScheme::new());
    if let Some(credentials) = config.credentials_provider() {
        components.set_identity_resolver(SIGV4, credentials);
    }
    if let Some(cache) = config.identity_cache() {
        components.set_identity_cache(Some(cache));
    }
    let mut signing_options = SigningOptions::default();
    signing_options.double_uri_encode = true;
    signing_options.content_sha256_header = false;
    signing_options.normalize_uri_path = true;
    let mut layer = Layer::new("orgexit::payments");
    layer.store_put(AuthSchemeOptionResolverParams::new(
        StaticAuthSchemeOptionResolverParams::new(),
    ));
    layer.store_put(SigV4OperationSigningConfig {
        region: Some(SigningRegion::from(Region::from_static(SIGNING_REGION))),
        name: Some(SigningName::from_static(SERVICE_ID)),
        signing_options,
        ..Default::default()
    });
    layer.store_put(ApiMetadata::new(SERVICE_ID, API_VERSION));
    StaticRuntimePlugin::new()
        .with_config(layer.freeze())
        .with_runtime_components(components)
}

/// awsJson 1.0: `POST /`, the operation in `X-Amz-Target`, the input as a JSON body.
fn serialize(target: &str, input: ListInput) -> Result<HttpRequest, BoxError> {
    let mut body = serde_json::json!({ "maxResults": PAGE_SIZE });
    if let Some(token) = input.next_token {
        body["nextToken"] = token.into();
    }
    let body = body.to_string();
    let length = body.len();
    let mut request = HttpRequest::new(SdkBody::from(body));
    request.set_method("POST")?;
    request.set_uri("/")?;
    let headers = request.headers_mut();
    headers.insert("content-type", "application/x-amz-json-1.0");
    headers.insert("x-amz-target", target.to_string());
    headers.insert("content-length", length.to_string());
    Ok(request)
}

/// A page, a service error (its code and message, as the SDK's awsJson parser reads
/// them), or an answer that is neither: an unreadable response.
fn deserialize(
    protocol: &AwsJsonRpcProtocol,
    response: &HttpResponse,
) -> Result<ListOutput, OrchestratorError<ErrorMetadata>> {
    let body = response.body().bytes().unwrap_or_default();
    if response.status().is_success() {
        return serde_json::from_slice(body).map_err(|e| {
            OrchestratorError::other(format!("not a {LIST_PAYMENT_INSTRUMENTS} answer: {e}"))
        });
    }
    let error = protocol
        .parse_error_metadata(response, &ConfigBag::base())
        .map(|builder| aws_types::request_id::apply_request_id(builder, response.headers()))
        .map(|builder| with_reason(builder.build(), body));
    match error {
        Ok(error) if error.code().is_some() => Err(OrchestratorError::operation(error)),
        // An endpoint that does not know the service, a proxy, a gateway.
        _ => Err(OrchestratorError::other(
            "not an AWS Payments error (no error code)",
        )),
    }
}

/// Appends the error's `reason` (AccessDeniedException: `NOT_AUTHORIZED`,
/// `INVALID_ACCOUNT_STATE`) to its message: it says what to fix.
fn with_reason(error: ErrorMetadata, body: &[u8]) -> ErrorMetadata {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) else {
        return error;
    };
    let Some(reason) = fields.get("reason").and_then(|r| r.as_str()) else {
        return error;
    };
    let message = match error.message() {
        Some(message) => format!("{message} (reason: {reason})"),
        None => format!("reason: {reason}"),
    };
    error.into_builder().message(message).build()
}

fn instrument(summary: Summary) -> Result<PaymentInstrument, String> {
    // Without its method and status an instrument cannot be judged: fail, not guess.
    let missing = |what: &str| format!("{ACTION}: an instrument in the answer has no {what}");
    Ok(PaymentInstrument {
        method: summary
            .payment_method
            .ok_or_else(|| missing("paymentMethod"))?,
        status: summary.status.ok_or_else(|| missing("status"))?,
        id: summary.id,
        arn: summary.arn,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::aws::config::{AwsOptions, resilience};
    use crate::aws::replay::Replay;
    use crate::facts::AccountFacts;

    /// The guard sees the Payments operations like any other: a name not on its
    /// allow-list is refused before anything is signed or sent.
    #[tokio::test]
    async fn the_guard_refuses_payments_operations_not_on_the_allow_list() {
        let account = "111122223333";
        let world = BTreeMap::from([(account.to_string(), Arc::new(AccountFacts::new(account)))]);
        let replay = Replay::builder().caller(account).build(world);
        let (retry, timeout) = resilience(&AwsOptions::default());
        let config = replay.sdk_config(retry, timeout);
        let guard = ReadOnlyGuard::new();
        for write in [
            "CreatePaymentInstrument",
            "DeletePaymentInstrument",
            "UpdatePaymentInstrument",
            "GetPaymentInstrument",
        ] {
            let client =
                PaymentsClient::with_operation(&config, &guard, write, RetryPartition::new("test"));
            let err = client.list_payment_instruments().await.unwrap_err();
            assert!(
                err.contains("read-only guard refused Payments:") && err.contains(write),
                "{write}: {err}"
            );
        }
        assert_eq!(replay.call_count(), 0, "{:?}", replay.calls());
        assert_eq!(guard.log().total(), 0);

        // The allow-listed read goes out through the same machinery.
        let client = PaymentsClient::new(&config, &guard, RetryPartition::new("test"));
        assert_eq!(client.list_payment_instruments().await, Ok(vec![]));
        assert_eq!(replay.call_count(), 1);
        assert_eq!(guard.log().total(), 1);
    }
}
