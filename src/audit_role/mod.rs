//! `orgexit policy`: the least-privilege IAM policy for the audit role, generated from the
//! guard's allow-list so the two cannot drift apart.
//!
//! Only the reads of facts are the audit role's. The two calls that reach the accounts are
//! made with the base credentials, not the role, so they are in neither policy printed
//! here: `sts:AssumeRole` is granted to the base credentials (the runner) on the audit
//! roles' ARNs, and `sts:GetCallerIdentity`, which checks the base credentials once before
//! any account, needs no permission at all (AWS answers it even under an explicit deny).
//!
//! `--format cloudformation|terraform` wraps the same permissions policy in a template
//! that creates the role ([`templates`]).

pub(crate) mod templates;

use std::collections::BTreeSet;

use serde_json::json;

use crate::aws::guard::operations_for;
use crate::checks::Check;
use crate::cli::PolicyFormat;
use crate::facts::FactKind;
use crate::input::AccountId;

/// The IAM actions the audit role needs for these checks (sorted, no duplicates), and
/// with `runbook` the runbook's reads ([`FactKind::Cleanup`]) too.
pub fn actions(checks: &[&'static dyn Check], runbook: bool) -> BTreeSet<&'static str> {
    let extra: &[FactKind] = if runbook { &[FactKind::Cleanup] } else { &[] };
    checks
        .iter()
        .flat_map(|c| c.needs().iter())
        .chain(extra)
        .flat_map(|kind| operations_for(*kind))
        .map(|op| op.action)
        .collect()
}

/// `orgexit policy` in `format`. `partition` pins the trusted principal's partition;
/// without it the JSON says `aws` and the templates the deploying account's.
pub(crate) fn render_as(
    format: PolicyFormat,
    actions: &[&'static str],
    trust_account: Option<&AccountId>,
    external_id: Option<&str>,
    partition: Option<&str>,
) -> String {
    let spec = templates::RoleSpec {
        actions,
        trust_account,
        external_id,
        partition,
    };
    match format {
        PolicyFormat::Json => render(
            actions,
            trust_account,
            external_id,
            partition.unwrap_or(crate::aws::config::DEFAULT_PARTITION),
        ),
        PolicyFormat::Cloudformation => templates::cloudformation(&spec),
        PolicyFormat::Terraform => templates::terraform(&spec),
    }
}

/// The permissions policy, and the trust policy when a trusted account is given (its
/// principal an ARN in `partition`).
pub(crate) fn render(
    actions: &[&'static str],
    trust_account: Option<&AccountId>,
    external_id: Option<&str>,
    partition: &str,
) -> String {
    let permissions = templates::permissions(actions);
    let mut text = serde_json::to_string_pretty(&permissions).expect("serializes");
    text.push('\n');
    if let Some(account) = trust_account {
        let mut statement = json!({
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
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

#[cfg(test)]
mod tests {
    fn every_action() -> Vec<&'static str> {
        super::actions(CHECKS, false).into_iter().collect()
    }

    use super::*;
    use crate::aws::guard::ALLOWED;
    use crate::checks::CHECKS;

    #[test]
    fn all_checks_need_exactly_the_fact_operations_of_the_allow_list() {
        let fact_actions: BTreeSet<_> = ALLOWED
            .iter()
            .filter(|o| o.fact.is_some())
            .map(|o| o.action)
            .collect();
        // The runbook's role reads every fact; the audit's all but the runbook's own.
        assert_eq!(actions(CHECKS, true), fact_actions);
        let runbook_only: BTreeSet<_> = operations_for(FactKind::Cleanup)
            .map(|o| o.action)
            .collect();
        assert!(runbook_only.contains("iam:ListAttachedRolePolicies"));
        assert_eq!(
            actions(CHECKS, false),
            fact_actions.difference(&runbook_only).copied().collect()
        );
        for base_only in ["sts:AssumeRole", "sts:GetCallerIdentity"] {
            assert!(
                !actions(CHECKS, true).contains(base_only),
                "{base_only}: the base credentials call it, never the audit role"
            );
            assert!(
                ALLOWED
                    .iter()
                    .any(|o| o.action == base_only && o.fact.is_none()),
                "{base_only} is allow-listed as a call that reaches the accounts"
            );
        }
    }

    #[test]
    fn a_selection_needs_only_its_own_actions() {
        let root_mfa = crate::checks::find("root-mfa").unwrap();
        assert_eq!(
            actions(&[root_mfa], false).into_iter().collect::<Vec<_>>(),
            ["iam:GetAccountSummary"]
        );
        let attested = crate::checks::find("root-credentials").unwrap();
        assert!(actions(&[attested], false).is_empty());
        let leave = crate::checks::find("leave-permission").unwrap();
        assert_eq!(
            actions(&[leave], false).into_iter().collect::<Vec<_>>(),
            ["iam:SimulatePrincipalPolicy"]
        );
        let federation = crate::checks::find("iam-federation").unwrap();
        assert_eq!(
            actions(&[federation], false)
                .into_iter()
                .collect::<Vec<_>>(),
            [
                "iam:GetSAMLProvider",
                "iam:ListOpenIDConnectProviders",
                "iam:ListRoles",
                "iam:ListSAMLProviders",
                "organizations:DescribeOrganization"
            ]
        );
    }

    #[test]
    fn the_policy_is_valid_iam_json_with_an_optional_trust_policy() {
        let text = render(&every_action(), None, None, "aws");
        let policy: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(policy["Version"], "2012-10-17");
        assert_eq!(
            policy["Statement"][0]["Action"].as_array().unwrap().len(),
            25
        );
        for new in [
            "payments:ListPaymentInstruments",
            "account:GetContactInformation",
            "iam:SimulatePrincipalPolicy",
            "organizations:ListOutboundResponsibilityTransfers",
        ] {
            assert!(text.contains(new), "{new} not in {text}");
        }
        assert!(!text.contains(':') || !text.contains("Delete") && !text.contains("Put"));

        let account = AccountId::parse("111122223333", "t").unwrap();
        let both: serde_json::Value =
            serde_json::from_str(&render(&every_action(), Some(&account), Some("x-1"), "aws"))
                .unwrap();
        assert_eq!(both["PermissionsPolicy"], policy);
        let trust = &both["TrustPolicy"]["Statement"][0];
        assert_eq!(trust["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
        assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"], "x-1");
        for partition in ["aws-cn", "aws-us-gov"] {
            let other: serde_json::Value =
                serde_json::from_str(&render(&every_action(), Some(&account), None, partition))
                    .unwrap();
            assert_eq!(
                other["TrustPolicy"]["Statement"][0]["Principal"]["AWS"],
                format!("arn:{partition}:iam::111122223333:root")
            );
        }
    }
}
