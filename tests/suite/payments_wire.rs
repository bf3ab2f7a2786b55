//! The AWS Payments client (`src/aws/payments.rs`) on the wire: the account's own
//! `clients.payments` reads recorded answers (`fixtures/aws/payments-*`) through the
//! in-process replay; its requests are awsJson 1.0, signed with SigV4 for service
//! `payments` (checked against the published algorithm), and go where the environment
//! says (`AWS_ENDPOINT_URL_PAYMENTS`, `AWS_ENDPOINT_URL`, the profile), else to the
//! service's endpoint.

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::{AsyncSleep, Sleep, default_async_sleep};
use aws_smithy_async::time::StaticTimeSource;
use aws_smithy_http_client::test_util::capture_request;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_types::sdk_config::Builder as SdkConfigBuilder;
use common::{quick_options, recorded};
use hmac::{Hmac, KeyInit, Mac};
use orgexit::aws::AccountClients;
use orgexit::aws::config::resilience;
use orgexit::aws::guard::ReadOnlyGuard;
use orgexit::aws::payments::PaymentInstrument;
use orgexit::aws::replay::{Fault, Replay, Rule};
use orgexit::facts::AccountFacts;
use sha2::{Digest, Sha256};
use time::macros::datetime;

const ACCOUNT: &str = "111122223333";
const OPERATION: &str = "ListPaymentInstruments";
const JSON10: &str = "application/x-amz-json-1.0";

/// This recorded answer to ListPaymentInstruments, `times` times.
fn answer(status: u16, file: &str) -> Rule {
    let content_type = if file.ends_with(".html") {
        "text/html; charset=utf-8"
    } else {
        JSON10
    };
    Rule::new(Fault::raw(status, content_type, recorded(file))).operation(OPERATION)
}

/// Sleeps that end at once: retries back off in virtual time, so no test waits for (or
/// depends on) the clock.
#[derive(Debug)]
struct NoWait;

impl AsyncSleep for NoWait {
    fn sleep(&self, _: Duration) -> Sleep {
        Sleep::new(std::future::ready(()))
    }
}

/// This JSON body as a 200 answer to ListPaymentInstruments.
fn answer_json(body: impl Into<String>) -> Rule {
    Rule::new(Fault::raw(200, JSON10, body)).operation(OPERATION)
}

/// The account's clients read its payment instruments from a replay answering with
/// `rules`; what they read, and the requests that reached the replay.
async fn read(rules: Vec<Rule>) -> (Result<Vec<PaymentInstrument>, String>, Replay) {
    read_within(rules, TimeoutConfig::disabled()).await
}

/// [`read`] with these timeouts. With sleeps that end at once, an attempt that does not
/// finish when first polled times out at once.
async fn read_within(
    rules: Vec<Rule>,
    timeouts: TimeoutConfig,
) -> (Result<Vec<PaymentInstrument>, String>, Replay) {
    let mut builder = Replay::builder().caller(ACCOUNT);
    for rule in rules {
        builder = builder.rule(rule);
    }
    let world = BTreeMap::from([(ACCOUNT.to_string(), Arc::new(AccountFacts::new(ACCOUNT)))]);
    let replay = builder.build(world);
    let (retry, _) = resilience(&quick_options());
    let config = replay
        .sdk_config(retry, timeouts)
        .to_builder()
        .sleep_impl(NoWait)
        .build();
    let clients = AccountClients::new(&config, &ReadOnlyGuard::new(), "111122223333");
    (clients.payments.list_payment_instruments().await, replay)
}

/// What the client reads from this recorded answer, which it must accept.
async fn read_ok(file: &str) -> (Vec<PaymentInstrument>, Replay) {
    let (got, replay) = read(vec![answer(200, file)]).await;
    (got.unwrap_or_else(|e| panic!("{file}: {e}")), replay)
}

fn seen(instruments: &[PaymentInstrument]) -> Vec<(&str, &str)> {
    instruments
        .iter()
        .map(|i| (i.method.as_str(), i.status.as_str()))
        .collect()
}

