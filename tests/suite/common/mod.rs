//! Helpers shared by the test modules that run `orgexit` over the demo customer.
#![allow(dead_code)] // not every helper has a user in every build

mod hanging;
mod replay;
#[allow(unused_imports)] // not every test binary uses it
pub use hanging::HangingServer;
#[allow(unused_imports)] // the CLI tests use none of it
pub use replay::*;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A tool scripts/test.sh installs into ./.venv (tests/moto/requirements.txt).
pub fn venv_tool(name: &str) -> PathBuf {
    let path = repo(".venv/bin").join(name);
    assert!(
        path.is_file(),
        "{} is missing: run the tests with scripts/test.sh (it installs tests/moto/requirements.txt into ./.venv)",
        path.display()
    );
    path
}

pub fn orgexit() -> Command {
    let mut cmd = Command::cargo_bin("orgexit").unwrap();
    // Nothing from the developer's own AWS set-up may leak into these runs.
    cmd.env_remove("AWS_PROFILE")
        .env_remove("RUST_LOG")
        // The table's width is the fallback's (140), whatever the developer's shell says.
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// `orgexit audit` over the demo customer, on a fixed "today" so results are stable.
pub fn demo(args: &[&str]) -> Output {
    demo_command().args(args).output().unwrap()
}

/// The command of [`demo`], to add arguments or environment to.
pub fn demo_command() -> Command {
    let mut cmd = orgexit();
    cmd.args(["audit", "--snapshot"])
        .arg(repo("fixtures/demo.json"))
        .arg("--attestations")
        .arg(repo("fixtures/demo-attestations.toml"))
        .args([
            "--new-org",
            "o-acmenew0001",
            "--target-date",
            "2026-12-07",
            "--today",
            "2026-12-06",
        ]);
    cmd
}

/// `bash -n` and shellcheck accept the script at `path`. Both must be installed (CI
/// installs shellcheck from Debian's packages): a missing tool fails, never skips.
pub fn assert_clean_bash(path: &std::path::Path) {
    let out = std::process::Command::new("bash")
        .arg("-n")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("shellcheck")
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!("shellcheck cannot run ({e}): install it (Debian: apt-get install shellcheck)")
        });
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 on stdout")
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The JSON report of the demo, with extra arguments.
pub fn demo_report(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    json(&demo(&all))
}

/// The reports the format tests cover: both phases, and one with an account that could
/// not be audited (every check `error`).
pub const VARIANTS: &[(&str, &[&str])] = &[
    ("pre", &[]),
    ("post", &["--phase", "post"]),
    (
        "account-error",
        &["--accounts", "444455556666,555566667777"],
    ),
];

/// Replaces the value of every `name="..."` attribute with `[name]`.
pub fn redact_attribute(xml: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&needle) {
        let value_start = start + needle.len();
        let end = rest[value_start..].find('"').expect("closed attribute") + value_start;
        out.push_str(&rest[..value_start]);
        out.push_str(&format!("[{name}]"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces the version orgexit was built with, which changes at every release.
pub fn redact_version(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// Replaces RFC 3339 UTC timestamps (`2026-11-24T09:00:00Z`) with `[timestamp]`.
pub fn redact_timestamps(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        let candidate = bytes.get(i..i + 20);
        let is_stamp = candidate.is_some_and(|c| {
            c.iter().enumerate().all(|(k, b)| match k {
                4 | 7 => *b == b'-',
                10 => *b == b'T',
                13 | 16 => *b == b':',
                19 => *b == b'Z',
                _ => b.is_ascii_digit(),
            })
        });
        if is_stamp {
            out.push_str("[timestamp]");
            i += 20;
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}
