//! The report formats over the demo customer: golden snapshots of every format, and the
//! JUnit XML read back and checked against the JSON report it was made from.

use crate::common;

use common::*;
use serde_json::Value;

fn snapshot_name(format: &str, variant: &str) -> String {
    format!("{format}_{variant}")
}

#[test]
fn table_snapshots() {
    for (variant, args) in VARIANTS {
        let out = demo(args);
        assert!(matches!(out.status.code(), Some(1)), "{variant}");
        insta::assert_snapshot!(
            snapshot_name("table", variant),
            redact_version(&stdout(&out))
        );
    }
}

#[test]
fn json_snapshots() {
    for (variant, args) in VARIANTS {
        let report = demo_report(args);
        insta::assert_json_snapshot!(snapshot_name("json", variant), report, {
            ".generated_at" => "[generated_at]",
            ".version" => "[version]",
        });
    }
}

#[test]
fn junit_snapshots() {
    for (variant, args) in VARIANTS {
        let out = demo(&[&["--format", "junit"], *args].concat());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{variant}: the exit status is the gate"
        );
        let xml = redact_attribute(&redact_attribute(&stdout(&out), "timestamp"), "time");
        insta::assert_snapshot!(snapshot_name("junit", variant), xml);
    }
}

#[test]
fn markdown_snapshots() {
    for (variant, args) in VARIANTS {
        let out = demo(&[&["--format", "markdown"], *args].concat());
        assert_eq!(out.status.code(), Some(1), "{variant}");
        insta::assert_snapshot!(
            snapshot_name("markdown", variant),
            redact_timestamps(&redact_version(&stdout(&out)))
        );
    }
}

/// Counts of one `<testsuites>` or `<testsuite>` element's attribute.
fn count(node: roxmltree::Node<'_, '_>, attribute: &str) -> u64 {
    node.attribute(attribute)
        .unwrap_or_else(|| panic!("<{}> has no {attribute}", node.tag_name().name()))
        .parse()
        .unwrap()
}

fn n(value: &Value, field: &str) -> u64 {
    value[field].as_u64().unwrap()
}

#[test]
fn junit_counts_match_the_json_summary() {
    for (variant, args) in VARIANTS {
        let report = demo_report(args);
        let xml = stdout(&demo(&[&["--format", "junit"], *args].concat()));
        let doc = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("{variant}: not XML ({e}):\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");

        let summary = &report["summary"];
        let checks: u64 = ["pass", "fail", "warn", "manual", "error", "skipped"]
            .iter()
            .map(|s| n(summary, s))
            .sum();
        assert_eq!(count(root, "tests"), checks, "{variant}: tests");
        assert_eq!(
            count(root, "failures"),
            n(summary, "fail") + n(summary, "manual"),
            "{variant}: fail and manual are failures"
        );
        assert_eq!(count(root, "errors"), n(summary, "error"), "{variant}");
        assert_eq!(count(root, "skipped"), n(summary, "skipped"), "{variant}");

        let suites: Vec<_> = root
            .children()
            .filter(|c| c.has_tag_name("testsuite"))
            .collect();
        let accounts = report["accounts"].as_array().unwrap();
        assert_eq!(
            suites.len(),
            accounts.len(),
            "{variant}: a suite per account"
        );
        for (suite, account) in suites.iter().zip(accounts) {
            let id = account["account_id"].as_str().unwrap();
            let suite_name = match account["name"].as_str() {
                Some(name) => format!("{id} ({name})"),
                None => id.to_string(),
            };
            assert_eq!(suite.attribute("name"), Some(suite_name.as_str()));
            let cases: Vec<_> = suite
                .children()
                .filter(|c| c.has_tag_name("testcase"))
                .collect();
            let checks = account["checks"].as_array().unwrap();
            assert_eq!(cases.len(), checks.len(), "{variant} {id}");
            assert_eq!(count(*suite, "tests"), checks.len() as u64);
            for (case, check) in cases.iter().zip(checks) {
                let check_id = check["id"].as_str().unwrap();
                assert_eq!(case.attribute("name"), Some(check_id));
                assert_eq!(
                    case.attribute("classname"),
                    Some(format!("orgexit.{id}").as_str())
                );
                let child = |tag: &str| case.children().find(|c| c.has_tag_name(tag));
                let summary = check["summary"].as_str().unwrap();
                match check["status"].as_str().unwrap() {
                    "fail" | "manual" => {
                        let failure = child("failure").expect("a failure");
                        assert_eq!(failure.attribute("message"), Some(summary));
                        let text = failure.text().unwrap_or_default();
                        for resource in check["resources"].as_array().unwrap() {
                            assert!(text.contains(resource.as_str().unwrap()), "{text}");
                        }
                        assert!(
                            text.contains(check["remediation"].as_str().unwrap()),
                            "{text}"
                        );
                    }
                    "error" => {
                        let error = child("error").expect("an error");
                        assert_eq!(error.attribute("message"), Some(summary));
                    }
                    "skipped" => assert!(child("skipped").is_some()),
                    "warn" => {
                        let out = child("system-out").expect("the warning in system-out");
                        assert!(out.text().unwrap_or_default().contains(summary));
                        assert!(child("failure").is_none() && child("error").is_none());
                    }
                    "pass" => assert!(
                        case.children().all(|c| !c.is_element()),
                        "{variant} {id} {check_id}: a pass is an empty testcase"
                    ),
                    other => panic!("unknown status {other}"),
                }
            }
        }
    }
}