#[tokio::test]
async fn an_active_card_is_read_with_its_id_and_arn() {
    let (got, replay) = read_ok("payments-ListPaymentInstruments-active-card.json").await;
    assert_eq!(
        got,
        [PaymentInstrument {
            id: Some("pi-4f7c2a9e1b3d".into()),
            arn: Some("arn:aws:payments::111122223333:payment-instrument:pi-4f7c2a9e1b3d".into()),
            method: "CARD".into(),
            status: "ACTIVE".into(),
        }]
    );
    assert!(got[0].is_active());
    let calls = replay.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].service, calls[0].account.as_str()),
        ("Payments", ACCOUNT)
    );
    assert_eq!(
        calls[0].params.get("maxResults").map(String::as_str),
        Some("25")
    );
    assert_eq!(calls[0].params.get("nextToken"), None);
}

#[tokio::test]
async fn only_an_invalid_instrument_is_read_as_such() {
    let (got, _) = read_ok("payments-ListPaymentInstruments-invalid.json").await;
    assert_eq!(seen(&got), [("CARD", "INVALID")]);
    assert!(!got.iter().any(PaymentInstrument::is_active));
}

#[tokio::test]
async fn no_instrument_is_an_empty_list_not_an_error() {
    let (got, _) = read(vec![answer(
        200,
        "payments-ListPaymentInstruments-empty.json",
    )])
    .await;
    assert_eq!(got, Ok(vec![]));
}

/// Three pages: each request after the first carries the token of the page before it,
/// every instrument of every page is read, in order, unknown methods kept as sent.
#[tokio::test]
async fn pages_are_joined_by_next_token() {
    let (got, replay) = read(vec![
        answer(200, "payments-ListPaymentInstruments-page1.json").times(1),
        answer(200, "payments-ListPaymentInstruments-page2.json").times(1),
        answer(200, "payments-ListPaymentInstruments-page3.json").times(1),
    ])
    .await;
    assert_eq!(
        seen(&got.unwrap()),
        [
            ("SEPA_BANK_ACCOUNT", "INVALID"),
            ("US_ACH_BANK_ACCOUNT", "PENDING_SETUP"),
            ("UPI", "SETUP_IN_PROGRESS"),
            ("PAY_BY_INVOICE", "ACTIVE"),
            ("DIGITAL_WALLET", "ACTIVE"),
        ]
    );
    let calls = replay.calls();
    let tokens: Vec<Option<&str>> = calls
        .iter()
        .map(|c| {
            assert_eq!(c.params.get("maxResults").map(String::as_str), Some("25"));
            c.params.get("nextToken").map(String::as_str)
        })
        .collect();
    assert_eq!(
        tokens,
        [
            None,
            Some("AQICAHhpYWdlLTEtb2YtMw=="),
            Some("AQICAHhpYWdlLTItb2YtMw==")
        ]
    );
}

#[tokio::test]
async fn a_page_token_that_comes_back_is_an_error_not_a_loop() {
    let page = recorded("payments-ListPaymentInstruments-page1.json");
    let (got, replay) = read(vec![answer_json(page)]).await;
    assert_eq!(
        got,
        Err("payments:ListPaymentInstruments: the answer repeats the page token AQICAHhpYWdlLTEtb2YtMw==".into())
    );
    assert_eq!(replay.call_count(), 2);
}

#[tokio::test]
async fn access_denied_is_an_error_naming_the_action_and_the_reason() {
    let (got, replay) = read(vec![answer(403, "payments-AccessDenied-403.json")]).await;
    assert_eq!(
        got,
        Err("payments:ListPaymentInstruments: AccessDeniedException (HTTP 403): User: arn:aws:sts::111122223333:assumed-role/OrgExitAudit/orgexit-audit is not authorized to perform: payments:ListPaymentInstruments (reason: NOT_AUTHORIZED)".into())
    );
    assert_eq!(replay.call_count(), 1, "a denial is not retried");
}

#[tokio::test]
async fn throttling_is_retried_and_then_succeeds() {
    let (got, replay) = read(vec![
        answer(429, "payments-Throttling-429.json").times(1),
        answer(200, "payments-ListPaymentInstruments-active-card.json"),
    ])
    .await;
    assert_eq!(seen(&got.unwrap()), [("CARD", "ACTIVE")]);
    let statuses: Vec<u16> = replay.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 200], "one throttled attempt, one retry");
}

