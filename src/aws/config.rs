//! Credentials, configuration and clients: built once for the run, and once per account.
//!
//! The base configuration comes from the standard AWS chain (environment, shared config
//! and SSO, web identity, IMDS), with `--profile`/`--region` and `AWS_ENDPOINT_URL*`
//! honoured; `--profile` wins over credentials in the environment, as in the AWS CLI.
//! The base credentials are checked once, before any account, with
//! `sts:GetCallerIdentity`: a missing or rejected credential is one message for the run,
//! not an error per check, and the caller's ARN gives the partition (`aws`, `aws-cn`,
//! `aws-us-gov`) of every ARN orgexit builds. Each audited account gets its own
//! `SdkConfig` that shares the base's HTTP client (one connection pool for the run) and
//! carries that account's credentials: from `sts:AssumeRole` into `--role-name`, or the
//! base credentials themselves.

use std::time::{Duration, SystemTime};

use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_iam::config::retry::RetryPartition;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::result::SdkError;

use super::error::{cause, describe};
use super::guard::ReadOnlyGuard;
use super::payments::PaymentsClient;

/// How to reach AWS: what the user gave on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub role_name: Option<String>,
    pub external_id: Option<String>,
    /// `--endpoint-url`: every service's endpoint, over `AWS_ENDPOINT_URL*` and the
    /// profile's, as the AWS CLI's flag.
    pub endpoint_url: Option<String>,
    /// Limit for one operation, retries included.
    pub operation_timeout: Duration,
    /// Attempts per operation (1 = no retry).
    pub max_attempts: u32,
    /// The first retry waits up to this long (full jitter), doubling with each attempt.
    pub retry_backoff: Duration,
    /// `--regional-concurrency`: at most this many regional calls of one account in flight.
    pub regional_concurrency: usize,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            region: None,
            role_name: None,
            external_id: None,
            endpoint_url: None,
            operation_timeout: Duration::from_secs(60),
            max_attempts: 5,
            // The SDK's default is 1 s. Half of it, as the AWS SDK for Java uses for
            // throttling, still spreads retries out (full jitter, doubling up to 20 s)
            // and halved the wall time of the benchmark with 10% of calls throttled.
            retry_backoff: Duration::from_millis(500),
            regional_concurrency: REGIONAL_CONCURRENCY,
        }
    }
}

/// Regional calls one account may have in flight by default: every region's first call
/// of each regional read at once, for the 17 regions an account has enabled by default.
pub const REGIONAL_CONCURRENCY: usize = 64;

/// Organizations, IAM and Account are global services served from us-east-1; used when
/// the chain names no region.
const DEFAULT_REGION: &str = "us-east-1";
const SESSION_NAME: &str = "orgexit-audit";
/// The partition of ARNs until the caller's is known.
pub(crate) const DEFAULT_PARTITION: &str = "aws";
/// The credentials check gates the whole run with a single call: it gets at least this
/// long, whatever `--timeout` says for the accounts' calls, so a short `--timeout` never
/// cuts off a healthy answer on a loaded machine. A hanging STS still ends the run.
const IDENTIFY_AT_LEAST: Duration = Duration::from_secs(10);

/// Who the base credentials are (`sts:GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub arn: String,
    /// The partition of `arn` (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
}

/// Why the base credentials cannot be used; said once, before any account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsProblem {
    /// Nothing to use: an unknown `--profile`, a broken profile, or no credentials
    /// anywhere. The invocation must change (exit 2).
    #[error("{0}")]
    Missing(String),
    /// AWS rejected the credentials, or could not be asked (exit 3).
    #[error("{0}")]
    Rejected(String),
}

/// The base configuration and the STS client that reaches every account. Cheap to
/// clone: clones share the HTTP client, the STS client and the guard.
#[derive(Clone)]
pub struct Connection {
    base: SdkConfig,
    sts: aws_sdk_sts::Client,
    guard: ReadOnlyGuard,
    role_name: Option<String>,
    external_id: Option<String>,
    /// `--profile`, for messages about the base credentials.
    profile: Option<String>,
    /// Known once [`Connection::identify`] has run.
    caller: Option<Caller>,
    /// `--regional-concurrency`, for every account's clients.
    regional_concurrency: usize,
}

