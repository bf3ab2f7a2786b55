//! An in-process AWS for tests and benchmarks: an HTTP client that answers the real SDK
//! clients in AWS's own wire formats (awsQuery XML for IAM and STS, awsJson 1.1 for
//! Organizations, awsJson 1.0 for Payments, restJson for Account, restXml for S3), so the
//! SDK's parsing, error mapping, retries and timeouts all run exactly as they do against AWS.
//!
//! The answers come from [`AccountFacts`]: a fact that is `Ok` is served as AWS would
//! serve it (IAM lists in pages of at most [`Replay::page_size`] items, trust policies
//! URL-encoded), a fact that is `Error` as an AccessDenied answer, an absent fact as an
//! empty answer. On top of that, [`Rule`]s inject faults for chosen accounts and
//! operations: service errors, throttling, 5xx, malformed bodies, an emulator's
//! "not implemented" HTML page, hangs and refused connections. Every request that reaches
//! it is recorded, so a test can prove what was (and was not) sent.
//!
//! Which account a request acts in comes from its SigV4 credential: the base credentials
//! act in [`Replay::caller`], and `sts:AssumeRole` hands out keys that name the account
//! they were issued for.
//!
//! # Time
//!
//! Everything here runs on tokio's clock: the injected latency and [`Fault::Hang`] are
//! tokio timers, and [`Replay::sdk_config`] gives the SDK tokio's sleep (its retry
//! backoff, attempt and operation timeouts) and a [`TimeSource`] that follows tokio's clock
//! (credential expiry, the retry token bucket, signing), as does the expiry of the
//! credentials AssumeRole hands out. No answer involves I/O or another thread: the
//! connector answers from memory when the SDK polls it.
//!
//! That makes tests deterministic under a paused tokio clock
//! (`#[tokio::test(start_paused = true)]`). A paused clock moves only when no task of the
//! runtime can make progress, and then straight to the next timer. Every answer that
//! needs no timer (all of them, unless a latency or a hang is injected) is therefore
//! given before any timer can fire: a healthy call cannot be cut short by a timeout
//! however loaded the machine is, a hang is cut off at exactly the operation timeout, and
//! a retry waits exactly its backoff, all in virtual time. This holds only because the
//! replay does no real I/O: tokio also advances a paused clock while a socket's answer is
//! still on its way (it polls the I/O driver once, without waiting, before jumping), so
//! tests against a real server (moto, the binary over TCP) run on the real clock with
//! timeouts only a hang can reach.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::TimeSource;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::facts::{
    AccountFacts, BillingTransfers, DelegatedServices, Fact, LeaveOutcome, LeaveSimulation,
    Membership, Regional,
};

/// The access key of the base credentials; assumed-role keys are `ASIA` + account ID.
pub(crate) const BASE_ACCESS_KEY: &str = "AKIAORGEXITREPLAY000";
const ASSUMED_PREFIX: &str = "ASIA";

/// One request that reached the replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The account it acted in (for AssumeRole: the account of the role asked for).
    pub account: String,
    /// `IAM`, `STS`, `Organizations`, `Payments`, `Account`, `S3`, or `unknown`.
    pub service: &'static str,
    /// The operation name (`ListRoles`), or the raw request line when unrecognised.
    pub operation: String,
    /// The HTTP status answered; 0 when the connection hung or was refused.
    pub status: u16,
    /// What the request asked: its form fields (awsQuery), JSON members (awsJson,
    /// restJson) or query string (restXml), e.g. S3's `continuation-token`.
    pub params: BTreeMap<String, String>,
}

/// A fault to answer with instead of the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Access denied, with this message (e.g. an explicit SCP deny).
    Denied(String),
    /// The service's throttling error.
    Throttled,
    /// HTTP 500 with the service's internal-error code.
    ServerError,
    /// A service error in the operation's protocol.
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// This exact answer: status, headers and body.
    Raw {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Never answers.
    Hang,
    /// The connection is refused.
    Refused,
}

