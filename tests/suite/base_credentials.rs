//! The base credentials are checked once, before any account, with
//! `sts:GetCallerIdentity`: missing credentials or an unknown profile are one line and
//! exit 2, credentials AWS rejects one line and exit 3, never an error in every check of
//! every account; and the caller's partition is the partition of every ARN orgexit
//! builds. Through the real SDK clients and the replay, and the binary as a user runs it.

use crate::common;

use std::process::Output;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use common::{all_facts, demo_facts, gather_through, orgexit, quick_options, world};
use orgexit::aws::Connection;
use orgexit::aws::config::{CredentialsProblem, resilience};
use orgexit::aws::error::is_debug_dump;
use orgexit::aws::guard::ReadOnlyGuard;
use orgexit::aws::replay::{Fault, Replay, Rule};

fn checked_later(replay: &Replay) -> Connection {
    common::connection(replay, &quick_options(), ReadOnlyGuard::new())
}

/// Gathers every fact of `accounts` through `connection`.
async fn audit(connection: &Connection, accounts: &[&str]) -> Vec<orgexit::facts::AccountFacts> {
    gather_through(connection, &quick_options(), accounts, &all_facts()).await
}

#[tokio::test(start_paused = true)]
async fn the_role_to_assume_is_in_the_partition_of_the_base_credentials() {
    let demo = demo_facts();
    let accounts = ["111122223333", "222233334444"];
    let replay = Replay::builder().partition("aws-cn").build(world(&demo));

    let checked = checked_later(&replay).identify().await.unwrap();
    let caller = checked.caller().unwrap();
    assert_eq!(caller.partition, "aws-cn");
    assert_eq!(caller.arn, "arn:aws-cn:iam::999999999999:user/replay");
    assert_eq!(checked.partition(), "aws-cn");
    let facts = audit(&checked, &accounts).await;
    for account in &facts {
        assert_eq!(
            account.error, None,
            "{}: the AssumeRole request carried arn:aws-cn:iam::…",
            account.account_id
        );
        assert!(account.roles.as_ref().is_some_and(|f| f.is_ok()));
    }
    let calls = replay.calls();
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.operation == "GetCallerIdentity")
            .count(),
        1,
        "checked once for the run, not per account"
    );

    // The control: a role ARN in `aws` is refused in aws-cn, as AWS refuses it.
    let unchecked = checked_later(&replay);
    let facts = audit(&unchecked, &accounts[..1]).await;
    let reason = facts[0].error.as_deref().unwrap();
    assert!(
        reason.starts_with("cannot assume arn:aws:iam::111122223333:role/OrgExitAudit")
            && reason.contains("ValidationError"),
        "{reason}"
    );
}

/// A credentials provider that finds nothing, as the default chain does on a machine
/// without credentials.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "no providers in chain provided credentials",
        )))
    }
}

#[tokio::test(start_paused = true)]
async fn each_credentials_problem_is_one_line_that_says_what_to_fix() {
    let demo = demo_facts();
    let rejected = Replay::builder()
        .rule(
            Rule::new(Fault::Error {
                status: 403,
                code: "InvalidClientTokenId".into(),
                message: "The security token included in the request is invalid.".into(),
            })
            .operation("GetCallerIdentity"),
        )
        .build(world(&demo));
    let unreachable = Replay::builder()
        .rule(Rule::new(Fault::Refused).operation("GetCallerIdentity"))
        .build(world(&demo));
    let empty = Replay::builder().build(world(&demo));
    let options = quick_options();
    let (retry, timeout) = resilience(&options);
    let no_credentials = Connection::from_config(
        empty
            .sdk_config(retry, timeout)
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(NoCredentials))
            .build(),
        &options,
        ReadOnlyGuard::new(),
    );

    let cases = [
        (
            checked_later(&rejected).identify().await.err().unwrap(),
            &rejected,
            "rejected",
            "AWS rejected the base credentials: sts:GetCallerIdentity: InvalidClientTokenId (HTTP 403)",
        ),
        (
            checked_later(&unreachable).identify().await.err().unwrap(),
            &unreachable,
            "rejected",
            "cannot check the base credentials with AWS STS: sts:GetCallerIdentity: connection failed",
        ),
        (
            no_credentials.identify().await.err().unwrap(),
            &empty,
            "missing",
            "no AWS credentials found",
        ),
    ];
    for (problem, replay, kind, says) in cases {
        let (got, message) = match &problem {
            CredentialsProblem::Missing(m) => ("missing", m),
            CredentialsProblem::Rejected(m) => ("rejected", m),
        };
        assert_eq!(got, kind, "{message}");
        assert!(message.starts_with(says), "{message}");
        assert!(
            !message.contains('\n') && !is_debug_dump(message),
            "{message}"
        );
        assert!(
            replay.calls().iter().all(|c| c.operation != "AssumeRole"),
            "no account was tried"
        );
    }
}

