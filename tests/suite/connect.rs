//! What the SDK's default features gave and orgexit now builds itself (Cargo.toml): the
//! HTTPS client (rustls on `ring`) completes a TLS handshake and carries a real STS call;
//! and the base credentials chain still has its SSO and web-identity providers: a profile
//! with `sso_session` asks AWS IAM Identity Center for the role's credentials, one with
//! `web_identity_token_file` asks STS `AssumeRoleWithWebIdentity`. Nothing leaves the
//! machine: a local TLS server (a test certificate authority, `fixtures/tls`) and a
//! captured request.

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_types::body::SdkBody;
use orgexit::aws::Connection;
use orgexit::aws::config::{AwsOptions, CredentialsProblem, https_client};
use orgexit::aws::guard::ReadOnlyGuard;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CA: &[u8] = include_bytes!("../../fixtures/tls/ca.pem");
const CERT: &[u8] = include_bytes!("../../fixtures/tls/localhost.pem");
const KEY: &[u8] = include_bytes!("../../fixtures/tls/localhost.key");

const IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/tls</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>tls-1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

/// A TLS server on 127.0.0.1 with the `localhost` certificate that answers every request
/// with `IDENTITY`; gives its port and the requests' first lines.
async fn tls_server() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(CERT).unwrap()],
            PrivateKeyDer::from_pem_slice(KEY).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, requests) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                // A refused handshake (the control) ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = tls.read(&mut buf).await.unwrap();
                    assert!(n > 0, "the client closed before its request ended");
                    head.extend_from_slice(&buf[..n]);
                }
                let text = String::from_utf8_lossy(&head);
                let _ = seen.send(text.lines().next().unwrap_or_default().to_string());
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{IDENTITY}",
                    IDENTITY.len()
                );
                tls.write_all(answer.as_bytes()).await.unwrap();
                tls.shutdown().await.unwrap();
            });
        }
    });
    (port, requests)
}

fn config_over(port: u16, trust: TrustStore) -> SdkConfig {
    let options = AwsOptions {
        operation_timeout: Duration::from_secs(30),
        max_attempts: 1,
        ..AwsOptions::default()
    };
    let (retry, timeout) = orgexit::aws::config::resilience(&options);
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(format!("https://localhost:{port}"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDEXAMPLE",
            "tls-secret",
            None,
            None,
            "test",
        )))
        .http_client(https_client(trust))
        .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
        .retry_config(retry)
        .timeout_config(timeout)
        .build()
}

#[tokio::test]
async fn the_https_client_completes_a_tls_handshake_and_carries_sts_calls() {
    let (port, mut requests) = tls_server().await;
    let trusted = config_over(port, TrustStore::empty().with_pem_certificate(CA.to_vec()));
    let connection = Connection::from_config(trusted, &AwsOptions::default(), ReadOnlyGuard::new())
        .identify()
        .await
        .expect("GetCallerIdentity over TLS");
    let caller = connection.caller().unwrap();
    assert_eq!(caller.account, "123456789012");
    assert_eq!(caller.arn, "arn:aws:iam::123456789012:user/tls");
    assert_eq!(requests.recv().await.unwrap(), "POST / HTTP/1.1");

    // The control: a certificate from an authority the client does not trust is refused,
    // so the call above was verified TLS, not a connection that accepts anything.
    let untrusted = config_over(port, TrustStore::empty());
    let refused = Connection::from_config(untrusted, &AwsOptions::default(), ReadOnlyGuard::new())
        .identify()
        .await
        .err()
        .expect("an unknown certificate authority is refused");
    let CredentialsProblem::Rejected(why) = refused else {
        panic!("{refused:?}");
    };
    assert!(why.contains("cannot check the base credentials"), "{why}");
    assert!(
        requests.try_recv().is_err(),
        "no request after a refused handshake"
    );
}

const PROBE: &str = "ORGEXIT_CONNECT_PROBE";
/// The test's name as libtest knows it in this crate: its module, then its name.
const PROBE_TEST: &str = "connect::credentials_probe";