/// The clients for one account, all behind the read-only guard. The global services'
/// are built with the account; a regional client is built the first time a read needs
/// that service in that region, and then shared by every read of the account.
pub struct AccountClients {
    pub organizations: aws_sdk_organizations::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub account: aws_sdk_account::Client,
    pub payments: PaymentsClient,
    config: SdkConfig,
    guard: ReadOnlyGuard,
    quota: RetryPartition,
    cloudformation: PerRegion<aws_sdk_cloudformation::Client>,
    kms: PerRegion<aws_sdk_kms::Client>,
    s3_in: PerRegion<aws_sdk_s3::Client>,
    /// Bounds the account's regional calls in flight (`--regional-concurrency`).
    regional_calls: tokio::sync::Semaphore,
    /// Reads more than one fact needs, made once per account.
    pub(crate) shared: SharedReads,
}

/// Answers several facts are built from: the first fact that asks makes the call, the
/// others wait for its answer.
#[derive(Default)]
pub(crate) struct SharedReads {
    /// `account:ListRegions`.
    pub(crate) regions: tokio::sync::OnceCell<Result<Vec<String>, String>>,
    /// `s3:ListBuckets`: each bucket, and its region when AWS names it.
    pub(crate) buckets: tokio::sync::OnceCell<Result<Vec<ListedBucket>, String>>,
}

/// A bucket ListBuckets names, with its region when ListBuckets says it.
pub(crate) type ListedBucket = (String, Option<String>);

/// One client of a service per region, built on first use.
struct PerRegion<C>(std::sync::Mutex<std::collections::BTreeMap<String, C>>);

impl<C: Clone> PerRegion<C> {
    fn new() -> Self {
        PerRegion(std::sync::Mutex::new(std::collections::BTreeMap::new()))
    }

    fn get(&self, region: &str, build: impl FnOnce() -> C) -> C {
        let mut clients = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        clients
            .entry(region.to_string())
            .or_insert_with(build)
            .clone()
    }
}

impl AccountClients {
    /// The clients for `account_id`. They share one retry quota of their own: AWS throttles
    /// each account on its own, and the SDK's default quota (a token bucket per service,
    /// for the whole process) would let accounts throttled hard use up the retries of all
    /// the others.
    pub fn new(config: &SdkConfig, guard: &ReadOnlyGuard, account_id: &str) -> Self {
        let quota = RetryPartition::custom(format!("orgexit-account-{account_id}")).build();
        AccountClients {
            organizations: aws_sdk_organizations::Client::from_conf(
                aws_sdk_organizations::config::Builder::from(config)
                    .retry_partition(quota.clone())
                    .interceptor(guard.clone())
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(config)
                    .retry_partition(quota.clone())
                    .interceptor(guard.clone())
                    .build(),
            ),
            // Path-style: no bucket in the host name, which local endpoints need.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .force_path_style(true)
                    .retry_partition(quota.clone())
                    .interceptor(guard.clone())
                    .build(),
            ),
            account: aws_sdk_account::Client::from_conf(
                aws_sdk_account::config::Builder::from(config)
                    .retry_partition(quota.clone())
                    .interceptor(guard.clone())
                    .build(),
            ),
            payments: PaymentsClient::new(config, guard, quota.clone()),
            config: config.clone(),
            guard: guard.clone(),
            quota,
            cloudformation: PerRegion::new(),
            kms: PerRegion::new(),
            s3_in: PerRegion::new(),
            regional_calls: tokio::sync::Semaphore::new(REGIONAL_CONCURRENCY),
            shared: SharedReads::default(),
        }
    }

    /// At most `calls` regional calls of this account in flight at once (at least one).
    pub fn with_regional_concurrency(mut self, calls: usize) -> Self {
        self.regional_calls = tokio::sync::Semaphore::new(calls.max(1));
        self
    }

    /// Waits for a turn to make one regional call; the call is made while it is held.
    pub(crate) async fn regional_turn(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.regional_calls
            .acquire()
            .await
            .expect("the account's semaphore is never closed")
    }

    fn regional_config(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    /// CloudFormation in `region`.
    pub(crate) fn cloudformation(&self, region: &str) -> aws_sdk_cloudformation::Client {
        self.cloudformation.get(region, || {
            aws_sdk_cloudformation::Client::from_conf(
                aws_sdk_cloudformation::config::Builder::from(&self.regional_config(region))
                    .retry_partition(self.quota.clone())
                    .interceptor(self.guard.clone())
                    .build(),
            )
        })
    }

    /// KMS in `region`.
    pub(crate) fn kms(&self, region: &str) -> aws_sdk_kms::Client {
        self.kms.get(region, || {
            aws_sdk_kms::Client::from_conf(
                aws_sdk_kms::config::Builder::from(&self.regional_config(region))
                    .retry_partition(self.quota.clone())
                    .interceptor(self.guard.clone())
                    .build(),
            )
        })
    }

    /// S3 in `region`: a bucket's own calls go to the bucket's region.
    pub(crate) fn s3_in(&self, region: &str) -> aws_sdk_s3::Client {
        self.s3_in.get(region, || {
            aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(&self.regional_config(region))
                    .force_path_style(true)
                    .retry_partition(self.quota.clone())
                    .interceptor(self.guard.clone())
                    .build(),
            )
        })
    }
}

