#![doc = include_str!("../../checks/docs/iam-reseller-policies.md")]

use super::marked::{Entity, leftover_finding};
use super::{Check, Context, Finding, Severity};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct IamResellerPolicies;

/// The check's id: what the report, the ticket and `--select` name it by.
pub const ID: &str = "iam-reseller-policies";

impl Check for IamResellerPolicies {
    fn id(&self) -> &'static str {
        ID
    }
    fn title(&self) -> &'static str {
        "Reseller's IAM policies"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::Policies]
    }
    fn doc(&self) -> &'static str {
        include_str!("../../checks/docs/iam-reseller-policies.md")
    }
    fn remediation(&self) -> &'static str {
        "Detach and delete the listed policies (IAM → Policies, search CTL), or attest a keep waiver with a reason."
    }
    fn item_kinds(&self) -> &'static [&'static str] {
        &["marked-policy", super::WAIVED]
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let policies = facts.policies()?;
        Ok(leftover_finding(
            ("policy", "policies"),
            "marked-policy",
            policies.iter().map(|p| Entity {
                name: &p.name,
                arn: &p.arn,
            }),
            ctx,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Status;
    use crate::checks::testing::*;
    use crate::facts::{Fact, NamedEntity};

    fn with(names: &[&str]) -> AccountFacts {
        let policies = names
            .iter()
            .map(|n| NamedEntity {
                name: n.to_string(),
                arn: format!("arn:aws:iam::{ACCOUNT}:policy/{n}"),
            })
            .collect();
        AccountFacts {
            policies: Some(Fact::Ok(policies)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        assert_eq!(
            Setup::both(&IamResellerPolicies, &with(&["CTL-Admin", "Mine"])),
            (Status::Warn, Status::Fail)
        );
        assert_eq!(
            Setup::both(&IamResellerPolicies, &with(&["Mine"])),
            (Status::Pass, Status::Pass)
        );
        assert_eq!(
            Setup::both(&IamResellerPolicies, &with(&[])),
            (Status::Pass, Status::Pass)
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&IamResellerPolicies);
    }
}