/// The child's side (`PROBE` set): load the base configuration as `orgexit audit
/// --profile probe` does, over a client that captures the first request, and print where
/// the chain sent it. Not a test of its own: [`probe`] runs it in a child process.
#[tokio::test]
#[ignore = "the child side of the credentials probe tests: run by them, in a child process"]
async fn credentials_probe() {
    assert!(
        std::env::var_os(PROBE).is_some(),
        "run by the probe tests in a child process, with {PROBE} set"
    );
    let sent = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&sent);
    let http = infallible_client_fn(move |request: http::Request<SdkBody>| {
        let body = request.body().bytes().unwrap_or_default();
        log.lock().unwrap().push(format!(
            "{} {} {}",
            request.method(),
            request.uri(),
            String::from_utf8_lossy(body)
        ));
        http::Response::builder()
            .status(403)
            .body(SdkBody::from("probe"))
            .unwrap()
    });
    let options = AwsOptions {
        // `--profile probe`, unless the case is the environment's.
        profile: std::env::var_os("AWS_ROLE_ARN")
            .is_none()
            .then(|| "probe".into()),
        max_attempts: 1,
        ..AwsOptions::default()
    };
    let loaded = Connection::load_with(&options, ReadOnlyGuard::new(), http).await;
    let Err(problem) = loaded else {
        panic!("every answer is a 403")
    };
    let sent = sent.lock().unwrap();
    let first = sent
        .first()
        .unwrap_or_else(|| panic!("the chain sent no request: {problem}"));
    println!("probe request: {first}");
}

/// Runs the probe in a child process with `config` as its AWS config file and `home` as
/// its home (the SSO token cache), and gives the line it printed.
fn probe(config: &str, home: &std::path::Path, env: &[(&str, &str)]) -> String {
    std::fs::write(home.join("config"), config).unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            PROBE_TEST,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .env(PROBE, "1")
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        // libtest writes the test's name on the same line before it.
        .find_map(|l| l.split_once("probe request: ").map(|(_, r)| r.to_string()))
        .unwrap_or_else(|| panic!("the probe did not run: {stdout}"))
}

#[test]
fn a_web_identity_profile_asks_sts_to_assume_the_role_with_the_token() {
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("token");
    std::fs::write(&token, "a-web-identity-token").unwrap();
    let sent = probe(
        &format!(
            "[profile probe]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_file = {}\n",
            token.display()
        ),
        home.path(),
        &[],
    );
    assert!(
        sent.starts_with("POST https://sts.eu-west-1.amazonaws.com/ "),
        "{sent}"
    );
    assert!(sent.contains("Action=AssumeRoleWithWebIdentity"), "{sent}");
    assert!(
        sent.contains("WebIdentityToken=a-web-identity-token"),
        "{sent}"
    );
}

/// The CI job's case (GitHub's OIDC token, `configure-aws-credentials`): no profile, the
/// role and the token file in the environment.
#[test]
fn a_web_identity_token_in_the_environment_asks_sts_to_assume_the_role() {
    let home = tempfile::tempdir().unwrap();
    let token = home.path().join("token");
    std::fs::write(&token, "a-ci-token").unwrap();
    let token = token.display().to_string();
    let sent = probe(
        "",
        home.path(),
        &[
            ("AWS_REGION", "eu-north-1"),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
        ],
    );
    assert!(
        sent.starts_with("POST https://sts.eu-north-1.amazonaws.com/ "),
        "{sent}"
    );
    assert!(sent.contains("Action=AssumeRoleWithWebIdentity"), "{sent}");
    assert!(sent.contains("WebIdentityToken=a-ci-token"), "{sent}");
}

#[test]
fn an_sso_profile_asks_identity_center_for_the_role_credentials() {
    let home = tempfile::tempdir().unwrap();
    // The token `aws sso login --sso-session acme` caches: the file is named by the SHA-1
    // of the session's name ("acme").
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("293abb6b76d7791c0732cc517d38c4b5c734b87f.json"),
        r#"{"accessToken":"cached-sso-token","expiresAt":"2999-01-01T00:00:00Z","region":"eu-central-1","startUrl":"https://acme.awsapps.com/start"}"#,
    )
    .unwrap();
    let sent = probe(
        "[profile probe]\nregion = eu-west-1\nsso_session = acme\nsso_account_id = 123456789012\nsso_role_name = Audit\n\n[sso-session acme]\nsso_region = eu-central-1\nsso_start_url = https://acme.awsapps.com/start\n",
        home.path(),
        &[],
    );
    assert!(
        sent.starts_with(
            "GET https://portal.sso.eu-central-1.amazonaws.com/federation/credentials?"
        ),
        "{sent}"
    );
    assert!(sent.contains("account_id=123456789012"), "{sent}");
    assert!(sent.contains("role_name=Audit"), "{sent}");
}