/// The HTTPS client of the run: hyper 1 with rustls on `ring`, trusting `trust`
/// ([`TrustStore::default`]: the platform's roots), the proxy from `HTTPS_PROXY`/`NO_PROXY`.
/// It is what the SDK's `default-https-client` feature builds, with `ring` instead of
/// `aws-lc` (Cargo.toml): one crypto library, and no C build through cmake. Every client
/// of the run shares it, the credentials providers' (STS, SSO) included.
pub fn https_client(trust: TrustStore) -> SharedHttpClient {
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("a TLS context with a trust store only is always valid");
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut connector = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .tls_context(context.clone());
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// Retry and timeout settings shared by every client.
pub fn resilience(options: &AwsOptions) -> (RetryConfig, TimeoutConfig) {
    let attempt = options.operation_timeout.min(Duration::from_secs(20));
    (
        RetryConfig::standard()
            .with_max_attempts(options.max_attempts.max(1))
            .with_initial_backoff(options.retry_backoff),
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5).min(attempt))
            .operation_attempt_timeout(attempt)
            .operation_timeout(options.operation_timeout)
            .build(),
    )
}

impl Connection {
    /// Loads the base configuration from the standard chain and checks the base
    /// credentials once ([`Connection::identify`]).
    pub(crate) async fn load(
        options: &AwsOptions,
        guard: ReadOnlyGuard,
    ) -> Result<Connection, CredentialsProblem> {
        Self::load_with(options, guard, https_client(TrustStore::default())).await
    }