#[tokio::test]
async fn throttling_past_the_retries_is_an_error_not_an_empty_list() {
    let (got, replay) = read(vec![answer(429, "payments-Throttling-429.json")]).await;
    assert_eq!(
        got,
        Err(
            "payments:ListPaymentInstruments: ThrottlingException (HTTP 429): Rate exceeded".into()
        )
    );
    assert_eq!(replay.call_count() as u32, quick_options().max_attempts);
}

/// An endpoint that does not know the service (an emulator without it, a wrong
/// AWS_ENDPOINT_URL) answers an HTML 404: one line saying so, not an empty list.
#[tokio::test]
async fn an_html_404_from_an_endpoint_without_the_service_is_one_line() {
    let (got, replay) = read(vec![answer(404, "payments-unknown-service-404.html")]).await;
    let reason = got.unwrap_err();
    assert!(
        reason.starts_with(
            "payments:ListPaymentInstruments: unreadable response (HTTP 404, text/html; charset=utf-8)"
        ),
        "{reason}"
    );
    assert!(!reason.contains('\n') && reason.len() < 300, "{reason}");
    assert_eq!(replay.call_count(), 1, "a 404 is not retried");
}

/// Well-formed answers without the list asked for, or with an instrument that cannot be
/// judged, are errors: never "no instrument".
#[tokio::test]
async fn answers_without_what_was_asked_are_errors() {
    let (got, _) = read(vec![answer_json("{}")]).await;
    assert_eq!(
        got,
        Err(
            "payments:ListPaymentInstruments: the answer has no paymentInstrumentSummaries list"
                .into()
        )
    );
    let no_status = r#"{"paymentInstrumentSummaries":[{"id":"pi-1","arn":"arn:aws:payments::111122223333:payment-instrument:pi-1","paymentMethod":"CARD"}]}"#;
    let (got, _) = read(vec![answer_json(no_status)]).await;
    assert_eq!(
        got,
        Err("payments:ListPaymentInstruments: an instrument in the answer has no status".into())
    );
    let (got, _) = read(vec![Rule::new(Fault::malformed()).operation(OPERATION)]).await;
    assert!(
        got.as_ref().unwrap_err().starts_with(
            "payments:ListPaymentInstruments: unreadable response (HTTP 200, text/xml)"
        ),
        "{got:?}"
    );
}

/// The replay's own faults reach the Payments API in its protocol (awsJson 1.0, the
/// error codes of newer services), so fault tests can aim at it; without a rule it
/// answers an account without instruments.
#[tokio::test]
async fn the_replays_faults_reach_payments_in_its_protocol() {
    assert_eq!(read(vec![]).await.0, Ok(vec![]));
    let cases = [
        (
            Fault::Denied("not authorized".into()),
            "AccessDeniedException (HTTP 403): not authorized",
        ),
        (
            Fault::scp_deny(OPERATION),
            "with an explicit deny in a service control policy",
        ),
        (
            Fault::Throttled,
            "ThrottlingException (HTTP 429): Rate exceeded",
        ),
        (Fault::ServerError, "InternalServerException (HTTP 500)"),
        (
            Fault::unimplemented(),
            "unreadable response (HTTP 404, text/html",
        ),
        (Fault::Refused, "connection failed"),
    ];
    for (fault, want) in cases {
        let label = format!("{fault:?}");
        let (got, _) = read(vec![Rule::new(fault).operation(OPERATION)]).await;
        let reason = got.unwrap_err();
        assert!(
            reason.starts_with("payments:ListPaymentInstruments: ") && reason.contains(want),
            "{label}: {reason}"
        );
    }
    // The configuration's timeouts bound it: an endpoint that never answers times out.
    let (_, timeouts) = resilience(&quick_options());
    let (got, replay) =
        read_within(vec![Rule::new(Fault::Hang).operation(OPERATION)], timeouts).await;
    assert_eq!(
        got,
        Err(
            "payments:ListPaymentInstruments: timed out (no answer within the operation timeout)"
                .into()
        )
    );
    assert!(replay.call_count() >= 1);
}