#[test]
fn markdown_tables_keep_their_columns_and_many_accounts_get_a_row_each() {
    // Few accounts: a column per account.
    let text = stdout(&demo(&["--format", "markdown"]));
    let unescaped_pipes = |line: &str| {
        let mut n = 0;
        let mut previous = ' ';
        for c in line.chars() {
            if c == '|' && previous != '\\' {
                n += 1;
            }
            previous = c;
        }
        n
    };
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        rows.len(),
        2 + 2 + 21,
        "header, rule, ready, move, a row per check"
    );
    assert!(rows.iter().all(|r| unescaped_pipes(r) == 6), "{text}");
    assert!(
        text.lines().next().unwrap().starts_with("# "),
        "a title line"
    );
    assert!(text.contains("## Blocking findings"));

    // More accounts than fit as columns: a row per account. The snapshot has four; ask
    // for eight (four of them absent from it, so error) to cross the threshold.
    let text = stdout(&demo(&[
        "--format",
        "markdown",
        "--accounts",
        "111122223333,222233334444,333344445555,444455556666,900000000001,900000000002,900000000003,900000000004",
    ]));
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 2 + 8, "{text}");
    assert!(rows[0].starts_with("| Account | Ready |"), "{text}");
    assert!(rows.iter().all(|r| unescaped_pipes(r) == 9), "{text}");
    assert!(
        text.contains("- **900000000001** · the account could not be audited"),
        "{text}"
    );
}

/// The lines of a table's boxes, split into their cells' text.
fn cells(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// Every check ID of the catalog.
fn check_ids() -> Vec<&'static str> {
    orgexit::checks::CHECKS.iter().map(|c| c.id()).collect()
}

/// A check ID broken across lines leaves a cell holding a piece of it.
fn assert_no_broken_check_id(text: &str) {
    for row in cells(text) {
        for cell in row {
            let broken = check_ids()
                .iter()
                .any(|id| cell.len() >= 3 && id.starts_with(&cell) && *id != cell);
            assert!(!broken, "{cell:?} is a piece of a check ID:\n{text}");
            // Head and tail of a broken ID (8 or more characters) cannot both be shorter
            // than 3: a summary line of one short word ("in") is no piece of one.
            let tail = check_ids().iter().any(|id| {
                cell.len() >= 3
                    && id.ends_with(&cell)
                    && *id != cell
                    && !id.ends_with(&format!("-{cell}"))
            });
            assert!(!tail, "{cell:?} is the end of a broken check ID:\n{text}");
        }
    }
}

#[test]
fn folded_table_at_80_and_60_columns() {
    let report = demo_report(&[]);
    let folded: Vec<(String, String)> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["checks"].as_array().unwrap())
        .filter(|c| ["pass", "skipped"].contains(&c["status"].as_str().unwrap()))
        .map(|c| (c["id"].to_string(), c["status"].to_string()))
        .collect();
    assert!(!folded.is_empty(), "the demo has passing checks to fold");
    for columns in [80, 60] {
        let out = demo_command()
            .env("COLUMNS", columns.to_string())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = redact_version(&stdout(&out));
        for line in text.lines().filter(|l| !l.starts_with("Note: ")) {
            assert!(
                line.chars().count() <= columns,
                "{columns} columns: {line:?} is wider"
            );
        }
        assert_no_broken_check_id(&text);
        // No row for a passing or skipped check: they are counted on the account's line.
        for row in cells(&text) {
            assert!(
                !row.iter().any(|c| c == "pass" || c == "skipped"),
                "{columns} columns: a pass row {row:?}"
            );
        }
        assert!(
            text.contains("111122223333 · acme-prod · ready · 15 checks pass, 1 skipped\n"),
            "{text}"
        );
        assert!(text.contains("--all shows every check"), "{text}");
        insta::assert_snapshot!(format!("table_{columns}_columns"), text);
    }
}