    /// [`Connection::load`] over the given HTTP client (tests give a local one).
    pub async fn load_with(
        options: &AwsOptions,
        guard: ReadOnlyGuard,
        http: SharedHttpClient,
    ) -> Result<Connection, CredentialsProblem> {
        let (retry, timeout) = resilience(options);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http.clone())
            .retry_config(retry)
            .timeout_config(timeout);
        if options.profile.is_none()
            && let Some(profile) = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())
        {
            // As with the AWS CLI, a profile named in the environment must exist too.
            known_profile(&profile, "AWS_PROFILE=").await?;
        }
        // The region before the credentials: the providers' own STS clients (web
        // identity, a profile's role) need one too.
        let region = match &options.region {
            Some(region) => Region::new(region.clone()),
            None => {
                // The SDK's default region chain (environment, profile, instance
                // metadata), its metadata client over the run's HTTP client.
                let providers = ProviderConfig::default().with_http_client(http.clone());
                let mut profile_region = ProfileFileRegionProvider::builder();
                if let Some(profile) = &options.profile {
                    profile_region = profile_region.profile_name(profile);
                }
                RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                    .or_else(profile_region.build())
                    .or_else(ImdsRegionProvider::builder().configure(&providers).build())
                    .region()
                    .await
                    .unwrap_or_else(|| Region::new(DEFAULT_REGION))
            }
        };
        loader = loader.region(region.clone());
        if let Some(profile) = &options.profile {
            known_profile(profile, "--profile ").await?;
            // The default chain reads the environment's keys before any profile; a
            // profile asked for by name wins, as `aws --profile` does. Its STS and SSO
            // clients get the run's HTTP client (the SDK has no default one without its
            // `default-https-client` feature) and region.
            let providers = ProviderConfig::default()
                .with_http_client(http.clone())
                .with_region(Some(region));
            loader = loader.profile_name(profile).credentials_provider(
                ProfileFileCredentialsProvider::builder()
                    .configure(&providers)
                    .profile_name(profile)
                    .build(),
            );
        }
        if let Some(url) = &options.endpoint_url {
            // Set in code, it wins over AWS_ENDPOINT_URL_<SERVICE> and the profile's, in
            // every client (the Payments one too: `super::payments::endpoint_url`).
            loader = loader.endpoint_url(url);
        }
        let base = loader.load().await;
        Self::from_config(base, options, guard).identify().await
    }

    /// From a ready-made configuration (tests and benchmarks give their own HTTP client).
    pub fn from_config(base: SdkConfig, options: &AwsOptions, guard: ReadOnlyGuard) -> Connection {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&base)
                .interceptor(guard.clone())
                .build(),
        );
        Connection {
            base,
            sts,
            guard,
            role_name: options.role_name.clone(),
            external_id: options.external_id.clone(),
            profile: options.profile.clone(),
            caller: None,
            regional_concurrency: options.regional_concurrency,
        }
    }

    /// Checks the base credentials with `sts:GetCallerIdentity` (which needs no
    /// permission) and keeps who they are. Missing credentials and an unknown or broken
    /// profile are [`CredentialsProblem::Missing`]; credentials AWS refuses, and an STS
    /// that cannot be reached, [`CredentialsProblem::Rejected`].
    pub async fn identify(mut self) -> Result<Connection, CredentialsProblem> {
        let whose = match &self.profile {
            Some(profile) => format!("the base credentials (profile {profile})"),
            None => "the base credentials".to_string(),
        };
        let configured = self.sts.config().timeout_config();
        let at_least = |limit: Option<Duration>| limit.map(|d| d.max(IDENTIFY_AT_LEAST));
        let mut timeouts = TimeoutConfig::builder();
        timeouts
            .set_connect_timeout(at_least(configured.and_then(|t| t.connect_timeout())))
            .set_operation_attempt_timeout(at_least(
                configured.and_then(|t| t.operation_attempt_timeout()),
            ))
            .set_operation_timeout(at_least(configured.and_then(|t| t.operation_timeout())));
        let timeouts = timeouts.build();
        let answer = self
            .sts
            .get_caller_identity()
            .customize()
            .config_override(aws_sdk_sts::config::Builder::default().timeout_config(timeouts))
            .send()
            .await;
        let identity = match answer {
            Ok(identity) => identity,
            Err(err) => return Err(credentials_problem(&err, &whose, self.profile.as_deref())),
        };
        let (Some(account), Some(arn)) = (identity.account, identity.arn) else {
            return Err(CredentialsProblem::Rejected(format!(
                "cannot check {whose}: sts:GetCallerIdentity answered without the account or ARN"
            )));
        };
        let partition = partition_of(&arn).ok_or_else(|| {
            CredentialsProblem::Rejected(format!(
                "cannot check {whose}: sts:GetCallerIdentity gave {arn:?}, not an ARN"
            ))
        })?;
        tracing::info!(%arn, "base credentials checked");
        self.caller = Some(Caller {
            account,
            arn,
            partition,
        });
        Ok(self)
    }

    /// Who the base credentials are, once [`Connection::identify`] has run.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// The partition of every ARN orgexit builds: the caller's, else `aws`.
    pub fn partition(&self) -> &str {
        self.caller
            .as_ref()
            .map_or(DEFAULT_PARTITION, |c| c.partition.as_str())
    }

    /// The audit role assumed in each account, and the account orgexit runs from, once
    /// [`Connection::identify`] has run; `None` when accounts are reached without a role.
    pub(crate) fn reached_through(&self) -> Option<crate::facts::ReachedThrough> {
        Some(crate::facts::ReachedThrough {
            role: self.role_name.clone()?,
            from_account: self.caller.as_ref()?.account.clone(),
        })
    }

    /// The account the base credentials belong to.
    pub(crate) async fn caller_account(&self) -> Result<String, String> {
        if let Some(caller) = &self.caller {
            return Ok(caller.account.clone());
        }
        let identity = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| describe("sts:GetCallerIdentity", &e))?;
        identity
            .account
            .ok_or_else(|| "sts:GetCallerIdentity: the answer names no account".to_string())
    }

    /// The clients for one account: through `--role-name` when given, else the base
    /// credentials (the caller must then be that account).
    pub(crate) async fn clients_for(&self, account_id: &str) -> Result<AccountClients, String> {
        let Some(role_name) = &self.role_name else {
            let caller = self.caller_account().await?;
            if caller != account_id {
                return Err(format!(
                    "the credentials belong to account {caller}, not {account_id}; give --role-name to reach other accounts"
                ));
            }
            return Ok(AccountClients::new(&self.base, &self.guard, account_id)
                .with_regional_concurrency(self.regional_concurrency));
        };
        let role_arn = format!(
            "arn:{}:iam::{account_id}:role/{role_name}",
            self.partition()
        );
        let answer = self
            .sts
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name(SESSION_NAME)
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(|e| {
                format!(
                    "cannot assume {role_arn}: {}",
                    describe("sts:AssumeRole", &e)
                )
            })?;
        let creds = answer.credentials.ok_or_else(|| {
            format!("cannot assume {role_arn}: sts:AssumeRole returned no credentials")
        })?;
        let expiry = SystemTime::try_from(creds.expiration).ok();
        let credentials = Credentials::new(
            creds.access_key_id,
            creds.secret_access_key,
            Some(creds.session_token),
            expiry,
            "orgexit-assume-role",
        );
        let config = self
            .base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .build();
        Ok(AccountClients::new(&config, &self.guard, account_id)
            .with_regional_concurrency(self.regional_concurrency))
    }
}