// ---- SigV4 ---------------------------------------------------------------------------

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The SigV4 signing key, derived as AWS publishes it: HMAC-SHA256 of the date, region,
/// service and "aws4_request" in turn, starting from "AWS4" + the secret key.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, service);
    hmac(&k_service, "aws4_request")
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The signature of `request` as AWS recomputes it: canonical request, string to sign,
/// signature, by the published steps, over the headers the request says it signed.
fn expected_signature(
    request: &HttpRequest,
    signed_headers: &str,
    scope: &str,
    key: &[u8],
) -> String {
    let (authority, path) = request
        .uri()
        .split_once("://")
        .map(|(_, rest)| rest.split_once('/').map_or((rest, "/"), |(a, _)| (a, "/")))
        .unwrap();
    assert_eq!(path, "/");
    let mut canonical_headers = String::new();
    for name in signed_headers.split(';') {
        let value = match request.headers().get(name) {
            Some(value) => value.to_string(),
            None if name == "host" => authority.to_string(),
            None => panic!("signed header {name} is not in the request"),
        };
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let body = request.body().bytes().unwrap();
    let query = request.uri().split_once('?').map_or("", |(_, q)| q);
    let canonical_request = format!(
        "{}\n/\n{query}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method(),
        sha256_hex(body)
    );
    let amz_date = request.headers().get("x-amz-date").unwrap();
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    hex::encode(hmac(key, &string_to_sign))
}

/// Our derivation gives the signing key of AWS's published example (secret
/// `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`, 20110909, us-east-1, iam), so the check
/// below compares the client's signature with the published algorithm, not with itself.
#[test]
fn the_signing_key_derivation_matches_the_published_example() {
    assert_eq!(
        hex::encode(signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20110909",
            "us-east-1",
            "iam"
        )),
        "98f1d889fec4f4421adc522bab0ce1f82e6929c262ed15e5a94c90efd1e3b0e7"
    );
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The one request `clients.payments` sends with `config` (fixed credentials and time,
/// region eu-west-1, no retries) changed by `change`, as it reached the HTTP client.
async fn sent_request(change: impl FnOnce(SdkConfigBuilder) -> SdkConfigBuilder) -> HttpRequest {
    let (http, captured) = capture_request(Some(
        http::Response::builder()
            .status(200)
            .header("content-type", JSON10)
            .body(SdkBody::from(r#"{"paymentInstrumentSummaries":[]}"#))
            .unwrap(),
    ));
    let now: SystemTime = datetime!(2026-11-24 12:00 UTC).into();
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDEXAMPLE",
            SECRET,
            None,
            None,
            "test",
        )))
        .http_client(http)
        .time_source(StaticTimeSource::new(now))
        .sleep_impl(default_async_sleep().unwrap())
        .retry_config(RetryConfig::disabled())
        .timeout_config(TimeoutConfig::disabled());
    let config = change(config).build();
    let clients = AccountClients::new(&config, &ReadOnlyGuard::new(), "111122223333");
    assert_eq!(
        clients.payments.list_payment_instruments().await,
        Ok(vec![])
    );
    captured.expect_request()
}

/// An endpoint in the configuration itself (as tests and emulator runs give it) is used.
#[tokio::test]
async fn an_endpoint_url_in_the_configuration_is_used() {
    let request = sent_request(|c| c.endpoint_url("http://127.0.0.1:5000")).await;
    assert_eq!(request.uri(), "http://127.0.0.1:5000/");
}

/// A request to the Payments endpoint is awsJson 1.0 and carries a valid SigV4 signature
/// for service `payments` in us-east-1 (whatever the configured region), made with the
/// configuration's credentials at the configuration's time.
#[tokio::test]
async fn requests_are_signed_with_sigv4_for_payments_in_us_east_1() {
    let request = sent_request(|c| c).await;
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri(), "https://payments.us-east-1.api.aws/");
    let header = |name: &str| request.headers().get(name).unwrap_or_default();
    assert_eq!(header("content-type"), JSON10);
    assert_eq!(header("x-amz-target"), "AWSPayments.ListPaymentInstruments");
    assert_eq!(header("x-amz-date"), "20261124T120000Z");
    let body: serde_json::Value = serde_json::from_slice(request.body().bytes().unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({ "maxResults": 25 }));

    let authorization = header("authorization");
    let fields = authorization
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .unwrap_or_else(|| panic!("not SigV4: {authorization}"));
    let field = |name: &str| {
        fields
            .split(", ")
            .find_map(|f| f.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {authorization}"))
    };
    let scope = "20261124/us-east-1/payments/aws4_request";
    assert_eq!(field("Credential="), format!("AKIDEXAMPLE/{scope}"));
    let signed = field("SignedHeaders=");
    for name in ["content-type", "host", "x-amz-date", "x-amz-target"] {
        assert!(
            signed.split(';').any(|h| h == name),
            "{name} is not signed: {signed}"
        );
    }
    let key = signing_key(SECRET, "20261124", "us-east-1", "payments");
    assert_eq!(
        field("Signature="),
        expected_signature(&request, signed, scope, &key)
    );
}

// ---- Endpoint overrides ----------------------------------------------------------------

const PROBE: &str = "ORGEXIT_PAYMENTS_ENDPOINT_PROBE";
/// The test's name as libtest knows it in this crate: its module, then its name.
const PROBE_TEST: &str =
    "payments_wire::endpoint_overrides_come_from_the_environment_and_the_profile";

/// Where `clients.payments` sends its request, with the configuration aws-config loads from
/// the environment and profile of a child process (this test binary, running only this
/// test): the overrides are real environment variables and a real config file, and no
/// other test's environment is touched.
#[tokio::test]
async fn endpoint_overrides_come_from_the_environment_and_the_profile() {
    if std::env::var_os(PROBE).is_some() {
        return probe().await;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("config");
    std::fs::write(&plain, "[default]\n").unwrap();
    let services = dir.path().join("config-services");
    std::fs::write(
        &services,
        "[default]\nservices = local\n\n[services local]\npayments =\n  endpoint_url = http://127.0.0.1:4520\n",
    )
    .unwrap();
    struct Case {
        name: &'static str,
        env: &'static [(&'static str, &'static str)],
        /// The config file has a `services` section for `payments`.
        profile: bool,
        want: &'static str,
    }
    let cases = [
        Case {
            name: "nothing set",
            env: &[],
            profile: false,
            want: "https://payments.us-east-1.api.aws/",
        },
        Case {
            name: "AWS_ENDPOINT_URL",
            env: &[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")],
            profile: false,
            want: "http://127.0.0.1:4566/",
        },
        Case {
            name: "AWS_ENDPOINT_URL_PAYMENTS over AWS_ENDPOINT_URL",
            env: &[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                ("AWS_ENDPOINT_URL_PAYMENTS", "http://127.0.0.1:4510"),
            ],
            profile: false,
            want: "http://127.0.0.1:4510/",
        },
        Case {
            name: "the profile's services section",
            env: &[],
            profile: true,
            want: "http://127.0.0.1:4520/",
        },
        Case {
            name: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            env: &[
                ("AWS_ENDPOINT_URL_PAYMENTS", "http://127.0.0.1:4510"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ],
            profile: false,
            want: "https://payments.us-east-1.api.aws/",
        },
    ];
    for case in cases {
        let name = case.name;
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", PROBE_TEST, "--nocapture", "--test-threads=1"])
            .env_clear()
            .env(PROBE, "1")
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "probe-secret")
            .env("AWS_REGION", "eu-west-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env(
                "AWS_CONFIG_FILE",
                if case.profile { &services } else { &plain },
            )
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .envs(case.env.iter().copied())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sent = stdout
            .lines()
            // libtest writes the test's name on the same line before it.
            .find_map(|l| l.split_once("payments request to ").map(|(_, url)| url))
            .unwrap_or_else(|| panic!("{name}: the probe did not run: {stdout}"));
        assert_eq!(sent, case.want, "{name}");
    }
}

/// The child's side: load the configuration as `orgexit` does from the environment, send
/// the read, say where it went.
async fn probe() {
    let (http, captured) = capture_request(Some(
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(r#"{"paymentInstrumentSummaries":[]}"#))
            .unwrap(),
    ));
    let config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .load()
        .await;
    let clients = AccountClients::new(&config, &ReadOnlyGuard::new(), "111122223333");
    assert_eq!(
        clients.payments.list_payment_instruments().await,
        Ok(vec![])
    );
    println!("payments request to {}", captured.expect_request().uri());
}
