//! The binary run as a user runs it: exit statuses, messages and the JSON contract.

use crate::common;

use common::{demo, json, orgexit, repo};
use serde_json::Value;

fn status<'a>(report: &'a Value, account: &str, check: &str) -> &'a str {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == account)
        .unwrap_or_else(|| panic!("no account {account}"))["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == check)
        .unwrap_or_else(|| panic!("no check {check}"))["status"]
        .as_str()
        .unwrap()
}

#[test]
fn demo_table_names_every_account_and_ends_with_the_summary() {
    let out = demo(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for account in [
        "111122223333",
        "222233334444",
        "333344445555",
        "444455556666",
    ] {
        assert!(text.contains(account), "{account} missing:\n{text}");
    }
    assert!(text.contains("1 of 4 accounts ready"), "{text}");
    assert!(
        !text.contains("\u{1b}["),
        "no colour codes with NO_COLOR or into a pipe"
    );
}

#[test]
fn demo_json_follows_the_contract() {
    let out = demo(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    for field in [
        "schema_version",
        "tool",
        "version",
        "generated_at",
        "phase",
        "reseller",
        "target_date",
        "new_org",
        "ready",
        "summary",
        "accounts",
    ] {
        assert!(report.get(field).is_some(), "missing {field}");
    }
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"], "orgexit");
    assert_eq!(report["phase"], "pre");
    assert_eq!(report["reseller"], "ctl");
    assert_eq!(report["target_date"], "2026-12-07");
    assert_eq!(report["new_org"], "o-acmenew0001");
    assert_eq!(report["ready"], false);
    let summary = &report["summary"];
    assert_eq!(summary["accounts"], 4);
    assert_eq!(summary["ready_accounts"], 1);
    let total: u64 = ["pass", "fail", "warn", "manual", "error", "skipped"]
        .iter()
        .map(|s| summary[s].as_u64().unwrap())
        .sum();
    assert_eq!(total, 4 * 21, "every check for every account");

    let ids: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "accounts sorted by ID");
    for account in report["accounts"].as_array().unwrap() {
        let checks = account["checks"].as_array().unwrap();
        assert_eq!(checks.len(), 21);
        assert_eq!(checks[0]["id"], "org-membership");
        assert_eq!(checks[13]["id"], "root-access-keys");
        assert_eq!(checks[19]["id"], "delegated-admin");
        assert_eq!(
            account["move"]["kind"], "direct",
            "the default with --new-org"
        );
        for check in checks {
            for field in [
                "id",
                "title",
                "severity",
                "status",
                "summary",
                "resources",
                "remediation",
            ] {
                assert!(check.get(field).is_some(), "missing {field} in {check}");
            }
        }
        assert!(account.get("error").is_some());
    }

    // The states of the demo customer.
    assert_eq!(status(&report, "111122223333", "org-invitation"), "pass");
    assert_eq!(
        status(&report, "111122223333", "iam-reseller-roles"),
        "pass",
        "waived"
    );
    assert_eq!(status(&report, "222233334444", "org-invitation"), "warn");
    assert_eq!(status(&report, "222233334444", "billing-contact"), "fail");
    assert_eq!(status(&report, "222233334444", "root-access-keys"), "fail");
    // AWS lists only an INVALID card, but a direct move needs no payment method of its
    // own; the reseller's contact information would stay on the account.
    assert_eq!(status(&report, "222233334444", "payment-method"), "pass");
    assert_eq!(status(&report, "222233334444", "primary-contact"), "fail");
    // Only the reseller's Identity Center roles and doors, and no root password.
    assert_eq!(status(&report, "222233334444", "access-after-move"), "fail");
    assert_eq!(status(&report, "222233334444", "delegated-admin"), "warn");
    assert_eq!(status(&report, "111122223333", "delegated-admin"), "pass");
    assert_eq!(status(&report, "222233334444", "leave-permission"), "fail");
    assert_eq!(status(&report, "111122223333", "leave-permission"), "pass");
    assert_eq!(status(&report, "111122223333", "payment-method"), "pass");
    // The Payments read was denied and nothing is attested, no contact information: a
    // direct move needs neither.
    assert_eq!(status(&report, "333344445555", "payment-method"), "pass");
    assert_eq!(status(&report, "333344445555", "primary-contact"), "pass");
    // Created 2 days before the target date.
    assert_eq!(status(&report, "333344445555", "account-standing"), "fail");
    assert_eq!(
        status(&report, "333344445555", "leave-permission"),
        "skipped"
    );
    assert_eq!(status(&report, "333344445555", "org-invitation"), "error");
    assert_eq!(status(&report, "444455556666", "org-membership"), "warn");
}

#[test]
fn post_phase_turns_leftovers_into_failures() {
    let report = json(&demo(&["--format", "json", "--phase", "post"]));
    assert_eq!(report["phase"], "post");
    assert_eq!(status(&report, "222233334444", "org-membership"), "fail");
    assert_eq!(
        status(&report, "222233334444", "iam-reseller-policies"),
        "fail"
    );
    assert_eq!(status(&report, "222233334444", "iam-federation"), "fail");
    assert_eq!(status(&report, "222233334444", "root-mfa"), "fail");
    // Standalone, but the demo names a new organization it has not joined.
    assert_eq!(status(&report, "444455556666", "org-membership"), "fail");
    assert_eq!(status(&report, "111122223333", "org-invitation"), "skipped");
}

#[test]
fn select_and_skip_narrow_the_checks_and_the_exit_status_follows() {
    let out = demo(&[
        "--format",
        "json",
        "--select",
        "root-access-keys,root-mfa",
        "--accounts",
        "444455556666",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "only passing checks of a clean account"
    );
    let report = json(&out);
    let checks = report["accounts"][0]["checks"].as_array().unwrap();
    assert_eq!(
        checks
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["root-mfa", "root-access-keys"]
    );

    let out = demo(&[
        "--format",
        "json",
        "--select",
        "org-invitation",
        "--accounts",
        "333344445555",
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "error and nothing failing: exit 3"
    );

    let out = demo(&[
        "--format",
        "json",
        "--skip",
        "org-invitation,payment-method,root-credentials",
        "--accounts",
        "444455556666",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json(&out)["accounts"][0]["checks"]
            .as_array()
            .unwrap()
            .len(),
        18
    );
}

#[test]
fn an_account_missing_from_the_snapshot_is_error_not_dropped() {
    let out = demo(&[
        "--format",
        "json",
        "--accounts",
        "444455556666,555566667777",
    ]);
    let report = json(&out);
    let missing = &report["accounts"][1];
    assert_eq!(missing["account_id"], "555566667777");
    assert!(
        missing["error"]
            .as_str()
            .unwrap()
            .contains("not in the snapshot")
    );
    assert!(
        missing["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "error")
    );
    assert_eq!(missing["checks"].as_array().unwrap().len(), 21);
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let out = demo(&["--format", "json", "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report["summary"]["accounts"], 4);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

/// Bad input: exit 2, a message on stderr naming the bad value, nothing on stdout, no panic.
fn assert_usage_error(args: &[&str], names: &str) {
    let out = orgexit().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(names),
        "{args:?}: message should name {names:?}: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?}");
    let first = stderr.lines().next().unwrap_or("");
    assert!(
        first.contains(names) || stderr.lines().count() <= 4,
        "{args:?}: the first line should say it: {stderr}"
    );
}

#[test]
fn bad_input_exits_2_naming_the_value() {
    let fixture = repo("fixtures/demo.json");
    let fixture = fixture.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let malformed_json = write("bad.json", "{\"snapshot_version\": 1, \"accounts\": [");
    let wrong_shape = write(
        "shape.json",
        "{\"snapshot_version\": 1, \"tool\": \"orgexit\", \"version\": \"0\", \"collected_at\": \"x\", \"accounts\": [{\"account_id\": \"123\"}]}",
    );
    let bad_attestations = write(
        "att.toml",
        "[accounts.\"111122223333\"]\nbuckets = \"burn\"\n",
    );
    let bad_reseller = write("reseller.toml", "name = \"acme\"\nmarkers = []\n");
    let accounts_file = write(
        "accounts.txt",
        "# departing\n111122223333\n22223333444x # typo\n",
    );

    assert_usage_error(
        &["audit", "--fixture", fixture, "--accounts", "12345"],
        "\"12345\"",
    );
    assert_usage_error(
        &[
            "audit",
            "--fixture",
            fixture,
            "--accounts",
            "111122223333,abc",
        ],
        "\"abc\"",
    );
    assert_usage_error(
        &[
            "audit",
            "--fixture",
            fixture,
            "--accounts-file",
            &accounts_file,
        ],
        "line 3",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--select", "org-membrship"],
        "\"org-membrship\"",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--skip", "nope"],
        "\"nope\"",
    );
    assert_usage_error(
        &["audit", "--fixture", "/nonexistent/snap.json"],
        "/nonexistent/snap.json",
    );
    assert_usage_error(&["audit", "--fixture", &malformed_json], "bad.json");
    assert_usage_error(&["audit", "--fixture", &wrong_shape], "\"123\"");
    assert_usage_error(
        &[
            "audit",
            "--fixture",
            fixture,
            "--attestations",
            &bad_attestations,
        ],
        "att.toml",
    );
    assert_usage_error(
        &[
            "audit",
            "--fixture",
            fixture,
            "--attestations",
            "/nonexistent/att.toml",
        ],
        "/nonexistent/att.toml",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--reseller", &bad_reseller],
        "markers",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--reseller", "acme"],
        "\"acme\"",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--phase", "during"],
        "during",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--target-date", "12/07/2026"],
        "\"12/07/2026\"",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--new-org", "acme"],
        "\"acme\"",
    );
    assert_usage_error(
        &["audit", "--fixture", fixture, "--reseller-account", "99"],
        "\"99\"",
    );
    assert_usage_error(&["audit", "--fixture", fixture, "--format", "xml"], "xml");
    assert_usage_error(&["audit", "--fixture", fixture, "--concurrency", "0"], "0");
    assert_usage_error(
        &["audit", "--accounts", "111122223333,222233334444"],
        "--role-name",
    );
    assert_usage_error(&["explain", "no-such-check"], "\"no-such-check\"");
    assert_usage_error(&["policy", "--trust-account", "1234"], "\"1234\"");
}

#[test]
fn checks_lists_the_catalog_and_explain_prints_the_doc() {
    let out = orgexit()
        .args(["checks", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 21);
    assert_eq!(list[10]["id"], "iam-federation");
    assert!(
        list[10]["reads"]
            .as_array()
            .unwrap()
            .contains(&Value::from("iam:ListRoles"))
    );

    let out = orgexit()
        .args(["explain", "org-invitation"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for heading in [
        "What it checks",
        "Why it blocks departure",
        "How to fix",
        "15 days",
        "Item kinds",
        "billing-transfer",
    ] {
        assert!(text.contains(heading), "{text}");
    }
    let text = common::stdout(&orgexit().args(["explain", "root-mfa"]).output().unwrap());
    assert!(
        !text.contains("Item kinds"),
        "root-mfa lists no items: {text}"
    );

    // A check that lists items names every kind it can emit.
    let out = orgexit()
        .args(["explain", "iam-federation"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("## Item kinds"), "{text}");
    for kind in [
        "`reseller-trust`",
        "`reseller-provider`",
        "`outside-trust`",
        "`waived`",
    ] {
        assert!(text.contains(kind), "{kind}: {text}");
    }
}

#[test]
fn collect_from_a_fixture_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let out = orgexit()
        .args(["collect", "--fixture"])
        .arg(repo("fixtures/demo.json"))
        .args(["--accounts", "222233334444", "--output"])
        .arg(&snap)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = orgexit()
        .args([
            "audit",
            "--format",
            "json",
            "--today",
            "2026-12-06",
            "--fixture",
        ])
        .arg(&snap)
        .output()
        .unwrap();
    let report = json(&out);
    assert_eq!(report["summary"]["accounts"], 1);
    assert_eq!(status(&report, "222233334444", "billing-contact"), "fail");
    // The fixture's name is kept.
    assert_eq!(report["accounts"][0]["name"], "acme-dev");

    // The accounts file's names are recorded in the snapshot, and an audit of it names the
    // accounts without the file.
    let accounts = dir.path().join("accounts.txt");
    std::fs::write(&accounts, "222233334444  # billing-dev\n").unwrap();
    let out = orgexit()
        .args(["collect", "--fixture"])
        .arg(repo("fixtures/demo.json"))
        .arg("--accounts-file")
        .arg(&accounts)
        .arg("--output")
        .arg(&snap)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    assert_eq!(recorded["accounts"][0]["name"], "billing-dev");
    let out = orgexit()
        .args(["audit", "--today", "2026-12-06", "--snapshot"])
        .arg(&snap)
        .output()
        .unwrap();
    let table = common::stdout(&out);
    assert!(
        table.contains("222233334444 · billing-dev · not ready"),
        "{table}"
    );
}

#[test]
fn also_writes_more_formats_from_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let junit_path = dir.path().join("orgexit.xml");
    let out = demo(&[
        "--format",
        "json",
        "--also",
        &format!("json={}", json_path.display()),
        "--also",
        &format!("junit={}", junit_path.display()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    // The same report as stdout's, and a JUnit file with the same counts.
    assert_eq!(std::fs::read(&json_path).unwrap(), out.stdout);
    let report = json(&out);
    let junit = std::fs::read_to_string(&junit_path).unwrap();
    let failures =
        report["summary"]["fail"].as_u64().unwrap() + report["summary"]["manual"].as_u64().unwrap();
    assert!(
        junit.contains(&format!("failures=\"{failures}\"")),
        "{}",
        &junit[..300.min(junit.len())]
    );
}

#[test]
fn outputs_into_missing_directories_are_refused_before_the_run() {
    for args in [
        vec!["--output", "/nonexistent-dir/report.json"],
        vec!["--also", "json=/nonexistent-dir/report.json"],
    ] {
        let out = demo(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("/nonexistent-dir") && stderr.contains("does not exist"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    for bad in ["json", "xml=report.xml", "json="] {
        let out = demo(&["--also", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("FORMAT=FILE"), "{bad}: {stderr}");
    }
}

#[test]
fn an_output_that_cannot_be_written_does_not_cost_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    // /proc exists but takes no new files: it passes the early check, then fails to write.
    let out = demo(&[
        "--output",
        "/proc/orgexit.txt",
        "--also",
        &format!("json={}", report.display()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/proc/orgexit.txt"), "{stderr}");
    let written: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(written["summary"]["accounts"], 4);
}

#[test]
fn a_run_that_covers_no_account_exits_2_never_ready() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(
        &empty,
        r#"{"snapshot_version": 1, "tool": "orgexit", "version": "0.1.0", "collected_at": "2026-11-24T09:00:00Z", "accounts": []}"#,
    )
    .unwrap();
    let bare = dir.path().join("bare.json");
    std::fs::write(&bare, "[]").unwrap();
    for snapshot in [&empty, &bare] {
        for format in ["table", "json"] {
            let out = orgexit()
                .args(["audit", "--format", format, "--fixture"])
                .arg(snapshot)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert!(out.stdout.is_empty(), "no report: {}", common::stdout(&out));
            assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
            assert!(
                stderr.contains(snapshot.to_str().unwrap()) && stderr.contains("no account"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn the_report_says_which_checks_ran_and_when_the_snapshot_was_collected() {
    let full = json(&demo(&["--format", "json"]));
    assert_eq!(full["selected_checks"].as_array().unwrap().len(), 21);
    assert_eq!(full["snapshot"]["collected_at"], "2026-12-06T09:00:00Z");

    let out = demo(&["--format", "json", "--select", "root-mfa,root-access-keys"]);
    let partial = json(&out);
    assert_eq!(
        partial["selected_checks"],
        serde_json::json!(["root-mfa", "root-access-keys"])
    );

    // The table says both: where the facts came from, and that the audit was partial.
    let table = common::stdout(&demo(&["--select", "root-mfa,root-access-keys"]));
    let second = table.lines().nth(1).unwrap();
    assert_eq!(
        second,
        "facts from the snapshot collected 2026-12-06T09:00:00Z · only 2 of 21 checks: root-mfa, root-access-keys",
        "{table}"
    );
    let markdown = common::stdout(&demo(&[
        "--format",
        "markdown",
        "--select",
        "root-mfa,root-access-keys",
    ]));
    assert!(
        markdown
            .contains("- **Not a full audit:** only 2 of 21 checks: root-mfa, root-access-keys")
            && markdown.contains("- **Facts from:** the snapshot collected 2026-12-06T09:00:00Z"),
        "{markdown}"
    );
    // A full audit does not say "only".
    let table = common::stdout(&demo(&[]));
    assert!(!table.contains("only "), "{table}");
}

#[test]
fn a_snapshot_with_an_unreadable_collection_time_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    let demo = std::fs::read_to_string(repo("fixtures/demo.json")).unwrap();
    std::fs::write(&path, demo.replace("2026-12-06T09:00:00Z", "last tuesday")).unwrap();
    assert_usage_error(
        &["audit", "--fixture", path.to_str().unwrap()],
        "collected_at \"last tuesday\"",
    );
}

/// `--output json` (the AWS CLI's spelling of `--format json`) would write the table to a
/// file named `json` and print nothing: refused, pointing at `--format`, and no file made.
#[test]
fn output_with_a_format_name_is_refused_and_points_at_format() {
    let dir = tempfile::tempdir().unwrap();
    for value in ["json", "JSON", "table", "markdown", "text"] {
        let out = orgexit()
            .current_dir(dir.path())
            .args(["audit", "--fixture"])
            .arg(repo("fixtures/demo.json"))
            .args(["--output", value])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{value}: {stderr}");
        assert!(
            stderr.contains(&format!("--output {value}")) && stderr.contains("--format"),
            "{value}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file written"
    );
    // A file that merely has a format's name with an extension is fine.
    let out = orgexit()
        .current_dir(dir.path())
        .args(["audit", "--fixture"])
        .arg(repo("fixtures/demo.json"))
        .args(["--format", "json", "--output", "json.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.path().join("json.json").is_file());
}

/// `111122223333   # prod` names the account: the table, the JSON report and Markdown
/// show the name beside the ID. A line holding only a comment is a comment; an ID listed
/// again without a name keeps its name; two names for one ID are refused.
#[test]
fn accounts_file_comments_name_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.txt");
    std::fs::write(
        &file,
        "# Acme, departing on 2026-12-07\n111122223333   # prod\n222233334444\t# dev  \n# 333344445555 # retired\n444455556666\n222233334444\n",
    )
    .unwrap();
    let run = |format: &str| {
        demo(&[
            "--format",
            format,
            "--accounts-file",
            file.to_str().unwrap(),
        ])
    };
    let table = common::stdout(&run("table"));
    assert!(table.contains("111122223333 · prod · ready"), "{table}");
    assert!(table.contains("222233334444 · dev · not ready"), "{table}");
    // Not named by the file: the name the snapshot recorded.
    assert!(
        table.contains("444455556666 · acme-sandbox · not ready"),
        "{table}"
    );
    assert!(
        !table.contains("333344445555"),
        "a comment is a comment: {table}"
    );

    let report = common::json(&run("json"));
    let names: Vec<(&str, Option<&str>)> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["account_id"].as_str().unwrap(), a["name"].as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("111122223333", Some("prod")),
            ("222233334444", Some("dev")),
            ("444455556666", Some("acme-sandbox"))
        ]
    );
    // Named neither by a file nor by the snapshot: no name, no field.
    let unnamed = common::demo_report(&["--accounts", "555566667777"]);
    let unnamed = &unnamed["accounts"][0];
    assert!(
        unnamed.get("name").is_none(),
        "no name, no field: {unnamed}"
    );

    let markdown = common::stdout(&run("markdown"));
    assert!(markdown.contains("| 111122223333 (prod) |"), "{markdown}");
    let junit = common::stdout(&run("junit"));
    assert!(
        junit.contains(r#"<property name="account_name" value="prod"/>"#),
        "{junit}"
    );

    std::fs::write(
        &file,
        "111122223333 # prod\n222233334444\n111122223333 # dev\n",
    )
    .unwrap();
    let out = run("table");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .contains("line 3: account 111122223333 is named \"dev\" here but \"prod\" on line 1"),
        "{stderr}"
    );
}

/// `orgexit checks`, `orgexit explain` and docs/reference.md's *Checks* table say the same of
/// what each check reads (the attestation it takes, the AWS actions of its facts), and
/// the severities are explained where the checks are listed.
#[test]
fn checks_explain_and_readme_agree_on_what_each_check_reads() {
    let list: Value = serde_json::from_slice(
        &orgexit()
            .args(["checks", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let readme = std::fs::read_to_string(repo("docs/reference.md")).unwrap();
    let checks_section = readme.split_once("\n## Checks\n").unwrap().1;
    let table = orgexit().arg("checks").output().unwrap();
    let table = common::stdout(&table);
    for severity in ["critical", "high", "medium", "low", "info"] {
        assert!(
            table.contains(&format!("\n  {severity:<8}  ")),
            "`checks` explains {severity}:\n{table}"
        );
        assert!(
            readme.contains(&format!("| `{severity}` |")),
            "docs/reference.md explains {severity}"
        );
    }
    for check in list.as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        let row = checks_section
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("docs/reference.md's Checks table has no row for {id}"));
        let reads_cell = row.split('|').nth(2).unwrap();
        let actions: Vec<&str> = check["reads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for action in &actions {
            let name = action.split_once(':').unwrap().1;
            assert!(
                reads_cell.contains(name),
                "{id}: docs/reference.md's reads ({reads_cell:?}) leaves out {action}"
            );
        }
        let severity = check["severity"].as_str().unwrap();
        let severity_row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{severity}` |")))
            .unwrap();
        assert!(
            severity_row.contains(&format!("`{id}`")),
            "docs/reference.md lists {id} as {severity}: {severity_row}"
        );
        let attestation = check["attestation"].as_str();
        assert_eq!(
            reads_cell.contains("attestation"),
            attestation.is_some(),
            "{id}: docs/reference.md's reads ({reads_cell:?}) and `checks` ({attestation:?}) disagree on the attestation"
        );
        let explain = common::stdout(&orgexit().args(["explain", id]).output().unwrap());
        let reads = explain.split_once("## Reads\n\n").unwrap().1;
        let reads = reads.lines().next().unwrap();
        let expected: Vec<String> = attestation
            .map(|f| format!("attestation ({f})"))
            .into_iter()
            .chain(actions.iter().map(|a| a.to_string()))
            .collect();
        assert_eq!(reads, expected.join(", "), "{id}: explain");
        assert!(
            explain.contains(&format!(
                "## Severity\n\n{}: ",
                check["severity"].as_str().unwrap()
            )),
            "{explain}"
        );
    }
    // The one that disagreed: the payment method is read from the Payments API, else
    // attested; the roles only say whether the reseller created the account.
    let payment = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "payment-method")
        .unwrap();
    assert_eq!(payment["attestation"], "payment_method");
    assert_eq!(
        payment["reads"],
        serde_json::json!(["payments:ListPaymentInstruments", "iam:ListRoles"])
    );
}

#[test]
fn a_bad_leaver_is_a_usage_error_naming_the_value_and_the_expected_form() {
    let fixture = repo("fixtures/demo.json");
    let fixture = fixture.to_str().unwrap();
    for bad in [
        "Admin",
        "group/Admins",
        "role/",
        "role/has space",
        "arn:aws:iam::111122223333:role/Admin",
    ] {
        for command in [
            vec!["audit", "--fixture", fixture, "--leaver", bad],
            vec![
                "collect",
                "--accounts",
                "111122223333",
                "--output",
                "s.json",
                "--leaver",
                bad,
            ],
        ] {
            assert_usage_error(&command, "--leaver: ");
            assert_usage_error(&command, &format!("{bad:?}"));
            assert_usage_error(&command, "role/NAME or user/NAME");
        }
    }
    // A leaver in the attestations is checked the same way, with where it is.
    let dir = tempfile::tempdir().unwrap();
    let attestations = dir.path().join("a.toml");
    std::fs::write(
        &attestations,
        "[accounts.\"111122223333\"]\nleaver = \"arn:aws:iam::999999999999:role/Admin\"\n",
    )
    .unwrap();
    let args = [
        "audit",
        "--fixture",
        fixture,
        "--attestations",
        attestations.to_str().unwrap(),
    ];
    assert_usage_error(&args, "leaver");
    assert_usage_error(&args, "999999999999");
}

#[test]
fn the_leaver_of_every_account_is_overridden_by_an_attestation() {
    // The demo attestations' leaver (role/AcmeAdmin) wins where it is given; elsewhere
    // --leaver applies, and the snapshot holds no simulation for it: error, never pass.
    let out = demo(&["--format", "json", "--leaver", "user/alice"]);
    let report = json(&out);
    assert_eq!(status(&report, "111122223333", "leave-permission"), "pass");
    assert_eq!(status(&report, "222233334444", "leave-permission"), "fail");
    let other = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == "333344445555")
        .unwrap()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "leave-permission")
        .unwrap()
        .clone();
    assert_eq!(other["status"], "error", "{other}");
    assert!(
        other["summary"]
            .as_str()
            .unwrap()
            .contains("not in the snapshot"),
        "{other}"
    );
}

#[test]
fn policy_grants_the_new_reads() {
    let out = orgexit().arg("policy").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for new in [
        "payments:ListPaymentInstruments",
        "account:GetContactInformation",
        "iam:SimulatePrincipalPolicy",
        // Issue 19: account-standing and delegated-admin.
        "account:GetAccountInformation",
        "organizations:ListDelegatedServicesForAccount",
    ] {
        assert!(actions.contains(&new), "{new} not in {actions:?}");
    }
    // ...in every format the command prints.
    for format in ["cloudformation", "terraform"] {
        let out = orgexit()
            .args(["policy", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{format}");
        for new in [
            "account:GetAccountInformation",
            "organizations:ListDelegatedServicesForAccount",
        ] {
            assert!(text.contains(new), "{format}: no {new}");
        }
    }
    let out = orgexit()
        .args(["policy", "--select", "leave-permission"])
        .output()
        .unwrap();
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        policy["Statement"][0]["Action"],
        serde_json::json!(["iam:SimulatePrincipalPolicy"])
    );
}

#[test]
fn an_older_snapshot_without_the_new_facts_loads_and_those_checks_are_error() {
    // The demo as an orgexit from before payment instruments, contact information and
    // the leaver's simulation were read wrote it.
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("fixtures/demo.json")).unwrap())
            .unwrap();
    for account in snapshot["accounts"].as_array_mut().unwrap() {
        let facts = account.as_object_mut().unwrap();
        for newer in ["payment_instruments", "primary_contact", "leave_permission"] {
            facts.remove(newer);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let out = orgexit()
        .args(["audit", "--fixture"])
        .arg(&path)
        .args([
            "--attestations",
            repo("fixtures/demo-attestations.toml").to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the old snapshot still loads");
    let report = json(&out);
    for id in ["111122223333", "222233334444"] {
        for check in ["payment-method", "primary-contact", "leave-permission"] {
            assert_eq!(status(&report, id, check), "error", "{id} {check}");
        }
    }
    let summary = report["accounts"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "payment-method")
        .unwrap()["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("not in the snapshot"), "{summary}");
    // Without a leaver, leave-permission needs no fact: skipped as before.
    assert_eq!(
        status(&report, "333344445555", "leave-permission"),
        "skipped"
    );
    // The checks that read nothing new are as they were.
    assert_eq!(status(&report, "111122223333", "billing-contact"), "pass");
}

/// Issue 19: a snapshot written before orgexit read the account's standing, its
/// delegated services, AcceptHandshake and AccountPasswordPresent still loads; the checks
/// that need them are `error` ("collect it again"), never `pass`.
#[test]
fn a_snapshot_from_before_the_2025_departure_reads_gives_errors_not_passes() {
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("fixtures/demo.json")).unwrap())
            .unwrap();
    for account in snapshot["accounts"].as_array_mut().unwrap() {
        let facts = account.as_object_mut().unwrap();
        facts.remove("account_information");
        facts.remove("delegated_services");
        if let Some(simulation) = facts
            .get_mut("leave_permission")
            .and_then(|l| l.get_mut("ok"))
            .and_then(Value::as_object_mut)
        {
            simulation.remove("accept_handshake");
        }
        if let Some(summary) = facts["account_summary"]["ok"].as_object_mut() {
            summary.remove("account_password_present");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let audit = |extra: &[&str]| {
        let out = orgexit()
            .args(["audit", "--today", "2026-12-06", "--fixture"])
            .arg(&path)
            .args([
                "--attestations",
                repo("fixtures/demo-attestations.toml").to_str().unwrap(),
                "--new-org",
                "o-acmenew0001",
                "--format",
                "json",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "the old snapshot still loads");
        json(&out)
    };
    let report = audit(&[]);
    let summary = |id: &str, check: &str| -> String {
        report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == id)
            .and_then(|a| {
                a["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["id"] == check)
            })
            .map(|c| c["summary"].as_str().unwrap().to_string())
            .unwrap()
    };
    for id in [
        "111122223333",
        "222233334444",
        "333344445555",
        "444455556666",
    ] {
        for check in ["account-standing", "delegated-admin"] {
            assert_eq!(status(&report, id, check), "error", "{id} {check}");
            assert!(
                summary(id, check).contains("collect it again"),
                "{id} {check}"
            );
        }
    }
    // A direct move is judged on AcceptHandshake too, which the old snapshot lacks.
    for id in ["111122223333", "222233334444"] {
        assert_eq!(status(&report, id, "leave-permission"), "error", "{id}");
        assert!(summary(id, "leave-permission").contains("collect it again"));
    }
    // acme-dev: nothing else lets anyone in, and the old snapshot cannot say whether root
    // has a password: not "nobody", not "somebody", an error.
    assert_eq!(
        status(&report, "222233334444", "access-after-move"),
        "error"
    );
    assert!(summary("222233334444", "access-after-move").contains("AccountPasswordPresent"));
    // acme-prod has IAM users and attested root: the missing answer changes nothing.
    assert_eq!(status(&report, "111122223333", "access-after-move"), "pass");

    // Leaving first, LeaveOrganization alone is judged: as before.
    let standalone = audit(&["--move", "standalone"]);
    assert_eq!(
        status(&standalone, "111122223333", "leave-permission"),
        "pass"
    );
    assert_eq!(
        status(&standalone, "222233334444", "leave-permission"),
        "fail"
    );
}

#[test]
fn explain_says_how_to_set_the_contact_and_how_to_get_leave_permission() {
    for (check, says) in [
        ("primary-contact", "aws account put-contact-information"),
        ("leave-permission", "organizations:LeaveOrganization"),
        ("payment-method", "payments:ListPaymentInstruments"),
    ] {
        let out = orgexit().args(["explain", check]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(says), "{check}: {text}");
    }
}

/// Issue 19: the move each account takes. Without --new-org the default is standalone;
/// a direct move names the organization it goes into, or it is refused (exit 2) naming
/// the flag or the attestation; a bad value names what would be right.
#[test]
fn the_move_defaults_follow_new_org_and_a_direct_move_needs_one() {
    let demo = repo("fixtures/demo.json");
    let demo = demo.to_str().unwrap();
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "json",
            "--fixture",
            demo,
        ])
        .output()
        .unwrap();
    let report = json(&out);
    for account in report["accounts"].as_array().unwrap() {
        assert_eq!(account["move"]["kind"], "standalone", "{account}");
        assert_eq!(account["move"]["why"], "default without --new-org");
    }
    assert_eq!(
        status(&report, "222233334444", "payment-method"),
        "fail",
        "leaving first, acme-dev needs a payment method of its own (AWS lists an INVALID card)"
    );

    assert_usage_error(
        &["audit", "--fixture", demo, "--move", "direct"],
        "--move direct: a direct move accepts the invitation of the organization the accounts move into: give it with --new-org",
    );
    assert_usage_error(
        &["audit", "--fixture", demo, "--move", "sideways"],
        "sideways",
    );
    let dir = tempfile::tempdir().unwrap();
    let attestations = dir.path().join("a.toml");
    std::fs::write(
        &attestations,
        "[accounts.\"111122223333\"]\nmove = \"direct\"\n",
    )
    .unwrap();
    let attested = attestations.to_str().unwrap();
    assert_usage_error(
        &["audit", "--fixture", demo, "--attestations", attested],
        "[accounts.\"111122223333\"] move = \"direct\" needs the organization the account moves into",
    );
    std::fs::write(
        &attestations,
        "[accounts.\"111122223333\"]\nmove = \"sideways\"\n",
    )
    .unwrap();
    assert_usage_error(
        &["audit", "--fixture", demo, "--attestations", attested],
        "a.toml",
    );
    // --move overrides the default; the attestation overrides --move, for its account.
    std::fs::write(
        &attestations,
        "[accounts.\"111122223333\"]\nmove = \"standalone\"\n",
    )
    .unwrap();
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "json",
            "--fixture",
            demo,
        ])
        .args([
            "--new-org",
            "o-acmenew0001",
            "--move",
            "direct",
            "--attestations",
            attested,
        ])
        .output()
        .unwrap();
    let report = json(&out);
    let moving = |id: &str| {
        report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == id)
            .unwrap()["move"]
            .clone()
    };
    assert_eq!(
        moving("111122223333"),
        serde_json::json!({"kind": "standalone", "why": "attested (move = \"standalone\")"})
    );
    assert_eq!(
        moving("222233334444"),
        serde_json::json!({"kind": "direct", "why": "--move direct"})
    );
}

/// The snapshot option is `--snapshot` (DESIGN.md), and its old name `--fixture` still
/// works: both give the same report.
#[test]
fn snapshot_is_the_options_name_and_fixture_still_works() {
    let run = |option: &str| {
        let out = orgexit()
            .args(["audit", "--today", "2026-12-06", "--format", "json", option])
            .arg(repo("fixtures/demo.json"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{option}");
        let mut report = json(&out);
        report.as_object_mut().unwrap().remove("generated_at");
        report
    };
    assert_eq!(run("--snapshot"), run("--fixture"));
    let help = common::stdout(&orgexit().args(["audit", "--help"]).output().unwrap());
    assert!(
        help.contains("--snapshot <PATH>") && help.contains("[alias: --fixture]"),
        "{help}"
    );
}

/// `--regions` narrows the regional checks, also over a snapshot: the report states it,
/// and each regional check names the enabled regions it left out. A bad name is exit 2.
#[test]
fn regions_narrow_the_regional_checks_and_the_report_says_so() {
    let report = json(&demo(&[
        "--format",
        "json",
        "--regions",
        "us-east-1",
        "--accounts",
        "111122223333",
    ]));
    assert_eq!(report["regions"], serde_json::json!(["us-east-1"]));
    let checks = report["accounts"][0]["checks"].as_array().unwrap();
    let stacks = checks
        .iter()
        .find(|c| c["id"] == "stackset-stacks")
        .unwrap();
    let summary = stacks["summary"].as_str().unwrap();
    assert!(summary.contains("StackSet CTL-Logging"), "{summary}");
    assert!(!summary.contains("acme-network-baseline"), "{summary}");
    assert!(
        summary
            .contains("3 enabled regions left out by --regions: eu-west-1, us-east-2, us-west-2"),
        "{summary}"
    );
    // Without it, every enabled region, and nothing stated.
    let all = json(&demo(&["--format", "json", "--accounts", "111122223333"]));
    assert!(all.get("regions").is_none());

    for bad in ["EU-West-1", "us-east", ","] {
        let out = demo(&["--regions", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--regions") && err.lines().count() == 1,
            "{bad}: {err}"
        );
    }
}

/// `--version` says the version and the commit it was built from (this checkout's).
#[test]
fn version_names_the_commit() {
    let out = orgexit().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    let commit = String::from_utf8(commit.stdout).unwrap();
    assert_eq!(
        text.trim(),
        format!(
            "orgexit {} (commit {})",
            env!("CARGO_PKG_VERSION"),
            &commit.trim()[..12]
        )
    );
}

/// The demo audited with `--accounts-file FILE` written as `text`, as JSON.
fn audit_listed(name: &str, text: &str) -> (std::process::Output, Option<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "json",
            "--snapshot",
        ])
        .arg(repo("fixtures/demo.json"))
        .arg("--accounts-file")
        .arg(&file)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).ok();
    (out, report)
}

fn audited(report: &Value) -> Vec<(String, Option<String>)> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account_id"].as_str().unwrap().to_string(),
                a["name"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// What `aws organizations list-accounts --output json` prints (the shape of botocore's
/// ListAccounts model, `State` beside the retired `Status`): the ACTIVE accounts are
/// audited with their names, the others left out with a note in the report.
#[test]
fn the_accounts_file_reads_list_accounts_json() {
    let json = r#"{
    "Accounts": [
        {"Id": "111122223333", "Arn": "arn:aws:organizations::999988887777:account/o-ctlreseller1/111122223333",
         "Email": "aws+prod@acme.example", "Name": "acme-prod", "Status": "ACTIVE", "State": "ACTIVE",
         "JoinedMethod": "CREATED", "JoinedTimestamp": "2019-03-04T10:00:00.000000+00:00"},
        {"Id": "222233334444", "Name": "acme-dev", "Status": "ACTIVE"},
        {"Id": "333344445555", "Name": "acme-staging", "Status": "SUSPENDED", "State": "SUSPENDED"},
        {"Id": "444455556666", "Name": "acme-sandbox", "State": "CLOSED"}
    ]
}"#;
    let (out, report) = audit_listed("accounts.json", json);
    let report = report.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        audited(&report),
        [
            ("111122223333".to_string(), Some("acme-prod".to_string())),
            ("222233334444".to_string(), Some("acme-dev".to_string())),
        ]
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("left out 2 accounts that are not ACTIVE: 333344445555 (acme-staging, SUSPENDED), 444455556666 (acme-sandbox, CLOSED)"),
        "{notes}"
    );
}

/// A CSV with an `Id` column, names from `Name`, the state from `State`; quoted cells and
/// a column order of its own.
#[test]
fn the_accounts_file_reads_a_csv_with_an_id_column() {
    let csv = "Name,Email,Id,State\n\"acme-prod, EU\",a@acme.example,111122223333,ACTIVE\nacme-staging,s@acme.example,333344445555,SUSPENDED\n";
    let (out, report) = audit_listed("accounts.csv", csv);
    let report = report.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        audited(&report),
        [(
            "111122223333".to_string(),
            Some("acme-prod, EU".to_string())
        )]
    );
    assert!(
        report["notes"]
            .to_string()
            .contains("333344445555 (acme-staging, SUSPENDED)")
    );

    for (text, says) in [
        (
            "Name,Email\nacme,a@acme.example\n",
            "the CSV has no Id column (its columns: Name, Email)",
        ),
        ("Id,Name\n11112222333,short\n", "line 2"),
        (
            "{\"Accounts\": [{\"Name\": \"no id\"}]}",
            "Accounts[0]: no \"Id\"",
        ),
        ("{\"Accounts\": 3}", "JSON without an \"Accounts\" list"),
    ] {
        let (out, _) = audit_listed("bad.csv", text);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(says), "{text}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// A snapshot reads no AWS: a region for it is refused like a profile is.
#[test]
fn a_region_with_a_snapshot_is_refused() {
    let out = orgexit()
        .args(["audit", "--region", "eu-west-1", "--snapshot"])
        .arg(repo("fixtures/demo.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("drop --role-name/--profile/--region"));
}

/// `[defaults]` attests for every account, an account's own entry wins where it speaks,
/// and `[accounts."*"]` points at `[defaults]`.
#[test]
fn attestation_defaults_apply_to_every_account_and_yield_to_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("attestations.toml");
    std::fs::write(
        &file,
        r#"
[defaults]
root_credentials = { by = "secops@acme.example", on = "2026-11-21" }
buckets = "keep"

[accounts."111122223333"]
buckets = "archive"
"#,
    )
    .unwrap();
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "json",
            "--snapshot",
        ])
        .arg(repo("fixtures/demo.json"))
        .arg("--attestations")
        .arg(&file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for account in report["accounts"].as_array().unwrap() {
        let check = |id: &str| {
            account["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == id)
                .unwrap()
                .clone()
        };
        assert_eq!(check("root-credentials")["status"], "pass", "{account:#}");
        let buckets = check("s3-reseller-buckets");
        if account["account_id"] == "111122223333" {
            assert!(
                buckets["summary"]
                    .as_str()
                    .unwrap()
                    .ends_with("decision attested: archive"),
                "{buckets:#}"
            );
        } else if !buckets["resources"].as_array().unwrap().is_empty() {
            assert!(
                buckets["summary"]
                    .as_str()
                    .unwrap()
                    .ends_with("decision attested: keep"),
                "{buckets:#}"
            );
        }
    }

    std::fs::write(&file, "[accounts.\"*\"]\nbuckets = \"keep\"\n").unwrap();
    let out = orgexit()
        .args(["audit", "--snapshot"])
        .arg(repo("fixtures/demo.json"))
        .arg("--attestations")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("goes in [defaults]"));
}

/// Two outputs into one file are refused before the audit (the second would replace the
/// first without a word), however the two paths are spelled.
#[test]
fn two_outputs_into_one_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.json");
    let spelled_again = dir.path().join(".").join("x.json");
    let out = orgexit()
        .args(["audit", "--format", "json", "--snapshot"])
        .arg(repo("fixtures/demo.json"))
        .arg("--output")
        .arg(&file)
        .arg("--also")
        .arg(format!("junit={}", spelled_again.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--output and --also junit= both write"),
        "{stderr}"
    );
    assert!(!file.exists(), "nothing was written");
}

/// A snapshot from a newer orgexit with a fact this one does not know names both versions.
#[test]
fn a_newer_snapshot_names_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("fixtures/demo.json")).unwrap())
            .unwrap();
    snapshot["version"] = "9.0.0".into();
    snapshot["accounts"][0]["new_fact_v9"] = serde_json::json!({"ok": []});
    let path = dir.path().join("newer.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let out = orgexit()
        .args(["audit", "--snapshot"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "written by orgexit 9.0.0, and this is orgexit {}",
            env!("CARGO_PKG_VERSION")
        )) && stderr.contains("new_fact_v9"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// One day is "1 day".
#[test]
fn one_day_is_singular() {
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "json",
            "--accounts",
            "333344445555",
            "--snapshot",
        ])
        .arg(repo("fixtures/demo.json"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let standing = report["accounts"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "account-standing")
        .unwrap()["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        standing.contains("(1 day before today (2026-12-06))"),
        "{standing}"
    );
}

/// README's *When the reseller pays through a billing transfer* runs as printed, with no
/// AWS account: the management account fails billing-transfer, naming the reseller's
/// transfer, and its own organization passes org-membership; `explain` prints the doc.
#[test]
fn the_readme_billing_transfer_example_runs_as_printed() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let block = readme
        .split("```sh billing-transfer\n")
        .nth(1)
        .expect("README has a ```sh billing-transfer block")
        .split("\n```\n")
        .next()
        .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("orgexit");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines.len(), 2, "{block}");
    let run = |line: &str| {
        std::process::Command::new("bash")
            .args(["-c", line])
            .current_dir(repo("."))
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200")
            .output()
            .unwrap()
    };
    let audit = run(lines[0]);
    assert_eq!(
        audit.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    let table = common::stdout(&audit);
    let row = table
        .lines()
        .find(|l| l.starts_with("│ billing-transfer"))
        .unwrap_or_else(|| panic!("no billing-transfer row:\n{table}"));
    assert!(row.contains("┆ fail "), "{row}");
    assert!(table.contains("rt-acmebill0001"), "{table}");
    assert!(
        table.contains("111122223333 · acme-management · not ready"),
        "{table}"
    );
    let json = common::json(&run(&format!("{} --format json", lines[0])));
    let status = |account: &str, check: &str| {
        json["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == account)
            .unwrap()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == check)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("111122223333", "org-membership"), "pass");
    assert_eq!(status("444455556666", "org-membership"), "pass");
    assert_eq!(status("444455556666", "billing-transfer"), "skipped");
    assert_eq!(
        json["accounts"][0]["organization"]["owner"], "own",
        "{}",
        json["accounts"][0]
    );
    let explain = run(lines[1]);
    assert_eq!(explain.status.code(), Some(0));
    assert!(common::stdout(&explain).contains("billing-transfer"));
}