/// The partition of an ARN (`arn:aws-cn:iam::…` → `aws-cn`).
pub(crate) fn partition_of(arn: &str) -> Option<String> {
    let mut parts = arn.split(':');
    let partition = match (parts.next(), parts.next()) {
        (Some("arn"), Some(partition)) => partition,
        _ => return None,
    };
    let valid = partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        });
    valid.then(|| partition.to_string())
}

/// The profile must exist in the shared config or credentials file: said before anything
/// is sent, naming the profiles there are. `given` says how it was named
/// (`--profile `, `AWS_PROFILE=`).
async fn known_profile(name: &str, given: &str) -> Result<(), CredentialsProblem> {
    use aws_types::os_shim_internal::{Env, Fs};
    let files = || {
        let file = |var: &str, default: &str| std::env::var(var).unwrap_or(default.to_string());
        format!(
            "{} or {}",
            file("AWS_CONFIG_FILE", "~/.aws/config"),
            file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
        )
    };
    let profiles = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        None,
    )
    .await
    .map_err(|e| {
        CredentialsProblem::Missing(format!(
            "--profile {name}: cannot read the AWS config files: {}",
            crate::input::one_line(&e.to_string())
        ))
    })?;
    if profiles.get_profile(name).is_some() {
        return Ok(());
    }
    let mut known: Vec<&str> = profiles.profiles().collect();
    known.sort_unstable();
    let known = if known.is_empty() {
        "they define no profile".to_string()
    } else {
        format!("they define {}", known.join(", "))
    };
    Err(CredentialsProblem::Missing(format!(
        "{given}{name}: no such profile in {} ({known}); give an existing profile, or create it with `aws configure --profile {name}`",
        files()
    )))
}

/// Why `sts:GetCallerIdentity` failed, as one line that says what to fix.
fn credentials_problem<E, R>(
    err: &SdkError<E, R>,
    whose: &str,
    profile: Option<&str>,
) -> CredentialsProblem
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + super::error::HttpStatus + 'static,
{
    // A credentials provider that failed is somewhere in the error's sources.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(failed) = e.downcast_ref::<CredentialsError>() {
            return provider_problem(failed, whose, profile);
        }
        source = e.source();
    }
    let reason = describe("sts:GetCallerIdentity", err);
    match err {
        SdkError::ServiceError(_) => CredentialsProblem::Rejected(format!(
            "AWS rejected {whose}: {reason}; use valid keys, or renew the session (e.g. `aws sso login{}`)",
            profile
                .map(|p| format!(" --profile {p}"))
                .unwrap_or_default()
        )),
        _ => CredentialsProblem::Rejected(format!(
            "cannot check {whose} with AWS STS: {reason}; check the network, --region and AWS_ENDPOINT_URL"
        )),
    }
}

fn provider_problem(
    failed: &CredentialsError,
    whose: &str,
    profile: Option<&str>,
) -> CredentialsProblem {
    let why = cause(failed);
    match failed {
        CredentialsError::CredentialsNotLoaded(_) => CredentialsProblem::Missing(match profile {
            Some(profile) => format!(
                "{whose} could not be loaded: {why}; complete profile {profile} in the AWS config files"
            ),
            None => "no AWS credentials found (environment, shared config and SSO, web identity, instance metadata): give --profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or audit a snapshot with --snapshot".to_string(),
        }),
        CredentialsError::InvalidConfiguration(_) => CredentialsProblem::Missing(format!(
            "{whose} are misconfigured: {why}; fix the profile in the AWS config files"
        )),
        // The default chain ends at the instance metadata service: with nothing set up
        // before it, off EC2 it fails (forbidden, unreachable) rather than finding none.
        // That is no credentials, not credentials refused.
        _ if profile.is_none() && why.contains("IMDS") => CredentialsProblem::Missing(format!(
            "no AWS credentials found (environment, shared config and SSO, web identity; the instance metadata service gave none: {why}): give --profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or audit a snapshot with --snapshot"
        )),
        _ => CredentialsProblem::Rejected(format!(
            "{whose} could not be obtained: {why}; renew them (e.g. `aws sso login{}`) and run again",
            profile
                .map(|p| format!(" --profile {p}"))
                .unwrap_or_default()
        )),
    }
}
