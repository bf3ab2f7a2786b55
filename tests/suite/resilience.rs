//! Faults at the process level: endpoints that hang or refuse, Ctrl-C in the middle of a
//! run, and secrets that must never reach the logs or the report.

use crate::common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::HangingServer;

use serde_json::Value;

const SECRET_KEY: &str = "SeCrEtKeYdoNotLeak0123456789abcdefghijKL";
const SESSION_TOKEN: &str = "SeSsIoNtOkEnDoNoTlEaK9876543210";

/// A port nothing listens on.
fn refused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn orgexit(port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orgexit"));
    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-aws-config");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "AKIAORGEXITTEST00001")
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the report was written")).unwrap()
}

fn all_checks(report: &Value) -> Vec<&Value> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["checks"].as_array().unwrap())
        .collect()
}

#[test]
fn ctrl_c_keeps_the_report_and_marks_the_rest_interrupted() {
    let server = HangingServer::knowing_the_caller();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let child = orgexit(server.port)
        .args([
            "audit",
            "--accounts",
            "111111111111,222222222222",
            "--role-name",
            "OrgExitAudit",
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .spawn()
        .unwrap();
    // Wait until both accounts' AssumeRole calls are in flight (and hanging). orgexit
    // listens for signals before it starts any account, so from the first connection on
    // the SIGINT below is handled, however slowly the machine runs.
    let started = Instant::now();
    while server.hung() < 2 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.hung() >= 1, "orgexit never called AssumeRole");
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let report = report(&out);
    assert_eq!(report["summary"]["accounts"], 2);
    for account in report["accounts"].as_array().unwrap() {
        assert!(
            account["error"].as_str().unwrap().contains("interrupted"),
            "{account}"
        );
    }
    assert!(all_checks(&report).iter().all(|c| c["status"] == "error"));
}

#[test]
fn a_hanging_sts_is_one_error_for_the_run() {
    let server = HangingServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = orgexit(server.port)
        .args([
            "audit",
            "--accounts",
            "111111111111",
            "--timeout",
            "1",
            "--max-attempts",
            "2",
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    // The base credentials are checked with GetCallerIdentity, which hangs: one line.
    assert!(
        stderr.contains("sts:GetCallerIdentity") && stderr.contains("timed out"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.exists(), "no report: nothing was audited");
}

#[test]
fn a_hanging_assume_role_makes_every_check_of_the_account_error() {
    // The account cannot be reached: every check, attestation-based ones too, is `error`.
    let server = HangingServer::knowing_the_caller();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = orgexit(server.port)
        .args([
            "audit",
            "--accounts",
            "111111111111",
            "--role-name",
            "R",
            "--timeout",
            "1",
            "--max-attempts",
            "1",
        ])
        .args(["--format", "json", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = report(&out);
    let account = &report["accounts"][0];
    assert!(
        account["error"]
            .as_str()
            .unwrap()
            .contains("sts:AssumeRole"),
        "{account}"
    );
    assert!(
        account["error"].as_str().unwrap().contains("timed out"),
        "{account}"
    );
    assert!(
        all_checks(&report).iter().all(|c| c["status"] == "error"),
        "{report}"
    );
}

#[test]
fn connection_refused_is_one_error_for_the_run_with_the_cause() {
    // Nothing answers: the base credentials cannot be checked, which is said once, not
    // as an error in every check of every account.
    let port = refused_port();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output: Output = orgexit(port)
        .args([
            "audit",
            "--accounts",
            "111111111111,222222222222",
            "--role-name",
            "R",
            "--max-attempts",
            "1",
        ])
        .args(["--format", "json", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot check the base credentials with AWS STS")
            && stderr.contains("connection failed")
            && stderr.contains("AWS_ENDPOINT_URL"),
        "{stderr}"
    );
    assert!(!out.exists(), "no report: nothing was audited");
}

#[test]
fn secrets_never_reach_logs_or_reports() {
    let server = HangingServer::knowing_the_caller();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = orgexit(server.port)
        .env("RUST_LOG", "trace")
        .args([
            "-vv",
            "audit",
            "--accounts",
            "111111111111",
            "--role-name",
            "R",
            "--timeout",
            "1",
            "--max-attempts",
            "1",
        ])
        .args(["--format", "json", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.len() > 1000,
        "trace logging produced output to inspect"
    );
    let report_text = std::fs::read_to_string(&out).unwrap();
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(!stderr.contains(secret), "a secret reached the logs");
        assert!(!report_text.contains(secret), "a secret reached the report");
    }
}
