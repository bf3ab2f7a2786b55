//! `orgexit attest --init` and `--check`, as a user runs them: the skeleton covers every
//! account, checks clean, loads in `audit` and attests nothing; a filled-in line counts;
//! every kind of mistake exits 2 naming the file, the account and what would be right.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{json, orgexit, repo};
use serde_json::Value;

/// The demo snapshot's accounts.
const DEMO: [&str; 4] = [
    "111122223333",
    "222233334444",
    "333344445555",
    "444455556666",
];

fn accounts_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("accounts.txt");
    let mut text = String::from("# Acme, departing\n");
    for (id, name) in DEMO.iter().zip(["prod", "dev", "data", "sandbox"]) {
        text.push_str(&format!("{id}   # {name}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// `attest --init` into attestations.toml.
const INIT_TO_FILE: &[&str] = &[
    "--init",
    "--accounts-file",
    "accounts.txt",
    "--output",
    "attestations.toml",
];

fn attest(args: &[&str], dir: &Path) -> Output {
    orgexit()
        .current_dir(dir)
        .arg("attest")
        .args(args)
        .output()
        .unwrap()
}

/// The demo audited with these attestations, as JSON.
fn audit_with(attestations: &Path) -> (Output, Value) {
    let out = orgexit()
        .args(["audit", "--fixture"])
        .arg(repo("fixtures/demo.json"))
        .arg("--attestations")
        .arg(attestations)
        .args(["--today", "2026-11-24", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out);
    (out, report)
}

fn statuses_of(report: &Value, check: &str) -> Vec<String> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let c = a["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == check)
                .unwrap();
            c["status"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn the_skeleton_checks_clean_loads_in_audit_and_attests_nothing() {
    let dir = tempfile::tempdir().unwrap();
    accounts_file(dir.path());
    let printed = attest(&["--init", "--accounts-file", "accounts.txt"], dir.path());
    assert_eq!(printed.status.code(), Some(0));
    let out = attest(INIT_TO_FILE, dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let skeleton = std::fs::read_to_string(dir.path().join("attestations.toml")).unwrap();
    assert_eq!(
        skeleton.as_bytes(),
        printed.stdout,
        "--output writes what stdout shows"
    );
    // Each account's table, headed with the accounts file's name for it.
    for (id, name) in DEMO.iter().zip(["prod", "dev", "data", "sandbox"]) {
        assert!(
            skeleton.contains(&format!(
                "\n[accounts.\"{id}\"]  # {name}\n# payment_method = "
            )),
            "{skeleton}"
        );
    }
    for field in ["payment_method", "root_credentials", "buckets", "keep"] {
        assert_eq!(skeleton.matches(&format!("\n# {field} = ")).count(), 4);
        assert!(
            skeleton.contains(&format!("\n#   {field}: ")),
            "{field} explained"
        );
    }

    let check = attest(
        &[
            "--check",
            "attestations.toml",
            "--accounts-file",
            "accounts.txt",
        ],
        dir.path(),
    );
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let said = String::from_utf8(check.stdout).unwrap();
    assert!(said.starts_with("attestations.toml: valid for the 4 listed accounts\n"));
    assert_eq!(said.matches("nothing attested yet").count(), 4, "{said}");

    let (out, report) = audit_with(&dir.path().join("attestations.toml"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report["notes"], serde_json::json!([]), "no stray account");
    assert_eq!(statuses_of(&report, "root-credentials"), ["manual"; 4]);
    // The skeleton attests nothing: every check reads as with an empty attestations file
    // (payment-method's passes are AWS's evidence, not an attestation).
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let (_, bare) = audit_with(&empty);
    for check in [
        "payment-method",
        "root-credentials",
        "s3-reseller-buckets",
        "leave-permission",
    ] {
        assert_eq!(
            statuses_of(&report, check),
            statuses_of(&bare, check),
            "{check}"
        );
    }
    assert!(statuses_of(&bare, "payment-method").contains(&"manual".to_string()));
}

#[test]
fn a_filled_in_line_is_checked_and_counts_in_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    accounts_file(dir.path());
    let skeleton = attest(&["--init", "--accounts-file", "accounts.txt"], dir.path()).stdout;
    let filled = String::from_utf8(skeleton).unwrap().replacen(
        "# root_credentials = { by = \"\", on = \"YYYY-MM-DD\" }",
        "root_credentials = { by = \"secops@example.com\", on = \"2026-11-21\" }",
        1,
    );
    std::fs::write(dir.path().join("a.toml"), filled).unwrap();
    let check = attest(
        &["--check", "a.toml", "--accounts-file", "accounts.txt"],
        dir.path(),
    );
    assert_eq!(check.status.code(), Some(0));
    let said = String::from_utf8(check.stdout).unwrap();
    assert!(
        said.contains("  111122223333  root_credentials by secops@example.com on 2026-11-21\n"),
        "{said}"
    );
    let (_, report) = audit_with(&dir.path().join("a.toml"));
    assert_eq!(
        statuses_of(&report, "root-credentials"),
        ["pass", "manual", "manual", "manual"]
    );
}

#[test]
fn mistakes_exit_2_each_named_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    accounts_file(dir.path());
    let skeleton = String::from_utf8(
        attest(&["--init", "--accounts-file", "accounts.txt"], dir.path()).stdout,
    )
    .unwrap();
    // (what, the file, what stderr says, in how many lines)
    let cases: [(&str, String, &[&str], usize); 5] = [
        (
            "unknown field",
            skeleton.replacen(
                "# buckets = \"keep|archive|delete\"",
                "bucket = \"keep\"",
                1,
            ),
            &["a.toml, line", "unknown field `bucket`, expected one of"],
            1,
        ),
        (
            "bad value",
            skeleton.replacen(
                "# buckets = \"keep|archive|delete\"",
                "buckets = \"burn\"",
                1,
            ),
            &[
                "a.toml, line",
                "unknown variant `burn`, expected one of `keep`, `archive`, `delete`",
            ],
            1,
        ),
        (
            "a blank uncommented",
            skeleton.replacen("# payment_method = ", "payment_method = ", 1),
            &["payment_method.on: `by` must name who attests"],
            1,
        ),
        (
            "an account not in the list, and a listed one missing",
            skeleton.replacen(
                "[accounts.\"222233334444\"]",
                "[accounts.\"222233334445\"]",
                1,
            ),
            &[
                "orgexit: error: attestations file a.toml: [accounts.\"222233334445\"] is not in the account list: a typo, or an account to add to the list\n",
                "orgexit: error: attestations file a.toml: no [accounts.\"222233334444\"] table for a listed account: add one (orgexit attest --init writes one per account)\n",
            ],
            2,
        ),
        (
            "not an account ID",
            skeleton.replacen(
                "[accounts.\"222233334444\"]",
                "[accounts.\"2222-3333-4444\"]",
                1,
            ),
            &[
                "invalid account ID \"2222-3333-4444\": an AWS account ID is exactly 12 digits",
                "no [accounts.\"222233334444\"] table for a listed account",
            ],
            2,
        ),
    ];
    for (what, text, expected, lines) in cases {
        assert_ne!(text, skeleton, "{what}: the case changes the skeleton");
        std::fs::write(dir.path().join("a.toml"), text).unwrap();
        let out = attest(
            &["--check", "a.toml", "--accounts-file", "accounts.txt"],
            dir.path(),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(out.stdout.is_empty(), "{what}");
        for line in expected {
            assert!(stderr.contains(line), "{what}: {line:?} in {stderr}");
        }
        assert_eq!(stderr.lines().count(), lines, "{what}: {stderr}");
    }
}

#[test]
fn init_never_overwrites_and_needs_accounts() {
    let dir = tempfile::tempdir().unwrap();
    accounts_file(dir.path());
    std::fs::write(
        dir.path().join("attestations.toml"),
        "# filled in by hand\n",
    )
    .unwrap();
    let out = attest(INIT_TO_FILE, dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "--output attestations.toml: the file exists, and attest --init never overwrites one"
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("attestations.toml")).unwrap(),
        "# filled in by hand\n"
    );

    let none = attest(&["--init"], dir.path());
    assert_eq!(none.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&none.stderr)
            .contains("no account: give --accounts-file FILE (or --accounts ID,...)")
    );
    let neither = attest(&["--accounts-file", "accounts.txt"], dir.path());
    assert_eq!(neither.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&neither.stderr).contains("<--init|--check <FILE>>"));
}

/// `attest --check` says every field an account attests: the leaver, the move and the
/// delegated-administrator statement too.
#[test]
fn check_says_the_leaver_the_move_and_delegated_admin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "[accounts.\"111122223333\"]\nleaver = \"role/AcmeAdmin\"\nmove = \"standalone\"\ndelegated_admin = false\n",
    )
    .unwrap();
    let out = attest(
        &["--check", "a.toml", "--accounts", "111122223333"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains(
            "111122223333  leaver role/AcmeAdmin; move standalone; delegated_admin = false\n"
        ),
        "{said}"
    );
}

/// `attest --check` says every problem of a file in one run, each with its line: here a
/// bad value, an unknown field and an ID that is not one, in three tables.
#[test]
fn check_reports_every_problem_in_one_run_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    accounts_file(dir.path());
    let [prod, dev, data, sandbox] = DEMO;
    std::fs::write(
        dir.path().join("attestations.toml"),
        format!(
            "[accounts.\"{prod}\"]\nbuckets = \"burn\"\n\n[accounts.\"{dev}\"]\ncolour = \"blue\"\n\n[accounts.\"{data}\"]\n[accounts.\"{sandbox}\"]\n[accounts.\"12345\"]\n"
        ),
    )
    .unwrap();
    let out = attest(
        &[
            "--check",
            "attestations.toml",
            "--accounts-file",
            "accounts.txt",
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let has = |says: &str| lines.iter().any(|l| l.contains(says));
    assert!(
        has(&format!(
            "line 1: [accounts.\"{prod}\"]: unknown variant `burn`"
        )),
        "{stderr}"
    );
    assert!(
        has(&format!(
            "line 4: [accounts.\"{dev}\"] (line 5): unknown field `colour`"
        )),
        "{stderr}"
    );
    assert!(
        has("line 9: [accounts.\"12345\"]: invalid account ID \"12345\""),
        "{stderr}"
    );
    assert!(
        lines.len() >= 3 && lines.iter().all(|l| l.starts_with("orgexit: error: ")),
        "{stderr}"
    );
}
