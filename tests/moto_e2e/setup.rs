//! The AWS CLI's habits against moto: `--endpoint-url` and `--debug`.

use super::*;

/// Refused at once: anything sent there is a test failure, not a hang.
const NOWHERE: &str = "http://127.0.0.1:1";

#[test]
fn endpoint_url_reaches_moto_without_the_environment_and_wins_over_it() {
    let moto = Seeded::new(false);
    let out = moto
        .orgexit()
        .env_remove("AWS_ENDPOINT_URL")
        // What --endpoint-url must win over, as the AWS CLI's flag does.
        .env("AWS_ENDPOINT_URL_IAM", NOWHERE)
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", NOWHERE)
        .args(["audit", "--accounts", &moto.accounts(), "--role-name", ROLE])
        .args(["--reseller-account", RESELLER, "--format", "json"])
        .args(["--endpoint-url", &moto.moto.endpoint()])
        .output()
        .unwrap();
    let via_flag = report(&out, &moto.moto);
    assert_consistent(&via_flag, 3, CATALOG);
    expect(
        &via_flag,
        &moto.dirty,
        &[
            ("org-membership", "pass"),
            ("iam-reseller-roles", "warn"),
            ("s3-reseller-buckets", "warn"),
        ],
    );
    assert!(
        resources(&via_flag, &moto.dirty, "iam-reseller-roles")
            .iter()
            .any(|r| r.contains("CTL")),
        "the roles were read from moto"
    );
    assert_eq!(out.status.code(), Some(1));

    // Without it, and without AWS_ENDPOINT_URL, the same run goes where the environment
    // says: the refused endpoints make those reads error (exit 3 for a clean selection).
    let out = moto
        .orgexit()
        .env("AWS_ENDPOINT_URL", moto.moto.endpoint())
        .env("AWS_ENDPOINT_URL_IAM", NOWHERE)
        .args(["audit", "--accounts", &moto.clean, "--role-name", ROLE])
        .args(["--select", "iam-reseller-roles", "--format", "json"])
        .args(["--max-attempts", "1"])
        .output()
        .unwrap();
    let via_environment = report(&out, &moto.moto);
    expect(
        &via_environment,
        &moto.clean,
        &[("iam-reseller-roles", "error")],
    );
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn a_bad_endpoint_url_exits_2_naming_it_before_any_call() {
    for (url, why) in [
        ("127.0.0.1:5000", "it must start with http:// or https://"),
        ("http://", "no host"),
        ("https://host name", "not a host name or address"),
        (
            "http://localhost:0",
            "the port must be a number from 1 to 65535",
        ),
    ] {
        let out = Command::cargo_bin("orgexit")
            .unwrap()
            .args(["audit", "--accounts", STRANGER, "--endpoint-url", url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            format!(
                "orgexit: error: --endpoint-url: {url:?} is not an endpoint URL ({why}): give one like https://host[:port], e.g. http://127.0.0.1:5000"
            )
        );
    }
}

#[test]
fn debug_logs_every_request_as_the_aws_cli_does_and_no_secret() {
    let moto = Seeded::new(false);
    let secret = "orgexit-test-secret-never-logged";
    let run = |flag: Option<&str>| {
        let mut cmd = moto.orgexit();
        cmd.env("AWS_SECRET_ACCESS_KEY", secret);
        if let Some(flag) = flag {
            cmd.arg(flag);
        }
        cmd.args(["audit", "--accounts", &moto.clean, "--role-name", ROLE])
            .args(["--select", "iam-reseller-roles", "--format", "json"])
            .output()
            .unwrap()
    };
    let quiet = run(None);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );

    let debug = run(Some("--debug"));
    assert_eq!(debug.status.code(), Some(0));
    let log = String::from_utf8_lossy(&debug.stderr);
    let debug_lines = log.lines().filter(|l| l.contains(" DEBUG ")).count();
    assert!(debug_lines > 10, "the SDK's debug log: {log}");
    for operation in ["GetCallerIdentity", "AssumeRole", "ListRoles"] {
        assert!(log.contains(operation), "{operation} is logged: {log}");
    }
    assert!(
        log.contains(&moto.moto.endpoint()),
        "the endpoint is logged"
    );
    assert!(!log.contains(secret), "no secret in the log");
    assert_eq!(
        report(&debug, &moto.moto)["accounts"],
        report(&quiet, &moto.moto)["accounts"],
        "logging changes no verdict"
    );

    let conflict = Command::cargo_bin("orgexit")
        .unwrap()
        .args(["--debug", "--quiet", "checks"])
        .output()
        .unwrap();
    assert_eq!(conflict.status.code(), Some(2));
}