impl Fault {
    /// An answer with this status, content type and body.
    pub fn raw(status: u16, content_type: &str, body: impl Into<String>) -> Fault {
        Fault::Raw {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header to a [`Fault::Raw`] answer (e.g. restJson's `x-amzn-ErrorType`).
    pub fn with_header(mut self, name: &str, value: &str) -> Fault {
        if let Fault::Raw { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// A body that is not the protocol's format (a truncated document).
    pub fn malformed() -> Fault {
        Fault::raw(200, "text/xml", "<Response><Trunc")
    }

    /// A 200 with no body at all.
    pub fn empty() -> Fault {
        Fault::raw(200, "text/plain", "")
    }

    /// What an emulator answers for an operation it does not implement.
    pub fn unimplemented() -> Fault {
        Fault::raw(
            404,
            "text/html; charset=utf-8",
            "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n",
        )
    }

    /// An explicit deny from a service control policy, worded as AWS words it.
    pub fn scp_deny(action: &str) -> Fault {
        Fault::Denied(format!(
            "User: arn:aws:sts::000000000000:assumed-role/OrgExitAudit/orgexit-audit is not authorized to perform: {action} with an explicit deny in a service control policy"
        ))
    }
}

/// Where a [`Fault`] applies.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Only requests acting in this account; `None`: all accounts.
    pub account: Option<String>,
    /// Only this operation (`ListRoles`); `None`: all operations.
    pub operation: Option<String>,
    /// Only requests signed for this region (`eu-west-1`); `None`: every region.
    pub region: Option<String>,
    pub fault: Fault,
    /// How many matching requests get the fault; `None`: all of them.
    pub times: Option<u32>,
}

impl Rule {
    pub fn new(fault: Fault) -> Rule {
        Rule {
            account: None,
            operation: None,
            region: None,
            fault,
            times: None,
        }
    }

    pub fn account(mut self, account: impl Into<String>) -> Rule {
        self.account = Some(account.into());
        self
    }

    pub fn operation(mut self, operation: impl Into<String>) -> Rule {
        self.operation = Some(operation.into());
        self
    }

    pub fn region(mut self, region: impl Into<String>) -> Rule {
        self.region = Some(region.into());
        self
    }

    pub fn times(mut self, times: u32) -> Rule {
        self.times = Some(times);
        self
    }
}

/// The accounts the replay serves.
pub trait World: Send + Sync + 'static {
    /// The facts of `account`, or `None` when no such account exists (AssumeRole into it
    /// is then denied).
    fn account(&self, account: &str) -> Option<Arc<AccountFacts>>;
}

impl World for BTreeMap<String, Arc<AccountFacts>> {
    fn account(&self, account: &str) -> Option<Arc<AccountFacts>> {
        self.get(account).cloned()
    }
}

/// The replaying HTTP client. Cheap to clone; clones share the record of calls.
#[derive(Clone)]
pub struct Replay {
    inner: Arc<Inner>,
}

struct Inner {
    world: Box<dyn World>,
    caller: String,
    /// The partition of every ARN the replay hands out; a role in another is refused.
    partition: String,
    latency: Duration,
    page_size: usize,
    /// One request in `throttle_one_in` is throttled (0: none).
    throttle_one_in: u64,
    /// Whether each [`Call`] keeps its parameters.
    record_params: bool,
    /// Whether ListBuckets names each bucket's region (`BucketRegion`).
    bucket_regions: bool,
    requests: AtomicU64,
    rules: Mutex<Vec<Rule>>,
    calls: Mutex<Vec<Call>>,
    /// Answers already rendered: (facts, operation, parameters) → answer. The
    /// facts are immutable, so an answer is rendered once however many ask for it, and
    /// the replay's own work stays out of the tool's figures.
    rendered: Mutex<HashMap<AnswerKey, Answer>>,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    clock: ReplayClock,
}

type AnswerKey = (usize, String, Vec<(String, String)>);

/// Counts a request in flight until its answer is given (or it is dropped).
struct InFlight(Arc<Inner>);

impl InFlight {
    fn start(inner: &Arc<Inner>) -> InFlight {
        let now = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        inner.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(Arc::clone(inner))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The clock the SDK and the replay read (see *Time* above): the wall-clock time when the
/// replay was built, advanced by tokio's clock since then. Under a paused tokio clock it
/// stands still until tokio's moves.
#[derive(Debug, Clone, Copy)]
struct ReplayClock {
    wall: SystemTime,
    start: tokio::time::Instant,
}

impl ReplayClock {
    fn new() -> ReplayClock {
        ReplayClock {
            wall: SystemTime::now(),
            start: tokio::time::Instant::now(),
        }
    }
}

impl TimeSource for ReplayClock {
    fn now(&self) -> SystemTime {
        self.wall + self.start.elapsed()
    }
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("caller", &self.inner.caller)
            .field("latency", &self.inner.latency)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Replay`].
pub struct ReplayBuilder {
    caller: String,
    partition: String,
    latency: Duration,
    page_size: usize,
    throttle_one_in: u64,
    record_params: bool,
    bucket_regions: bool,
    rules: Vec<Rule>,
}

impl Replay {
    pub fn builder() -> ReplayBuilder {
        ReplayBuilder {
            caller: "999999999999".into(),
            partition: "aws".into(),
            latency: Duration::ZERO,
            page_size: 100,
            throttle_one_in: 0,
            record_params: true,
            bucket_regions: true,
            rules: Vec::new(),
        }
    }

    /// The account the base credentials act in.
    pub fn caller(&self) -> &str {
        &self.inner.caller
    }

    /// Every request received so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.calls.lock().expect("calls").clone()
    }

    /// Every request received so far, moved out of the replay (which then holds none): for
    /// a caller that reads them once, such as the benchmark, whose memory is the tool's.
    pub fn take_calls(&self) -> Vec<Call> {
        std::mem::take(&mut *self.inner.calls.lock().expect("calls"))
    }

    /// The most requests that were waiting for their answers at the same time.
    pub fn peak_in_flight(&self) -> usize {
        self.inner.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Requests received so far.
    pub fn call_count(&self) -> usize {
        self.inner.calls.lock().expect("calls").len()
    }

    /// An SDK configuration whose HTTP client is this replay, with base credentials that
    /// act in [`Replay::caller`], and the given retry and timeout settings.
    pub fn sdk_config(&self, retry: RetryConfig, timeout: TimeoutConfig) -> SdkConfig {
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                BASE_ACCESS_KEY,
                "replay-secret",
                None,
                None,
                "replay",
            )))
            .http_client(self.http_client())
            .sleep_impl(TokioSleep::new())
            .time_source(self.inner.clock)
            .retry_config(retry)
            .timeout_config(timeout)
            .build()
    }

    pub(crate) fn http_client(&self) -> SharedHttpClient {
        let replay = self.clone();
        http_client_fn(move |_, _| SharedHttpConnector::new(replay.clone()))
    }
}

impl ReplayBuilder {
    pub fn caller(mut self, account: impl Into<String>) -> Self {
        self.caller = account.into();
        self
    }

    /// The partition the replay's AWS is (`aws-cn`: the caller is `arn:aws-cn:…`).
    pub fn partition(mut self, partition: impl Into<String>) -> Self {
        self.partition = partition.into();
        self
    }

    /// Every answer waits this long (a round trip to AWS).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn page_size(mut self, items: usize) -> Self {
        self.page_size = items.max(1);
        self
    }

    /// Throttles one request in `n` (spread evenly; 0: none).
    pub fn throttle_one_in(mut self, n: u64) -> Self {
        self.throttle_one_in = n;
        self
    }

    /// Records calls without their parameters (empty [`Call::params`]): the benchmark's
    /// record of thousands of accounts' calls, whose memory is not the tool's.
    /// ListBuckets without `BucketRegion`, as an older S3 endpoint answers it: the
    /// collector then asks each bucket's location (GetBucketLocation).
    pub fn without_bucket_regions(mut self) -> Self {
        self.bucket_regions = false;
        self
    }

    pub fn without_params(mut self) -> Self {
        self.record_params = false;
        self
    }

    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    pub fn build(self, world: impl World) -> Replay {
        Replay {
            inner: Arc::new(Inner {
                world: Box::new(world),
                caller: self.caller,
                partition: self.partition,
                latency: self.latency,
                page_size: self.page_size,
                throttle_one_in: self.throttle_one_in,
                record_params: self.record_params,
                bucket_regions: self.bucket_regions,
                requests: AtomicU64::new(0),
                rules: Mutex::new(self.rules),
                calls: Mutex::new(Vec::new()),
                rendered: Mutex::new(HashMap::new()),
                in_flight: AtomicUsize::new(0),
                peak_in_flight: AtomicUsize::new(0),
                clock: ReplayClock::new(),
            }),
        }
    }
}

impl HttpConnector for Replay {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let parsed = Request::parse(&request, &self.inner.caller);
        let answer = self.answer(&parsed);
        let status = match &answer {
            Answer::Response { status, .. } => *status,
            Answer::Hang | Answer::Refused => 0,
        };
        self.inner.calls.lock().expect("calls").push(Call {
            account: parsed.account.clone(),
            service: parsed.service,
            operation: parsed.operation.clone(),
            status,
            params: if self.inner.record_params {
                parsed.params.clone().into_iter().collect()
            } else {
                BTreeMap::new()
            },
        });
        let latency = self.inner.latency;
        let in_flight = InFlight::start(&self.inner);
        HttpConnectorFuture::new(async move {
            let _in_flight = in_flight;
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            match answer {
                Answer::Hang => std::future::pending().await,
                Answer::Refused => Err(ConnectorError::io(
                    std::io::Error::new(
                        std::io::ErrorKind::ConnectionRefused,
                        "Connection refused (os error 111)",
                    )
                    .into(),
                )),
                Answer::Response {
                    status,
                    headers,
                    body,
                } => {
                    let mut response = HttpResponse::new(
                        status.try_into().expect("a valid status"),
                        SdkBody::from(body),
                    );
                    for (name, value) in headers {
                        response.headers_mut().insert(name, value);
                    }
                    Ok(response)
                }
            }
        })
    }
}

#[derive(Clone)]
enum Answer {
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        /// Shared, not copied, by every call given the same rendered answer.
        body: bytes::Bytes,
    },
    Hang,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// IAM and STS: form-encoded requests, XML answers, `<ErrorResponse>` errors.
    Query,
    /// Organizations: `X-Amz-Target`, JSON answers, `__type` errors (awsJson 1.1).
    Json,
    /// Payments: the same as awsJson 1.1 under its own content type, and the error codes
    /// of newer services (`ThrottlingException`, `InternalServerException`).
    Json10,
    /// Account: REST paths, JSON answers, `x-amzn-ErrorType` errors.
    RestJson,
    /// S3: REST paths, XML answers, `<Error>` errors.
    RestXml,
}

struct Request {
    account: String,
    /// The region the request is signed for (its SigV4 credential scope).
    region: String,
    service: &'static str,
    protocol: Protocol,
    operation: String,
    params: HashMap<String, String>,
}

impl Request {
    fn parse(request: &HttpRequest, caller: &str) -> Request {
        let account = request
            .headers()
            .get("authorization")
            .and_then(|auth| auth.split("Credential=").nth(1))
            .and_then(|cred| cred.split('/').next())
            .map(|key| match key.strip_prefix(ASSUMED_PREFIX) {
                Some(account) if key != BASE_ACCESS_KEY => account.to_string(),
                _ => caller.to_string(),
            })
            .unwrap_or_else(|| caller.to_string());
        let region = request
            .headers()
            .get("authorization")
            .and_then(|auth| auth.split("Credential=").nth(1))
            .and_then(|cred| cred.split('/').nth(2))
            .unwrap_or("us-east-1")
            .to_string();
        let body = request
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let uri = request.uri();
        let (service, protocol, operation, params) =
            if let Some(target) = request.headers().get("x-amz-target") {
                let (prefix, operation) = target.split_once('.').unwrap_or(("", target));
                let (service, protocol) = match prefix {
                    "AWSPayments" => ("Payments", Protocol::Json10),
                    "TrentService" => ("KMS", Protocol::Json),
                    _ => ("Organizations", Protocol::Json),
                };
                (service, protocol, operation.to_string(), json_params(&body))
            } else if body.contains("Action=") {
                let params: HashMap<String, String> = form(&body);
                let operation = params.get("Action").cloned().unwrap_or_default();
                let service = if uri.contains("sts.") {
                    "STS"
                } else if uri.contains("cloudformation.") {
                    "CloudFormation"
                } else {
                    "IAM"
                };
                (service, Protocol::Query, operation, params)
            } else if uri.contains("account.") {
                let path = uri.split("amazonaws.com").nth(1).unwrap_or(uri);
                // restJson: the path is the operation's name in lowerCamelCase
                // (`/getContactInformation`), always a POST.
                let name = path.trim_start_matches('/');
                let operation = match name.chars().next() {
                    Some(first) if request.method() == "POST" && first.is_ascii_lowercase() => {
                        format!("{}{}", first.to_ascii_uppercase(), &name[1..])
                    }
                    _ => format!("{} /{name}", request.method()),
                };
                let params = json_params(&body);
                ("Account", Protocol::RestJson, operation, params)
            } else if uri.contains("s3.") {
                let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
                let mut params = form(query);
                // Path-style: the bucket is the path's first segment.
                let bucket = path
                    .split("amazonaws.com")
                    .nth(1)
                    .unwrap_or(path)
                    .trim_matches('/');
                let asks = |sub: &str| {
                    query
                        .split('&')
                        .any(|p| p == sub || p.starts_with(&format!("{sub}=")))
                };
                let operation = match request.method() {
                    "GET" if uri.contains("x-id=ListBuckets") => "ListBuckets".to_string(),
                    "GET" if asks("policy") => "GetBucketPolicy".to_string(),
                    "GET" if asks("location") => "GetBucketLocation".to_string(),
                    method => format!("{method} {uri}"),
                };
                if !bucket.is_empty() {
                    params.insert(
                        "Bucket".into(),
                        urlencoding::decode(bucket)
                            .map_or_else(|_| bucket.to_string(), |b| b.into_owned()),
                    );
                }
                params.remove("policy");
                params.remove("location");
                ("S3", Protocol::RestXml, operation, params)
            } else {
                (
                    "unknown",
                    Protocol::RestXml,
                    format!("{} {uri}", request.method()),
                    HashMap::new(),
                )
            };
        // AssumeRole is sent with the base credentials; it acts for the role's account.
        let account = match (service, operation.as_str()) {
            ("STS", "AssumeRole") => params
                .get("RoleArn")
                .and_then(|arn| arn.split(':').nth(4))
                .map_or(account, str::to_string),
            _ => account,
        };
        Request {
            account,
            region,
            service,
            protocol,
            operation,
            params,
        }
    }
}

fn json_params(body: &str) -> HashMap<String, String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(body)
        .map(|m| {
            m.into_iter()
                .map(|(k, v)| (k, v.as_str().map_or(v.to_string(), str::to_string)))
                .collect()
        })
        .unwrap_or_default()
}

fn form(encoded: &str) -> HashMap<String, String> {
    encoded
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let decode = |s: &str| {
                urlencoding::decode(&s.replace('+', " "))
                    .map(|d| d.into_owned())
                    .unwrap_or_else(|_| s.to_string())
            };
            (decode(k), decode(v))
        })
        .collect()
}

impl Replay {
    fn answer(&self, request: &Request) -> Answer {
        if let Some(fault) = self.fault_for(request) {
            return render_fault(request, &fault);
        }
        let n = self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let one_in = self.inner.throttle_one_in;
        // AssumeRole is left alone so every account is reached; the facts' calls are not.
        if one_in > 0 && request.operation != "AssumeRole" && spread(n).is_multiple_of(one_in) {
            return render_fault(request, &Fault::Throttled);
        }
        self.serve(request)
            .unwrap_or_else(|fault| render_fault(request, &fault))
    }

    fn fault_for(&self, request: &Request) -> Option<Fault> {
        let mut rules = self.inner.rules.lock().expect("rules");
        let rule = rules.iter_mut().find(|rule| {
            rule.account.as_ref().is_none_or(|a| *a == request.account)
                && rule
                    .operation
                    .as_ref()
                    .is_none_or(|o| *o == request.operation)
                && rule.region.as_ref().is_none_or(|g| *g == request.region)
                && rule.times != Some(0)
        })?;
        if let Some(times) = &mut rule.times {
            *times -= 1;
        }
        Some(rule.fault.clone())
    }

    fn serve(&self, request: &Request) -> Result<Answer, Fault> {
        let r = request;
        match (r.service, r.operation.as_str()) {
            ("STS", "GetCallerIdentity") => Ok(query_ok(
                "GetCallerIdentity",
                "https://sts.amazonaws.com/doc/2011-06-15/",
                &format!(
                    "<UserId>AIDAREPLAY</UserId><Account>{account}</Account><Arn>arn:{partition}:iam::{account}:user/replay</Arn>",
                    account = r.account,
                    partition = self.inner.partition,
                ),
            )),
            ("STS", "AssumeRole") => self.assume_role(r),
            _ => {
                let facts = self.inner.world.account(&r.account).ok_or_else(|| {
                    Fault::Denied(format!("the account {} does not exist here", r.account))
                })?;
                // Every parameter is part of the key: a page token, a provider ARN.
                let mut params: Vec<(String, String)> = r
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                params.sort();
                // The region too: a regional read answers each region its own.
                params.push((String::new(), r.region.clone()));
                let key = (Arc::as_ptr(&facts) as usize, r.operation.clone(), params);
                if let Some(answer) = self.inner.rendered.lock().expect("rendered").get(&key) {
                    return Ok(answer.clone());
                }
                let answer =
                    serve_fact(r, &facts, self.inner.page_size, self.inner.bucket_regions)?;
                self.inner
                    .rendered
                    .lock()
                    .expect("rendered")
                    .insert(key, answer.clone());
                Ok(answer)
            }
        }
    }

    fn assume_role(&self, r: &Request) -> Result<Answer, Fault> {
        let arn = r.params.get("RoleArn").cloned().unwrap_or_default();
        let partition = arn.split(':').nth(1).unwrap_or_default();
        if partition != self.inner.partition {
            return Err(Fault::Error {
                status: 400,
                code: "ValidationError".into(),
                message: format!("Partition \"{partition}\" is not valid for resource \"{arn}\"."),
            });
        }
        let account = arn.split(':').nth(4).unwrap_or_default().to_string();
        if account.len() != 12 || self.inner.world.account(&account).is_none() {
            return Err(Fault::Denied(format!(
                "User: arn:{}:iam::{}:user/replay is not authorized to perform: sts:AssumeRole on resource: {arn}",
                self.inner.partition, self.inner.caller
            )));
        }
        let session = r.params.get("RoleSessionName").cloned().unwrap_or_default();
        let expires = (OffsetDateTime::from(self.inner.clock.now()) + time::Duration::hours(1))
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default();
        let role = arn.rsplit('/').next().unwrap_or_default();
        Ok(query_ok(
            "AssumeRole",
            "https://sts.amazonaws.com/doc/2011-06-15/",
            &format!(
                "<Credentials><AccessKeyId>{ASSUMED_PREFIX}{account}</AccessKeyId><SecretAccessKey>replay-assumed-secret</SecretAccessKey><SessionToken>replay-session-token</SessionToken><Expiration>{expires}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAREPLAY:{session}</AssumedRoleId><Arn>arn:{partition}:sts::{account}:assumed-role/{role}/{session}</Arn></AssumedRoleUser>",
                session = xml(&session),
            ),
        ))
    }
}

/// Spreads request numbers so that throttled requests do not fall on the same operation.
fn spread(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32
}

const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// The AWS-managed key every region of the replay has (see ListKeys).
const AWS_MANAGED_KEY: &str = "aaaaaaaa-0000-4000-8000-a1a5a3a5a3a5";
const CFN_NS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
const JSON10: &str = "application/x-amz-json-1.0";
const DATE: &str = "2024-03-01T12:00:00Z";

fn serve_fact(
    r: &Request,
    facts: &AccountFacts,
    page_size: usize,
    bucket_regions: bool,
) -> Result<Answer, Fault> {
    fn ok<T>(fact: &Option<Fact<T>>) -> Result<Option<&T>, Fault> {
        match fact {
            None => Ok(None),
            Some(Fact::Ok(value)) => Ok(Some(value)),
            Some(Fact::Error(reason)) => Err(Fault::Denied(reason.clone())),
        }
    }
    let account = &facts.account_id;
    match (r.service, r.operation.as_str()) {
        ("Organizations", "DescribeOrganization") => match ok(&facts.organization)? {
            Some(Membership::Member(org)) => Ok(json_ok(serde_json::json!({
                "Organization": {
                    "Id": org.id,
                    "Arn": format!("arn:aws:organizations::{}:organization/{}", org.management_account_id, org.id),
                    "FeatureSet": "ALL",
                    "MasterAccountArn": format!("arn:aws:organizations::{0}:account/{1}/{0}", org.management_account_id, org.id),
                    "MasterAccountId": org.management_account_id,
                    "MasterAccountEmail": org.management_account_email,
                    "AvailablePolicyTypes": [],
                }
            }))),
            _ => Err(Fault::Error {
                status: 400,
                code: "AWSOrganizationsNotInUseException".into(),
                message: "Your account is not a member of an organization.".into(),
            }),
        },
        ("Organizations", "ListHandshakesForAccount") => {
            let handshakes = ok(&facts.handshakes)?.map(Vec::as_slice).unwrap_or(&[]);
            let items: Vec<_> = handshakes
                .iter()
                .map(|h| {
                    let mut parties = vec![serde_json::json!({"Id": account, "Type": "ACCOUNT"})];
                    if let Some(org) = &h.organization_id {
                        parties.push(serde_json::json!({"Id": org, "Type": "ORGANIZATION"}));
                    }
                    // The inviting organization's management account, nested in its
                    // ORGANIZATION resource as AWS sends it (the newer spellings).
                    let nested: Vec<_> = [
                        ("MANAGEMENT_ACCOUNT", &h.management_account_id),
                        ("MANAGEMENT_EMAIL", &h.management_account_email),
                        ("MANAGEMENT_NAME", &h.management_account_name),
                    ]
                    .into_iter()
                    .filter_map(|(t, v)| v.as_ref().map(|v| serde_json::json!({"Type": t, "Value": v})))
                    .collect();
                    let resources: Vec<_> = h
                        .organization_id
                        .iter()
                        .map(|org| serde_json::json!({"Type": "ORGANIZATION", "Value": org, "Resources": nested}))
                        .collect();
                    let mut item = serde_json::json!({
                        "Id": h.id,
                        "Arn": format!("arn:aws:organizations::{account}:handshake/{}", h.id),
                        "Parties": parties,
                        "State": h.state,
                        "Action": h.action,
                        "RequestedTimestamp": 1_700_000_000.0,
                        "Resources": resources,
                    });
                    if let Some(expires) = h.expires_at {
                        item["ExpirationTimestamp"] = (expires.unix_timestamp() as f64).into();
                    }
                    item
                })
                .collect();
            Ok(json_ok(serde_json::json!({ "Handshakes": items })))
        }
        ("Account", "GetAlternateContact") => match ok(&facts.billing_contact)? {
            Some(Some(contact)) => Ok(Answer::Response {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: serde_json::json!({
                    "AlternateContact": {
                        "AlternateContactType": "BILLING",
                        "Name": contact.name,
                        "EmailAddress": contact.email,
                        "PhoneNumber": "+1 555 0100",
                        "Title": "Accounts payable",
                    }
                })
                .to_string()
                .into(),
            }),
            _ => Err(Fault::Error {
                status: 404,
                code: "ResourceNotFoundException".into(),
                message: "No contact of the inputted alternate contact type found.".into(),
            }),
        },
        ("IAM", "ListPolicies") => {
            let policies = ok(&facts.policies)?.map(Vec::as_slice).unwrap_or(&[]);
            Ok(iam_page(
                r,
                "ListPolicies",
                "Policies",
                policies,
                page_size,
                |p| {
                    format!(
                        "<PolicyName>{}</PolicyName><DefaultVersionId>v1</DefaultVersionId><PolicyId>ANPAREPLAY</PolicyId><Path>/</Path><Arn>{}</Arn><AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable><CreateDate>{DATE}</CreateDate><UpdateDate>{DATE}</UpdateDate>",
                        xml(&p.name),
                        xml(&p.arn)
                    )
                },
            ))
        }
        ("IAM", "ListRoles") => {
            let roles = ok(&facts.roles)?.map(Vec::as_slice).unwrap_or(&[]);
            Ok(iam_page(
                r,
                "ListRoles",
                "Roles",
                roles,
                page_size,
                |role| {
                    format!(
                        "<Path>{}</Path><RoleName>{}</RoleName><RoleId>AROAREPLAY</RoleId><Arn>{}</Arn><CreateDate>{DATE}</CreateDate><AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>",
                        xml(&role.path),
                        xml(&role.name),
                        xml(&role.arn),
                        urlencoding::encode(&role.trust_policy)
                    )
                },
            ))
        }
        ("IAM", "ListUsers") => {
            let users = ok(&facts.users)?.map(Vec::as_slice).unwrap_or(&[]);
            Ok(iam_page(r, "ListUsers", "Users", users, page_size, |u| {
                format!(
                    "<Path>/</Path><UserName>{}</UserName><UserId>AIDAREPLAY</UserId><Arn>{}</Arn><CreateDate>{DATE}</CreateDate>",
                    xml(&u.name),
                    xml(&u.arn)
                )
            }))
        }
        ("IAM", "ListGroups") => {
            let groups = ok(&facts.groups)?.map(Vec::as_slice).unwrap_or(&[]);
            Ok(iam_page(
                r,
                "ListGroups",
                "Groups",
                groups,
                page_size,
                |g| {
                    format!(
                        "<Path>/</Path><GroupName>{}</GroupName><GroupId>AGPAREPLAY</GroupId><Arn>{}</Arn><CreateDate>{DATE}</CreateDate>",
                        xml(&g.name),
                        xml(&g.arn)
                    )
                },
            ))
        }
        ("IAM", "ListSAMLProviders") => {
            let providers = ok(&facts.saml_providers)?.map(Vec::as_slice).unwrap_or(&[]);
            let mut members = String::new();
            for p in providers {
                let _ = write!(
                    members,
                    "<member><Arn>{}</Arn><ValidUntil>2030-01-01T00:00:00Z</ValidUntil><CreateDate>{DATE}</CreateDate></member>",
                    xml(&p.arn)
                );
            }
            Ok(query_ok(
                "ListSAMLProviders",
                IAM_NS,
                &format!("<SAMLProviderList>{members}</SAMLProviderList>"),
            ))
        }
        ("IAM", "ListOpenIDConnectProviders") => {
            let providers = ok(&facts.oidc_providers)?.map(Vec::as_slice).unwrap_or(&[]);
            let mut members = String::new();
            for p in providers {
                let _ = write!(members, "<member><Arn>{}</Arn></member>", xml(&p.arn));
            }
            Ok(query_ok(
                "ListOpenIDConnectProviders",
                IAM_NS,
                &format!("<OpenIDConnectProviderList>{members}</OpenIDConnectProviderList>"),
            ))
        }
        ("IAM", "GetSAMLProvider") => {
            let arn = r.params.get("SAMLProviderArn").map_or("", String::as_str);
            let provider = ok(&facts.saml_providers)?
                .and_then(|list| list.iter().find(|p| p.arn == arn))
                .ok_or_else(|| Fault::Error {
                    status: 404,
                    code: "NoSuchEntity".into(),
                    message: format!("SAMLProvider {arn} does not exist."),
                })?;
            let issuer = ok(&provider.issuer)?.map_or("urn:replay:no-issuer", String::as_str);
            let metadata = format!(
                "<?xml version=\"1.0\"?><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{}\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>",
                xml(issuer)
            );
            Ok(query_ok(
                "GetSAMLProvider",
                IAM_NS,
                &format!(
                    "<SAMLMetadataDocument>{}</SAMLMetadataDocument><ValidUntil>2030-01-01T00:00:00Z</ValidUntil><CreateDate>{DATE}</CreateDate>",
                    xml(&metadata)
                ),
            ))
        }
        ("IAM", "GetAccountSummary") => {
            let summary =
                ok(&facts.account_summary)?
                    .copied()
                    .unwrap_or(crate::facts::AccountSummary {
                        account_mfa_enabled: false,
                        account_access_keys_present: false,
                        account_signing_certificates_present: Some(false),
                        account_password_present: Some(true),
                    });
            let entry = |k: &str, v: bool| {
                format!(
                    "<entry><key>{k}</key><value>{}</value></entry>",
                    u8::from(v)
                )
            };
            Ok(query_ok(
                "GetAccountSummary",
                IAM_NS,
                &format!(
                    "<SummaryMap>{}{}{}{}<entry><key>Users</key><value>3</value></entry><entry><key>Roles</key><value>12</value></entry></SummaryMap>",
                    entry("AccountMFAEnabled", summary.account_mfa_enabled),
                    entry(
                        "AccountAccessKeysPresent",
                        summary.account_access_keys_present
                    ),
                    summary
                        .account_signing_certificates_present
                        .map_or(String::new(), |v| entry(
                            "AccountSigningCertificatesPresent",
                            v
                        )),
                    summary
                        .account_password_present
                        .map_or(String::new(), |v| entry("AccountPasswordPresent", v))
                ),
            ))
        }
        ("S3", "ListBuckets") => {
            // The buckets, with the regions the bucket policies' facts give them.
            let with_policies = ok(&facts.bucket_policies)?
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let mut buckets: Vec<String> = ok(&facts.buckets)?.cloned().unwrap_or_default();
            for b in with_policies {
                if !buckets.contains(&b.bucket) {
                    buckets.push(b.bucket.clone());
                }
            }
            // As S3 answers: every bucket's region (a bucket without a policy fact is in
            // us-east-1), unless the bucket's location could not be read.
            let region_of = |name: &str| {
                match with_policies.iter().find(|b| b.bucket == name) {
                    Some(b) => b.region.as_deref(),
                    None => Some("us-east-1"),
                }
                .filter(|_| bucket_regions)
            };
            // Paginated like S3: `max-buckets` asked, `continuation-token` the next offset.
            let start: usize = r
                .params
                .get("continuation-token")
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let end = match r
                .params
                .get("max-buckets")
                .and_then(|m| m.parse::<usize>().ok())
            {
                Some(asked) => buckets.len().min(start + asked.min(page_size)),
                None => buckets.len(),
            };
            let mut body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>replay-owner-{account}</ID></Owner><Buckets>"
            );
            for name in buckets.get(start..end).unwrap_or(&[]) {
                let region = region_of(name)
                    .map(|r| format!("<BucketRegion>{}</BucketRegion>", xml(r)))
                    .unwrap_or_default();
                let _ = write!(
                    body,
                    "<Bucket><Name>{}</Name><CreationDate>{DATE}</CreationDate>{region}</Bucket>",
                    xml(name)
                );
            }
            body.push_str("</Buckets>");
            if end < buckets.len() {
                let _ = write!(body, "<ContinuationToken>page-{end}</ContinuationToken>");
            }
            body.push_str("</ListAllMyBucketsResult>");
            Ok(Answer::Response {
                status: 200,
                headers: vec![("content-type".into(), "application/xml".into())],
                body: body.into(),
            })
        }
        // Paginated like the service: `nextToken` the offset of the next page.
        ("Payments", "ListPaymentInstruments") => {
            let instruments = ok(&facts.payment_instruments)?
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let start: usize = r
                .params
                .get("nextToken")
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let end = instruments.len().min(start + page_size.min(25));
            let summaries: Vec<_> = instruments
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .map(|i| {
                    serde_json::json!({
                        "id": i.id, "arn": i.arn, "paymentMethod": i.method, "status": i.status,
                    })
                })
                .collect();
            let mut body = serde_json::json!({ "paymentInstrumentSummaries": summaries });
            if end < instruments.len() {
                body["nextToken"] = format!("page-{end}").into();
            }
            Ok(Answer::Response {
                status: 200,
                headers: vec![("content-type".into(), JSON10.into())],
                body: body.to_string().into(),
            })
        }
        ("Account", "GetContactInformation") => match ok(&facts.primary_contact)? {
            Some(Some(c)) => Ok(Answer::Response {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: serde_json::json!({
                    "ContactInformation": {
                        "FullName": c.full_name, "CompanyName": c.company_name,
                        "AddressLine1": c.address_line1, "AddressLine2": c.address_line2,
                        "City": c.city, "StateOrRegion": c.state_or_region,
                        "PostalCode": c.postal_code, "CountryCode": c.country_code,
                        "PhoneNumber": c.phone_number, "WebsiteUrl": c.website_url,
                    }
                })
                .to_string()
                .into(),
            }),
            _ => Err(Fault::Error {
                status: 404,
                code: "ResourceNotFoundException".into(),
                message: "Contact information not found for the account.".into(),
            }),
        },
        // The simulation recorded for the principal asked about (its name: a world may
        // share one account's facts among many); any other principal does not exist.
        ("IAM", "SimulatePrincipalPolicy") => {
            let asked = r.params.get("PolicySourceArn").cloned().unwrap_or_default();
            let actions: Vec<&String> = (1..)
                .map_while(|n| r.params.get(&format!("ActionNames.member.{n}")))
                .collect();
            match ok(&facts.leave_permission)? {
                Some(simulation @ LeaveSimulation { principal, .. })
                    if principal.rsplit(':').next() == asked.rsplit(':').next() =>
                {
                    let mut members = String::new();
                    for action in actions {
                        let outcome = if action.eq_ignore_ascii_case(crate::facts::ACCEPT_ACTION) {
                            simulation
                                .accept_handshake
                                .as_ref()
                                .unwrap_or(&simulation.outcome)
                        } else {
                            &simulation.outcome
                        };
                        let LeaveOutcome::Evaluated {
                            eval_decision,
                            allowed_by_organizations,
                        } = outcome
                        else {
                            continue;
                        };
                        let orgs = allowed_by_organizations.map_or(String::new(), |a| {
                            format!("<OrganizationsDecisionDetail><AllowedByOrganizations>{a}</AllowedByOrganizations></OrganizationsDecisionDetail>")
                        });
                        let _ = write!(
                            members,
                            "<member><EvalActionName>{}</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>{}</EvalDecision><MatchedStatements/><MissingContextValues/>{orgs}</member>",
                            xml(action),
                            xml(eval_decision)
                        );
                    }
                    if members.is_empty() {
                        return Err(Fault::Error {
                            status: 404,
                            code: "NoSuchEntity".into(),
                            message: format!("The principal {asked} does not exist."),
                        });
                    }
                    Ok(query_ok(
                        "SimulatePrincipalPolicy",
                        IAM_NS,
                        &format!(
                            "<IsTruncated>false</IsTruncated><EvaluationResults>{members}</EvaluationResults>"
                        ),
                    ))
                }
                _ => Err(Fault::Error {
                    status: 404,
                    code: "NoSuchEntity".into(),
                    message: format!("The principal {asked} does not exist."),
                }),
            }
        }
        ("Account", "GetAccountInformation") => {
            let info = ok(&facts.account_information)?;
            // AccountCreatedDate is `timestampFormat: iso8601` in the model, not
            // restJson's default epoch seconds.
            let rfc3339 = |t: time::OffsetDateTime| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            };
            let (state, created, name) = match info {
                Some(i) => (i.state.as_str(), i.created_at.map(rfc3339), i.name.clone()),
                None => ("ACTIVE", Some("2020-01-01T00:00:00Z".to_string()), None),
            };
            let mut body = serde_json::json!({ "AccountId": account, "AccountState": state });
            if let Some(created) = created {
                body["AccountCreatedDate"] = created.into();
            }
            if let Some(name) = name {
                body["AccountName"] = name.into();
            }
            Ok(Answer::Response {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.to_string().into(),
            })
        }
        ("Organizations", "ListDelegatedServicesForAccount") => {
            match ok(&facts.delegated_services)? {
                Some(DelegatedServices::Listed { services }) => {
                    let listed: Vec<_> = services
                        .iter()
                        .map(|s| serde_json::json!({"ServicePrincipal": s, "DelegationEnabledDate": 1_700_000_000.0}))
                        .collect();
                    Ok(json_ok(serde_json::json!({ "DelegatedServices": listed })))
                }
                // What AWS answers a member account.
                _ => Err(Fault::Error {
                    status: 400,
                    code: "AccessDeniedException".into(),
                    message: "You don't have permissions to access this resource.".into(),
                }),
            }
        }
        ("Organizations", "ListOutboundResponsibilityTransfers") => {
            match ok(&facts.billing_transfers)? {
                Some(BillingTransfers::Listed { transfers }) => {
                    let listed: Vec<_> = transfers
                        .iter()
                        .map(|t| {
                            let mut item = serde_json::json!({
                                "Arn": format!("arn:aws:organizations::{account}:transfer/o-replay/billing/outbound/{}", t.id),
                                "Id": t.id,
                                "Type": "BILLING",
                                "Status": t.status,
                                "Source": {"ManagementAccountId": account},
                                "Target": {
                                    "ManagementAccountId": t.payer_account_id,
                                    "ManagementAccountEmail": t.payer_email,
                                },
                            });
                            for (field, at) in [("StartTimestamp", t.start), ("EndTimestamp", t.end)] {
                                if let Some(at) = at {
                                    item[field] = (at.unix_timestamp() as f64).into();
                                }
                            }
                            if let Some(name) = &t.name {
                                item["Name"] = name.as_str().into();
                            }
                            if let Some(handshake) = &t.handshake_id {
                                item["ActiveHandshakeId"] = handshake.as_str().into();
                            }
                            item
                        })
                        .collect();
                    Ok(json_ok(
                        serde_json::json!({ "ResponsibilityTransfers": listed }),
                    ))
                }
                // What AWS answers a member account.
                _ => Err(Fault::Error {
                    status: 400,
                    code: "AccessDeniedException".into(),
                    message: "You don't have permissions to access this resource.".into(),
                }),
            }
        }
        ("Account", "ListRegions") => {
            let regions = enabled_regions(facts)?;
            let listed: Vec<_> = regions
                .iter()
                .map(|r| serde_json::json!({"RegionName": r, "RegionOptStatus": if r.as_str() == "us-east-1" { "ENABLED_BY_DEFAULT" } else { "ENABLED" }}))
                .collect();
            Ok(Answer::Response {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: serde_json::json!({ "Regions": listed }).to_string().into(),
            })
        }
        ("CloudFormation", "ListStacks") => {
            let stacks = match ok(&facts.stacks)? {
                Some(regional) => in_region(regional, &r.region)?,
                None => &[],
            };
            let start: usize = r
                .params
                .get("NextToken")
                .and_then(|m| m.strip_prefix("page-"))
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            // CloudFormation's pages hold 100 stacks at most.
            let end = stacks.len().min(start + page_size.min(100));
            let mut body = String::from("<StackSummaries>");
            for stack in stacks.get(start..end).unwrap_or(&[]) {
                let _ = write!(
                    body,
                    "<member><StackId>{}</StackId><StackName>{}</StackName><CreationTime>{DATE}</CreationTime><StackStatus>{}</StackStatus><DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation></member>",
                    xml(&stack.id),
                    xml(&stack.name),
                    xml(&stack.status)
                );
            }
            body.push_str("</StackSummaries>");
            if end < stacks.len() {
                let _ = write!(body, "<NextToken>page-{end}</NextToken>");
            }
            Ok(query_ok("ListStacks", CFN_NS, &body))
        }
        ("S3", "GetBucketLocation" | "GetBucketPolicy") => {
            let name = r.params.get("Bucket").map_or("", String::as_str);
            let listed = ok(&facts.buckets)?.is_some_and(|b| b.iter().any(|b| b == name));
            // A bucket the buckets' fact lists, without a policy fact: us-east-1, no policy.
            let unlisted = crate::facts::BucketPolicy {
                bucket: name.to_string(),
                region: Some("us-east-1".into()),
                policy: Fact::Ok(None),
            };
            let bucket = match ok(&facts.bucket_policies)?
                .and_then(|all| all.iter().find(|b| b.bucket == name))
            {
                Some(bucket) => bucket,
                None if listed => &unlisted,
                None => {
                    return Err(Fault::Error {
                        status: 404,
                        code: "NoSuchBucket".into(),
                        message: "The specified bucket does not exist".into(),
                    });
                }
            };
            let region = match (&bucket.region, &bucket.policy) {
                (Some(region), _) => region.as_str(),
                (None, Fact::Error(reason)) => return Err(Fault::Denied(reason.clone())),
                (None, _) => "us-east-1",
            };
            if r.operation == "GetBucketLocation" {
                // us-east-1 is the empty constraint.
                let constraint = if region == "us-east-1" { "" } else { region };
                return Ok(Answer::Response {
                    status: 200,
                    headers: vec![("content-type".into(), "application/xml".into())],
                    body: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{constraint}</LocationConstraint>").into(),
                });
            }
            if r.region != region {
                // What S3 answers a request sent to another region than the bucket's.
                return Err(Fault::Error {
                    status: 301,
                    code: "PermanentRedirect".into(),
                    message: format!(
                        "The bucket you are attempting to access must be addressed using the specified endpoint ({region})."
                    ),
                });
            }
            match &bucket.policy {
                Fact::Ok(Some(policy)) => Ok(Answer::Response {
                    status: 200,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: policy.clone().into(),
                }),
                Fact::Ok(None) => Err(Fault::Error {
                    status: 404,
                    code: "NoSuchBucketPolicy".into(),
                    message: "The bucket policy does not exist".into(),
                }),
                Fact::Error(reason) => Err(Fault::Denied(reason.clone())),
            }
        }
        ("KMS", "ListKeys" | "ListAliases" | "GetKeyPolicy") => {
            let keys = match ok(&facts.key_policies)? {
                Some(regional) => in_region(regional, &r.region)?,
                None => &[],
            };
            match r.operation.as_str() {
                // The facts hold customer-managed keys only; every region also has the
                // AWS-managed key of S3, which its `alias/aws/s3` alias names (the
                // collector must leave it out, and never ask its policy).
                "ListKeys" => {
                    let mut listed: Vec<_> = keys
                        .iter()
                        .map(|k| serde_json::json!({"KeyId": k.key_id, "KeyArn": k.arn}))
                        .collect();
                    listed.push(serde_json::json!({"KeyId": AWS_MANAGED_KEY, "KeyArn": format!("arn:aws:kms:{}:{account}:key/{AWS_MANAGED_KEY}", r.region)}));
                    Ok(json_ok(
                        serde_json::json!({ "Keys": listed, "Truncated": false }),
                    ))
                }
                "ListAliases" => Ok(json_ok(serde_json::json!({
                    "Aliases": [{
                        "AliasName": "alias/aws/s3",
                        "AliasArn": format!("arn:aws:kms:{}:{account}:alias/aws/s3", r.region),
                        "TargetKeyId": AWS_MANAGED_KEY,
                    }],
                    "Truncated": false,
                }))),
                _ => {
                    let id = r.params.get("KeyId").map_or("", String::as_str);
                    let key = keys
                        .iter()
                        .find(|k| k.key_id == id || k.arn == id)
                        .ok_or_else(|| Fault::Error {
                            status: 400,
                            code: "NotFoundException".into(),
                            message: format!("Key '{id}' does not exist"),
                        })?;
                    match &key.policy {
                        Fact::Ok(policy) => Ok(json_ok(
                            serde_json::json!({ "Policy": policy, "PolicyName": "default" }),
                        )),
                        Fact::Error(reason) => Err(Fault::Denied(reason.clone())),
                    }
                }
            }
        }
        _ => Err(Fault::unimplemented()),
    }
}

/// The regions the account has enabled: its `regions` fact, else every region its
/// regional facts name, else us-east-1.
fn enabled_regions(facts: &AccountFacts) -> Result<Vec<String>, Fault> {
    if let Some(fact) = &facts.regions {
        return match fact {
            Fact::Ok(regions) => Ok(regions.clone()),
            Fact::Error(reason) => Err(Fault::Denied(reason.clone())),
        };
    }
    let mut regions = std::collections::BTreeSet::new();
    if let Some(Fact::Ok(stacks)) = &facts.stacks {
        regions.extend(stacks.regions.keys().chain(&stacks.left_out).cloned());
    }
    if let Some(Fact::Ok(keys)) = &facts.key_policies {
        regions.extend(keys.regions.keys().chain(&keys.left_out).cloned());
    }
    if regions.is_empty() {
        regions.insert("us-east-1".to_string());
    }
    Ok(regions.into_iter().collect())
}

/// What a regional fact holds for `region`: nothing when it names no such region, the
/// region's own failure when it did not answer.
fn in_region<'a, T>(regional: &'a Regional<Vec<T>>, region: &str) -> Result<&'a [T], Fault> {
    match regional.regions.get(region) {
        None => Ok(&[]),
        Some(Fact::Ok(items)) => Ok(items),
        Some(Fact::Error(reason)) => Err(Fault::Denied(reason.clone())),
    }
}

/// One page of an IAM list: `Marker` is the offset of the page's first item.
fn iam_page<T>(
    r: &Request,
    action: &str,
    list: &str,
    items: &[T],
    page_size: usize,
    member: impl Fn(&T) -> String,
) -> Answer {
    let start: usize = r
        .params
        .get("Marker")
        .and_then(|m| m.strip_prefix("page-"))
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let asked: usize = r
        .params
        .get("MaxItems")
        .and_then(|m| m.parse().ok())
        .unwrap_or(100);
    let end = items.len().min(start + asked.min(page_size));
    let mut body = format!("<{list}>");
    for item in items.get(start..end).unwrap_or(&[]) {
        body.push_str("<member>");
        body.push_str(&member(item));
        body.push_str("</member>");
    }
    let _ = write!(body, "</{list}>");
    if end < items.len() {
        let _ = write!(
            body,
            "<IsTruncated>true</IsTruncated><Marker>page-{end}</Marker>"
        );
    } else {
        body.push_str("<IsTruncated>false</IsTruncated>");
    }
    query_ok(action, IAM_NS, &body)
}

fn query_ok(action: &str, namespace: &str, result: &str) -> Answer {
    Answer::Response {
        status: 200,
        headers: vec![("content-type".into(), "text/xml".into())],
        body: format!(
            "<{action}Response xmlns=\"{namespace}\">\n  <{action}Result>{result}</{action}Result>\n  <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>\n</{action}Response>\n"
        )
        .into(),
    }
}

fn json_ok(value: serde_json::Value) -> Answer {
    Answer::Response {
        status: 200,
        headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
        body: value.to_string().into(),
    }
}

fn render_fault(r: &Request, fault: &Fault) -> Answer {
    let (status, code, message) = match fault {
        Fault::Hang => return Answer::Hang,
        Fault::Refused => return Answer::Refused,
        Fault::Raw {
            status,
            headers,
            body,
        } => {
            return Answer::Response {
                status: *status,
                headers: headers.clone(),
                body: body.clone().into(),
            };
        }
        Fault::Error {
            status,
            code,
            message,
        } => (*status, code.as_str(), message.clone()),
        Fault::Denied(message) => match r.protocol {
            Protocol::Json => (400, "AccessDeniedException", message.clone()),
            Protocol::Json10 | Protocol::RestJson => (403, "AccessDeniedException", message.clone()),
            Protocol::Query | Protocol::RestXml => (403, "AccessDenied", message.clone()),
        },
        Fault::Throttled => match r.protocol {
            Protocol::Json => (400, "TooManyRequestsException", "Rate exceeded".into()),
            Protocol::Json10 => (429, "ThrottlingException", "Rate exceeded".into()),
            Protocol::RestJson => (429, "TooManyRequestsException", "Rate exceeded".into()),
            Protocol::Query => (400, "Throttling", "Rate exceeded".into()),
            Protocol::RestXml => (503, "SlowDown", "Please reduce your request rate.".into()),
        },
        Fault::ServerError => match r.protocol {
            Protocol::Json | Protocol::RestJson => (
                500,
                "ServiceException",
                "AWS Organizations can't complete your request because of an internal service error.".into(),
            ),
            Protocol::Json10 => (
                500,
                "InternalServerException",
                "The request processing failed because of an unknown error, exception, or failure.".into(),
            ),
            Protocol::Query => (
                500,
                "ServiceFailure",
                "The request processing has failed because of an unknown error.".into(),
            ),
            Protocol::RestXml => (
                500,
                "InternalError",
                "We encountered an internal error. Please try again.".into(),
            ),
        },
    };
    let request_id = "4c2a1b9e-0d3f-4e5a-8b7c-REPLAY000000";
    let (content_type, extra, body) = match r.protocol {
        Protocol::Query => (
            "text/xml",
            None,
            format!(
                "<ErrorResponse xmlns=\"{IAM_NS}\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>{code}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
                xml(&message)
            ),
        ),
        Protocol::Json => (
            "application/x-amz-json-1.1",
            None,
            serde_json::json!({ "__type": code, "Message": message }).to_string(),
        ),
        Protocol::Json10 => (
            JSON10,
            None,
            serde_json::json!({ "__type": code, "message": message }).to_string(),
        ),
        Protocol::RestJson => (
            "application/json",
            Some(code),
            serde_json::json!({ "message": message }).to_string(),
        ),
        Protocol::RestXml => (
            "application/xml",
            None,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message><RequestId>{request_id}</RequestId></Error>",
                xml(&message)
            ),
        ),
    };
    let mut headers = vec![
        ("content-type".to_string(), content_type.to_string()),
        ("x-amzn-requestid".to_string(), request_id.to_string()),
    ];
    if let Some(code) = extra {
        headers.push(("x-amzn-errortype".to_string(), code.to_string()));
    }
    Answer::Response {
        status,
        headers,
        body: body.into(),
    }
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