/// COLUMNS that is not a positive number is ignored: the table keeps its default width.
#[test]
fn unusable_columns_fall_back_to_the_default_width() {
    let default = stdout(&demo(&[]));
    assert!(
        default.lines().any(|l| l.chars().count() == 140),
        "the default fills 140 columns:\n{default}"
    );
    for columns in ["abc", "0", "-80", ""] {
        let out = demo_command().env("COLUMNS", columns).output().unwrap();
        assert_eq!(stdout(&out), default, "COLUMNS={columns:?}");
    }
}

#[test]
fn all_shows_every_check() {
    let text = redact_version(&stdout(&demo(&["--all"])));
    let rows = cells(&text);
    let report = demo_report(&[]);
    let checks: usize = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["checks"].as_array().unwrap().len())
        .sum();
    let status_cells = rows
        .iter()
        .filter(|r| r.len() == 3 && check_ids().contains(&r[0].as_str()))
        .count();
    assert_eq!(
        status_cells, checks,
        "a row per check of every account:\n{text}"
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.get(1).is_some_and(|s| s == "pass"))
            .count(),
        report["summary"]["pass"].as_u64().unwrap() as usize
    );
    assert!(!text.contains("--all shows"), "nothing folded: {text}");
    assert_no_broken_check_id(&text);
    insta::assert_snapshot!("table_all", text);
}

#[test]
fn many_accounts_roll_up_per_check_and_list_only_those_not_ready() {
    // Eight accounts (four absent from the snapshot, so error) cross the threshold of 5.
    let accounts = "111122223333,222233334444,333344445555,444455556666,900000000001,900000000002,900000000003,900000000004";
    let text = redact_version(&stdout(&demo(&["--accounts", accounts])));
    let by_check = text.split_once("By check\n").expect("a roll-up").1;
    for id in check_ids() {
        assert!(
            by_check.lines().any(|l| l.starts_with(&format!("│ {id} "))),
            "{id} has a roll-up line:\n{text}"
        );
    }
    // What blocks names its accounts: the first three, then how many more.
    assert!(
        text.contains("│ root-access-keys          ┆ 1 fail (222233334444) · 4 error (900000000001, 900000000002, 900000000003 … and 1 more) · 3 pass"),
        "{text}"
    );
    // The ready account is counted, not listed; the others are listed with what blocks.
    assert!(!text.contains("111122223333 · acme-prod ·"), "{text}");
    assert!(
        text.contains("1 more account is ready (--all lists it)"),
        "{text}"
    );
    assert!(
        text.contains(
            "222233334444 · acme-dev · not ready · shared (above): root-credentials · 9 checks warn, 4 pass"
        ),
        "{text}"
    );
    // The four accounts the snapshot lacks share why, said once above.
    assert!(
        text.contains(
            "│ every check       ┆ error   ┆ 4 accounts: the account is not in the snapshot"
        ),
        "{text}"
    );
    assert!(
        text.contains("900000000004 · not ready · could not be audited (why: above)"),
        "{text}"
    );
    insta::assert_snapshot!("table_many_accounts", text);

    let all = stdout(&demo(&["--accounts", accounts, "--all"]));
    assert!(all.contains("111122223333 · acme-prod · ready\n"), "{all}");
}

