#![doc = include_str!("../../checks/docs/iam-reseller-policies.md")]

use super::marked::{Entity, leftover_finding};
use super::{About, Check, Context, Finding, Severity};
use crate::facts::{AccountFacts, FactKind, Missing};

/// The item kind of a marked resource not kept by a waiver.
pub(crate) const MARKED_POLICY: &str = "marked-policy";

pub(crate) struct IamResellerPolicies;

about! {
    "iam-reseller-policies",
    title: "Reseller's IAM policies",
    severity: Severity::High,
    needs: &[FactKind::Policies],
    attestation: None,
    remediation: "Detach and delete the listed policies (IAM → Policies, search CTL), or attest a keep waiver with a reason.",
    item_kinds: &[MARKED_POLICY, super::WAIVED],
}

impl Check for IamResellerPolicies {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let policies = facts.policies()?;
        Ok(leftover_finding(
            ("policy", "policies"),
            MARKED_POLICY,
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
