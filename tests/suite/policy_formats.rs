//! `orgexit policy --format json|cloudformation|terraform`: each output, parsed as its
//! tools parse it, grants exactly the actions of the read-only guard's allow-list (the
//! reads of facts), nothing copied by hand. The CloudFormation template also passes
//! cfn-lint (installed into ./.venv by `scripts/test.sh`; this test never skips it).

use crate::common;

use std::collections::BTreeSet;

use common::{orgexit, venv_tool};
use orgexit::aws::guard::ALLOWED;
use serde_json::Value;

/// What the audit role needs: every allow-listed operation that gathers a fact an audit
/// reads (the runbook's own reads are granted by `--for runbook`).
fn allow_list() -> BTreeSet<String> {
    ALLOWED
        .iter()
        .filter(|o| {
            o.fact
                .is_some_and(|f| f != orgexit::facts::FactKind::Cleanup)
        })
        .map(|o| o.action.to_string())
        .collect()
}

fn policy(args: &[&str]) -> String {
    let out = orgexit().arg("policy").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "orgexit policy {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// A template with every parameter's default given.
const CFN_WITH_ALL: &[&str] = &[
    "--format",
    "cloudformation",
    "--trust-account",
    "444455556666",
    "--external-id",
    "departure-2026",
];

#[test]
fn json_stays_the_default_and_grants_the_allow_list() {
    let default = policy(&[]);
    assert_eq!(default, policy(&["--format", "json"]));
    let parsed: Value = serde_json::from_str(&default).unwrap();
    let actions = strings(&parsed["Statement"][0]["Action"]);
    assert_eq!(
        actions.iter().cloned().collect::<BTreeSet<_>>(),
        allow_list()
    );
}

#[test]
fn the_cloudformation_template_creates_the_role_with_the_allow_list() {
    let text = policy(CFN_WITH_ALL);
    let template: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(template["AWSTemplateFormatVersion"], "2010-09-09");
    let parameters = &template["Parameters"];
    assert_eq!(parameters["RoleName"]["Default"], "OrgExitAudit");
    assert_eq!(parameters["TrustedAccountId"]["Default"], "444455556666");
    assert_eq!(parameters["ExternalId"]["Default"], "departure-2026");
    let role = &template["Resources"]["OrgExitAuditRole"];
    assert_eq!(role["Type"], "AWS::IAM::Role");
    let properties = &role["Properties"];
    assert_eq!(properties["RoleName"]["Ref"], "RoleName");
    let trust = &properties["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Principal"]["AWS"]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::${TrustedAccountId}:root"
    );
    assert_eq!(trust["Action"], "sts:AssumeRole");
    let policies = properties["Policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1);
    let statement = &policies[0]["PolicyDocument"]["Statement"];
    assert_eq!(statement.as_array().unwrap().len(), 1);
    assert_eq!(statement[0]["Effect"], "Allow");
    assert_eq!(statement[0]["Resource"], "*");
    let actions = strings(&statement[0]["Action"]);
    assert!(actions.is_sorted(), "{actions:?}");
    assert_eq!(actions.into_iter().collect::<BTreeSet<_>>(), allow_list());
}

/// The actions of the Terraform configuration's permissions policy: the quoted strings
/// of the `Action = [ ... ]` list inside `aws_iam_role_policy`.
fn terraform_actions(hcl: &str) -> Vec<String> {
    let policy = hcl
        .split("resource \"aws_iam_role_policy\"")
        .nth(1)
        .expect("an aws_iam_role_policy resource");
    let list = policy
        .split("Action = [")
        .nth(1)
        .expect("an Action list")
        .split(']')
        .next()
        .unwrap();
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            serde_json::from_str::<String>(s).unwrap_or_else(|e| panic!("{s}: not a string: {e}"))
        })
        .collect()
}

#[test]
fn the_terraform_configuration_creates_the_role_with_the_allow_list() {
    let hcl = policy(&["--format", "terraform", "--trust-account", "444455556666"]);
    assert!(hcl.contains("resource \"aws_iam_role\" \"orgexit_audit\" {"));
    assert!(hcl.contains("  role = aws_iam_role.orgexit_audit.id\n"));
    assert!(hcl.contains("  default     = \"444455556666\"\n"));
    assert!(hcl.contains("  default     = \"OrgExitAudit\"\n"));
    assert!(hcl.contains(
        "Principal = { AWS = \"arn:${data.aws_partition.current.partition}:iam::${var.trusted_account_id}:root\" }"
    ));
    assert!(hcl.contains("assume_role_policy = jsonencode({"));
    let actions = terraform_actions(&hcl);
    assert!(actions.is_sorted(), "{actions:?}");
    assert_eq!(
        actions.len(),
        allow_list().len(),
        "no duplicates: {actions:?}"
    );
    assert_eq!(actions.into_iter().collect::<BTreeSet<_>>(), allow_list());
}

#[test]
fn partition_applies_to_every_format() {
    for (format, expected) in [
        ("json", "\"arn:aws-us-gov:iam::444455556666:root\""),
        (
            "cloudformation",
            "\"arn:aws-us-gov:iam::${TrustedAccountId}:root\"",
        ),
        (
            "terraform",
            "\"arn:aws-us-gov:iam::${var.trusted_account_id}:root\"",
        ),
    ] {
        let text = policy(&[
            "--format",
            format,
            "--trust-account",
            "444455556666",
            "--partition",
            "aws-us-gov",
        ]);
        assert!(text.contains(expected), "{format}:\n{text}");
        assert!(!text.contains("AWS::Partition") && !text.contains("aws_partition"));
    }
}

#[test]
fn a_selection_narrows_every_format() {
    let args = ["--select", "root-mfa", "--format"];
    let template: Value =
        serde_json::from_str(&policy(&[&args[..], &["cloudformation"]].concat())).unwrap();
    assert_eq!(
        template["Resources"]["OrgExitAuditRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            [0]["Action"],
        serde_json::json!(["iam:GetAccountSummary"])
    );
    assert_eq!(
        terraform_actions(&policy(&[&args[..], &["terraform"]].concat())),
        ["iam:GetAccountSummary"]
    );
}

#[test]
fn bad_format_partition_and_external_id_without_account_exit_2_naming_what_is_right() {
    for (args, expected) in [
        (
            &["--format", "yaml"][..],
            "[possible values: json, cloudformation, terraform]",
        ),
        (
            &["--format", "terraform", "--partition", "aws-eu"][..],
            "unknown partition \"aws-eu\": use aws, aws-cn, aws-us-gov",
        ),
        (
            &["--external-id", "x-1"][..],
            "--external-id goes into the trust policy: give --trust-account ID too",
        ),
    ] {
        let out = orgexit().arg("policy").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn cfn_lint_accepts_the_template() {
    let lint = venv_tool("cfn-lint");
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--format", "cloudformation"][..],
        CFN_WITH_ALL,
        &[CFN_WITH_ALL, &["--partition", "aws-cn"]].concat()[..],
    ] {
        let path = dir.path().join("orgexit-audit.json");
        std::fs::write(&path, policy(args)).unwrap();
        let out = std::process::Command::new(&lint)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cfn-lint {args:?} ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
