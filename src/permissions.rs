//! `orgexit policy`: the least-privilege IAM policy for the audit role, generated from the
//! guard's allow-list so the two cannot drift apart.

use std::collections::BTreeSet;

use serde_json::json;

use crate::aws::guard::operations_for;
use crate::checks::Check;
use crate::plan::AccountId;

/// The IAM actions the audit role needs for these checks (sorted, no duplicates).
pub fn actions(checks: &[&'static dyn Check]) -> BTreeSet<&'static str> {
    checks
        .iter()
        .flat_map(|c| c.needs().iter())
        .flat_map(|kind| operations_for(*kind))
        .map(|op| op.action)
        .collect()
}

/// The permissions policy, and the trust policy when a trusted account is given.
pub fn render(
    checks: &[&'static dyn Check],
    trust_account: Option<&AccountId>,
    external_id: Option<&str>,
) -> String {
    let actions: Vec<_> = actions(checks).into_iter().collect();
    let permissions = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OrgexitReadOnlyAudit",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    });
    let mut text = serde_json::to_string_pretty(&permissions).expect("serializes");
    text.push('\n');
    if let Some(account) = trust_account {
        let mut statement = json!({
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:aws:iam::{account}:root") },
            "Action": "sts:AssumeRole"
        });
        if let Some(id) = external_id {
            statement["Condition"] = json!({ "StringEquals": { "sts:ExternalId": id } });
        }
        let trust = json!({ "Version": "2012-10-17", "Statement": [statement] });
        text = format!(
            "{{\n  \"PermissionsPolicy\": {},\n  \"TrustPolicy\": {}\n}}\n",
            indent(&text),
            indent(&serde_json::to_string_pretty(&trust).expect("serializes"))
        );
    }
    text
}

fn indent(json: &str) -> String {
    json.trim_end().replace('\n', "\n  ")
}