/// Thirty accounts, synthesized from the demo snapshot: its four accounts over and over,
/// each under an ID of its own (`1000000000NN`, in every ARN too), named `acme-NN` by the
/// accounts file. Returns the directory holding `snapshot.json` and `accounts.txt`.
fn thirty_accounts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("fixtures/demo.json")).unwrap())
            .unwrap();
    let demo = snapshot["accounts"].as_array().unwrap().clone();
    let mut accounts = Vec::new();
    let mut names = String::new();
    for n in 1..=30 {
        let model = &demo[(n - 1) % demo.len()];
        let old = model["account_id"].as_str().unwrap();
        let id = format!("{:012}", 100_000_000_000u64 + n as u64);
        accounts.push(serde_json::from_str::<Value>(&model.to_string().replace(old, &id)).unwrap());
        names.push_str(&format!("{id}  # acme-{n:02}\n"));
    }
    snapshot["accounts"] = Value::Array(accounts);
    std::fs::write(dir.path().join("snapshot.json"), snapshot.to_string()).unwrap();
    std::fs::write(dir.path().join("accounts.txt"), names).unwrap();
    dir
}

/// The audit of [`thirty_accounts`] at `columns`, with `args`.
fn thirty(dir: &std::path::Path, columns: usize, args: &[&str]) -> std::process::Output {
    orgexit()
        .args(["audit", "--snapshot"])
        .arg(dir.join("snapshot.json"))
        .arg("--accounts-file")
        .arg(dir.join("accounts.txt"))
        .args(["--new-org", "o-acmenew0001", "--target-date", "2026-12-07"])
        .args(["--today", "2026-12-06"])
        .args(args)
        .env("COLUMNS", columns.to_string())
        .output()
        .unwrap()
}

/// Each table row's last cell, its lines joined as a reader copying it would: without a
/// space after a line that ends in a separator (`:`, `/`, `-`, `_`, `.`, `,`, `@`), else
/// with one. A token broken anywhere else comes back with a space inside it.
fn joined_cells(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for row in cells(text) {
        let (Some(first), Some(last)) = (row.first(), row.last()) else {
            continue;
        };
        let continued = first.is_empty() && !out.is_empty();
        if !continued {
            out.push(last.clone());
            continue;
        }
        let cell = out.last_mut().unwrap();
        if !cell.ends_with([':', '/', '-', '_', '.', ',', '@']) && !last.is_empty() {
            cell.push(' ');
        }
        cell.push_str(last);
    }
    out
}

/// Every ARN of a report's findings, as its account says it and as a shared finding does
/// (its account ID said as `<account>`).
fn arns_of(report: &Value) -> std::collections::BTreeSet<String> {
    let mut arns = std::collections::BTreeSet::new();
    for account in report["accounts"].as_array().unwrap() {
        let id = account["account_id"].as_str().unwrap();
        for check in account["checks"].as_array().unwrap() {
            let resources = check["resources"].as_array().unwrap();
            let texts = std::iter::once(&check["summary"]).chain(resources);
            for text in texts {
                for word in text.as_str().unwrap().split_whitespace() {
                    if let Some(at) = word.find("arn:") {
                        let arn = word[at..].trim_end_matches([',', ';', ':', ')']);
                        arns.insert(arn.to_string());
                        arns.insert(arn.replace(id, "<account>"));
                    }
                }
            }
        }
    }
    arns
}

/// The table of thirty accounts at 80 and 60 columns, unfiltered and with `--status fail`:
/// findings the accounts share are said once, with what to do and where; every line fits;
/// no check ID and no ARN is broken (each ARN in the table, its lines joined at the
/// separators it broke at, is one of the report's, the long Control Tower stack ARN too).
#[test]
fn thirty_accounts_group_shared_findings_and_never_break_an_arn() {
    let dir = thirty_accounts();
    for (variant, args) in [("default", &[][..]), ("fail", &["--status", "fail"][..])] {
        let report = json(&thirty(
            dir.path(),
            80,
            &[&["--format", "json"], args].concat(),
        ));
        let arns = arns_of(&report);
        for columns in [80, 60] {
            let out = thirty(dir.path(), columns, args);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = redact_version(&stdout(&out));
            for line in text.lines().filter(|l| !l.starts_with("Note: ")) {
                assert!(
                    line.chars().count() <= columns,
                    "{columns}: {line:?}\n{text}"
                );
            }
            assert_no_broken_check_id(&text);
            let shared = text
                .split_once("Found in several accounts\n")
                .unwrap_or_else(|| panic!("{variant} {columns}: no shared findings\n{text}"))
                .1;
            assert!(
                shared.contains("30 accounts:") || variant == "fail",
                "{text}"
            );
            assert!(
                shared.contains("8 accounts: the root user has access keys"),
                "{text}"
            );
            assert!(
                shared.contains("To do: Sign in as root and delete every root"),
                "{text}"
            );
            // Its accounts, by name, then how many more; each account's line names it.
            assert!(
                shared.contains("In: 100000000002 (acme-02), 100000000006"),
                "{text}"
            );
            assert!(shared.contains("… and 3 more"), "{text}");
            assert!(
                text.contains("100000000030 · acme-30 · not ready\nshared (above):"),
                "{text}"
            );
            let joined = joined_cells(&text);
            let mut seen = 0;
            for cell in &joined {
                for word in cell.split_whitespace() {
                    let Some(at) = word.find("arn:") else {
                        continue;
                    };
                    let arn = word[at..].trim_end_matches([',', ';', ':', ')']);
                    assert!(
                        arns.contains(arn),
                        "{variant} {columns}: {arn:?} is broken\n{text}"
                    );
                    seen += 1;
                }
            }
            let stack = "arn:aws:cloudformation:us-east-1:<account>:stack/StackSet-AWSControlTowerBP-BASELINE-CONFIG-0a1b2c3d-4e5f-6789-abcd-ef0123456789/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
            assert!(
                joined.iter().any(|c| c.contains(stack)),
                "{columns}: {joined:#?}"
            );
            assert!(seen > 0);
            insta::assert_snapshot!(format!("table_30_accounts_{variant}_{columns}"), text);
        }
    }
}

