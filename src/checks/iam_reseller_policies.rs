//! # iam-reseller-policies: the reseller's IAM policies are gone
//!
//! ## What it checks
//! Reads `iam:ListPolicies` (customer-managed policies only, `Scope=Local`) and lists the
//! policies whose name contains a reseller marker (for `ctl`: `CTL`, any case). Any such
//! policy is `warn` before the cut-over and `fail` after it. A policy the customer keeps
//! on purpose (a `keep` waiver with a reason, e.g. the CAM provider policy to go on using
//! CAM for Application Lifecycle Management) counts as gone, and the reason is shown.
//!
//! ## Why it blocks departure
//! The reseller's policies grant its roles and users their access into the account, and
//! some carry optimization tags its tools act on. Left in place they keep the door open,
//! or make it easy to open again by attaching them to something.
//!
//! ## How to fix
//! IAM → Policies, search for `CTL`, detach each policy from its roles, users and groups,
//! then delete it (`aws iam delete-policy --policy-arn <ARN>`, after deleting its
//! non-default versions). To keep one, add a waiver:
//! `keep = [{ name = "CTL-CAM-Provider", reason = "continuing CAM for ALM" }]`.

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
    fn source(&self) -> &'static str {
        include_str!("iam_reseller_policies.rs")
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
