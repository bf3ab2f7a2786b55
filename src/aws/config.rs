//! Credentials, configuration and clients: built once for the run, and once per account.
//!
//! The base configuration comes from the standard AWS chain (environment, shared config
//! and SSO, web identity, IMDS), with `--profile`/`--region` and `AWS_ENDPOINT_URL*`
//! honoured. Each audited account gets its own `SdkConfig` that shares the base's HTTP
//! client (one connection pool for the run) and carries that account's credentials:
//! from `sts:AssumeRole` into `--role-name`, or the base credentials themselves.

use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

use super::error::describe;
use super::guard::ReadOnlyGuard;
use super::payments::PaymentsClient;

/// How to reach AWS: what the user gave on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub role_name: Option<String>,
    pub external_id: Option<String>,
    /// Limit for one operation, retries included.
    pub operation_timeout: Duration,
    /// Attempts per operation (1 = no retry).
    pub max_attempts: u32,
    /// The first retry waits up to this long (full jitter), doubling with each attempt.
    pub retry_backoff: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            region: None,
            role_name: None,
            external_id: None,
            operation_timeout: Duration::from_secs(60),
            max_attempts: 5,
            // The SDK's default is 1 s. Half of it, as the AWS SDK for Java uses for
            // throttling, still spreads retries out (full jitter, doubling up to 20 s)
            // and halved the wall time of the benchmark with 10% of calls throttled.
            retry_backoff: Duration::from_millis(500),
        }
    }
}

/// Organizations, IAM and Account are global services served from us-east-1; used when
/// the chain names no region.
const DEFAULT_REGION: &str = "us-east-1";
const SESSION_NAME: &str = "orgexit-audit";

/// The base configuration and the STS client that reaches every account. Cheap to
/// clone: clones share the HTTP client, the STS client and the guard.
#[derive(Clone)]
pub struct Connection {
    base: SdkConfig,
    sts: aws_sdk_sts::Client,
    guard: ReadOnlyGuard,
    role_name: Option<String>,
    external_id: Option<String>,
}

/// The clients for one account, all behind the read-only guard.
pub struct AccountClients {
    pub organizations: aws_sdk_organizations::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub account: aws_sdk_account::Client,
    pub payments: PaymentsClient,
}

impl AccountClients {
    pub fn new(config: &SdkConfig, guard: &ReadOnlyGuard) -> Self {
        AccountClients {
            organizations: aws_sdk_organizations::Client::from_conf(
                aws_sdk_organizations::config::Builder::from(config)
                    .interceptor(guard.clone())
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(config)
                    .interceptor(guard.clone())
                    .build(),
            ),
            // Path-style: no bucket in the host name, which local endpoints need.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .force_path_style(true)
                    .interceptor(guard.clone())
                    .build(),
            ),
            account: aws_sdk_account::Client::from_conf(
                aws_sdk_account::config::Builder::from(config)
                    .interceptor(guard.clone())
                    .build(),
            ),
            payments: PaymentsClient::new(config, guard),
        }
    }
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
    /// Loads the base configuration from the standard chain.
    pub async fn load(options: &AwsOptions, guard: ReadOnlyGuard) -> Connection {
        let (retry, timeout) = resilience(options);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(timeout);
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let mut base = loader.load().await;
        if base.region().is_none() {
            base = base
                .to_builder()
                .region(Region::new(DEFAULT_REGION))
                .build();
        }
        Self::from_config(base, options, guard)
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
        }
    }

    pub fn guard(&self) -> &ReadOnlyGuard {
        &self.guard
    }

    /// Whether accounts are reached by assuming a role (otherwise: the caller's own).
    pub fn assumes_role(&self) -> bool {
        self.role_name.is_some()
    }

    /// The account the base credentials belong to.
    pub async fn caller_account(&self) -> Result<String, String> {
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
    pub async fn clients_for(&self, account_id: &str) -> Result<AccountClients, String> {
        let Some(role_name) = &self.role_name else {
            let caller = self.caller_account().await?;
            if caller != account_id {
                return Err(format!(
                    "the credentials belong to account {caller}, not {account_id}; give --role-name to reach other accounts"
                ));
            }
            return Ok(AccountClients::new(&self.base, &self.guard));
        };
        let role_arn = format!("arn:aws:iam::{account_id}:role/{role_name}");
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
        Ok(AccountClients::new(&config, &self.guard))
    }
}