/// A report whose accounts list their checks in different orders (edited by hand: orgexit
/// always writes catalog order) still rolls up by check id.
#[test]
fn the_roll_up_reads_checks_by_id_when_accounts_order_them_differently() {
    use orgexit::report::table::{Look, render};
    let accounts = "111122223333,222233334444,333344445555,444455556666,900000000001,900000000002,900000000003,900000000004";
    let json = stdout(&demo(&["--accounts", accounts, "--format", "json"]));
    let look = Look {
        color: false,
        width: Some(140),
        all: false,
    };
    let roll_up = |report: &orgexit::report::Report| {
        let text = render(report, look);
        let (_, rest) = text.split_once("By check\n").expect("a roll-up");
        rest.split("\n\n").next().unwrap().to_string()
    };
    let as_written = orgexit::report::load::parse(&json, "report.json").unwrap();
    let mut edited: Value = serde_json::from_str(&json).unwrap();
    let checks = edited["accounts"][1]["checks"].as_array_mut().unwrap();
    checks.reverse();
    let edited =
        orgexit::report::load::parse(&serde_json::to_string(&edited).unwrap(), "edited.json")
            .unwrap();
    assert_eq!(roll_up(&edited), roll_up(&as_written));
}

/// `--format csv`, parsed back as CSV: a header and a row per account and check, and no
/// cell a spreadsheet would run as a formula, though an IAM role, the contact information
/// and the accounts file's name all begin with one.
#[test]
fn csv_rows_parse_back_and_formulas_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("fixtures/demo.json")).unwrap())
            .unwrap();
    let dev = &mut snapshot["accounts"][1];
    assert_eq!(dev["account_id"], "222233334444");
    // A marked role whose name is a formula (IAM allows `=` and `@` in names), now the
    // first reseller role of the account.
    let roles = dev["roles"]["ok"].as_array_mut().unwrap();
    roles.insert(
        0,
        serde_json::json!({"name": "=CTL-Exfil", "arn": "=CTL-Exfil", "path": "/",
            "trust_policy": "{\"Statement\": []}"}),
    );
    dev["primary_contact"]["ok"]["company_name"] = "+cmd|' /C calc'!A0".into();
    dev["primary_contact"]["ok"]["full_name"] = "-CTL Cloud Operations".into();
    let path = dir.path().join("snapshot.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let accounts = dir.path().join("accounts.txt");
    std::fs::write(
        &accounts,
        "111122223333  # =HYPERLINK(\"http://evil.example\",\"prod\")\n222233334444  # @SUM(1)\n",
    )
    .unwrap();
    let out = orgexit()
        .args([
            "audit",
            "--today",
            "2026-12-06",
            "--format",
            "csv",
            "--snapshot",
        ])
        .arg(&path)
        .arg("--accounts-file")
        .arg(&accounts)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.windows(2).any(|w| w == b"\r\n"),
        "RFC 4180 line ends"
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "account_id",
            "name",
            "check",
            "status",
            "severity",
            "summary",
            "first_resource"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let checks = orgexit()
        .args(["checks", "--format", "json"])
        .output()
        .unwrap();
    let catalog = json(&checks).as_array().unwrap().len();
    assert_eq!(rows.len(), 2 * catalog);
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a formula: {cell:?} in {row:?}"
            );
        }
    }
    let cell = |account: &str, check: &str, column: usize| -> String {
        rows.iter()
            .find(|r| &r[0] == account && &r[2] == check)
            .unwrap_or_else(|| panic!("{account} {check}"))[column]
            .to_string()
    };
    assert_eq!(
        cell("111122223333", "root-mfa", 1),
        "'=HYPERLINK(\"http://evil.example\",\"prod\")"
    );
    assert_eq!(cell("222233334444", "root-mfa", 1), "'@SUM(1)");
    assert_eq!(cell("222233334444", "iam-reseller-roles", 6), "'=CTL-Exfil");
    assert_eq!(
        cell("222233334444", "primary-contact", 6),
        "'-CTL Cloud Operations"
    );
    assert_eq!(cell("222233334444", "iam-reseller-roles", 3), "warn");
    assert_eq!(cell("222233334444", "iam-reseller-roles", 4), "high");
}