/// The binary with no AWS set-up of the developer's, and `extra` environment.
fn run(args: &[&str], extra: &[(&str, &str)]) -> Output {
    let nothing = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-aws-config");
    let mut cmd = orgexit();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_CONFIG_FILE", &nothing)
        .env("AWS_SHARED_CREDENTIALS_FILE", &nothing)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    for (name, value) in extra {
        cmd.env(name, value);
    }
    cmd.args(args).output().unwrap()
}

/// An HTTP server on 127.0.0.1 that answers every request 403 Forbidden, as a proxy or a
/// container runtime answers the instance metadata address off EC2.
fn forbidding_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// One line on stderr, nothing on stdout, no debug dump.
fn one_line(out: &Output, code: i32, says: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(out.stdout.is_empty(), "no report");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with("orgexit: error: ") && stderr.contains(says),
        "{stderr}"
    );
    assert!(!is_debug_dump(&stderr), "{stderr}");
    stderr
}

#[test]
fn the_binary_checks_the_base_credentials_once_before_any_account() {
    let accounts = "111122223333,222233334444,333344445555";
    let audit = [
        "audit",
        "--accounts",
        accounts,
        "--role-name",
        "OrgExitAudit",
    ];
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY000000"),
        ("AWS_SECRET_ACCESS_KEY", "not-a-real-secret"),
    ];

    // --profile wins over the environment's keys: an unknown one is an error, not ignored.
    let out = run(&[&audit[..], &["--profile", "nosuch"]].concat(), &keys);
    one_line(&out, 2, "--profile nosuch: no such profile");

    // No credentials anywhere.
    let out = run(&audit, &[]);
    one_line(&out, 2, "no AWS credentials found");

    // Off EC2 with the instance metadata service left on (the default), the chain ends at
    // IMDS: whether something answers it "forbidden" or nothing answers at all, there are
    // no credentials, and that is what the one line says (exit 2), not IMDS's error.
    let forbidding = forbidding_server();
    for endpoint in [forbidding.as_str(), "http://127.0.0.1:1"] {
        let out = run(
            &audit,
            &[
                ("AWS_EC2_METADATA_DISABLED", "false"),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint),
            ],
        );
        let line = one_line(&out, 2, "no AWS credentials found");
        assert!(line.contains("instance metadata"), "{line}");
    }

    // A profile named in the environment must exist too, as with the AWS CLI.
    let out = run(&audit, &[("AWS_PROFILE", "nosuch")]);
    one_line(&out, 2, "AWS_PROFILE=nosuch: no such profile");

    // An STS that cannot be reached: exit 3, once for the run (not per account).
    let refused = [keys[0], keys[1], ("AWS_ENDPOINT_URL", "http://127.0.0.1:1")];
    let out = run(
        &[&audit[..], &["--max-attempts", "1", "--timeout", "5"]].concat(),
        &refused,
    );
    one_line(&out, 3, "cannot check the base credentials with AWS STS");
}

#[test]
fn the_policy_partition_is_validated() {
    let policy = |partition: &str| {
        orgexit()
            .args([
                "policy",
                "--trust-account",
                "111122223333",
                "--partition",
                partition,
            ])
            .output()
            .unwrap()
    };
    let out = policy("aws-cn");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\"arn:aws-cn:iam::111122223333:root\""),
        "{text}"
    );

    one_line(
        &policy("aws-moon"),
        2,
        "--partition: unknown partition \"aws-moon\": use aws, aws-cn, aws-us-gov",
    );
}

/// The credentials check gets at least 10 s whatever `--timeout` (here 1 s) says for the
/// accounts' calls, so a short timeout never cuts off a healthy answer on a loaded machine;
/// a hanging STS still ends the run, at exactly that floor. Virtual time.
#[tokio::test(start_paused = true)]
async fn the_credentials_check_gets_at_least_ten_seconds() {
    let demo = demo_facts();
    let slow = Replay::builder()
        .latency(std::time::Duration::from_secs(3))
        .build(world(&demo));
    let connection = checked_later(&slow).identify().await;
    assert!(connection.is_ok(), "a 3 s answer passes with --timeout 1");

    let hanging = Replay::builder()
        .rule(Rule::new(Fault::Hang).operation("GetCallerIdentity"))
        .build(world(&demo));
    let started = tokio::time::Instant::now();
    let problem = checked_later(&hanging).identify().await.err().unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= std::time::Duration::from_secs(10)
            && elapsed < std::time::Duration::from_secs(30),
        "{elapsed:?}"
    );
    let CredentialsProblem::Rejected(message) = problem else {
        panic!("a hanging STS is not 'missing credentials'")
    };
    assert!(message.contains("timed out"), "{message}");
}