/// `--status` and `--min-severity` keep only those findings in every format and the report
/// records the filter; `ready`, the totals and the exit status still judge every check.
#[test]
fn the_status_and_severity_filter_shows_less_and_judges_the_same() {
    let all = demo_report(&[]);
    let out = demo(&[
        "--format",
        "json",
        "--status",
        "fail,manual",
        "--min-severity",
        "high",
    ]);
    let some = json(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the exit status judges every check"
    );
    assert_eq!(some["summary"], all["summary"]);
    assert_eq!(some["ready"], all["ready"]);
    assert_eq!(
        some["filter"],
        serde_json::json!({"statuses": ["fail", "manual"], "min_severity": "high"})
    );
    let severities = ["critical", "high"];
    let mut expected = Vec::new();
    for account in all["accounts"].as_array().unwrap() {
        for check in account["checks"].as_array().unwrap() {
            if matches!(check["status"].as_str(), Some("fail" | "manual"))
                && severities.contains(&check["severity"].as_str().unwrap())
            {
                expected.push((account["account_id"].clone(), check["id"].clone()));
            }
        }
    }
    let shown: Vec<(Value, Value)> = some["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (a["account_id"].clone(), c["id"].clone()))
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(shown, expected);
    // Every account is still listed, with its readiness judged on every check.
    assert_eq!(some["accounts"].as_array().unwrap().len(), 4);

    // The same in CSV and in the table: no passing row, no low-severity one.
    let csv = demo(&["--format", "csv", "--status", "fail"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let statuses: std::collections::BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    assert_eq!(
        statuses,
        std::collections::BTreeSet::from(["fail".to_string()])
    );
    let table = stdout(&demo(&["--status", "pass", "--min-severity", "critical"]));
    assert!(table.contains("┆ pass "), "{table}");
    assert!(!table.contains("┆ fail "), "{table}");

    // A value that is not a status is refused, naming the right ones.
    let out = demo(&["--status", "failed"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pass, fail, warn, manual, error, skipped")
    );
}

/// The accounts file's names are where a person reads: the JUnit suites and the ticket's
/// account lines. An account the file does not name keeps the name the snapshot recorded.
#[test]
fn account_names_reach_junit_and_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.txt");
    std::fs::write(
        &accounts,
        "111122223333  # payments-prod\n222233334444  # acme-dev\n333344445555\n",
    )
    .unwrap();
    let report = dir.path().join("report.json");
    let junit = demo_command()
        .arg("--accounts-file")
        .arg(&accounts)
        .args(["--format", "junit", "--also"])
        .arg(format!("json={}", report.display()))
        .output()
        .unwrap();
    let xml = stdout(&junit);
    assert!(
        xml.contains(r#"<testsuite name="111122223333 (payments-prod)""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="333344445555 (acme-staging)""#),
        "{xml}"
    );
    let ticket = orgexit()
        .args(["ticket", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    let ticket = stdout(&ticket);
    let departing = ticket
        .lines()
        .find(|l| l.starts_with("Departing AWS AccountIDs: "))
        .unwrap();
    assert!(
        departing.contains("111122223333 (payments-prod)")
            && departing.contains("222233334444 (acme-dev)"),
        "{departing}"
    );
}
