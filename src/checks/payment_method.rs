//! # payment-method: every account has its own payment method
//!
//! ## What it checks
//! No AWS API in the Rust SDK shows an account's payment method, so this check reads the
//! attestations file: `payment_method = { by = "...", on = "YYYY-MM-DD" }` for the account
//! makes it `pass`; without one it is `manual`. When the account has the role
//! `OrganizationAccountAccessRole` it was most likely created by the reseller through
//! Organizations, and such accounts never had a payment method: the summary says so.
//!
//! ## Why it blocks departure
//! AWS refuses to let an account leave an organization unless it has a valid payment
//! method: from that moment on AWS bills the account directly. Accounts the reseller
//! created were invoiced through the reseller and were never asked for a card.
//!
//! ## How to fix
//! Sign in to the account (root, or IAM with billing access), open Billing and Cost
//! Management → Payment preferences and add a payment method
//! (<https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/edit-payment-method.html>).
//! Then record it in the attestations file:
//! `[accounts."<ID>"] payment_method = { by = "ap@example.com", on = "2026-11-20" }`.

use super::{Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct PaymentMethod;

/// The role AWS Organizations creates in accounts it creates.
const ORG_CREATED_ROLE: &str = "OrganizationAccountAccessRole";

impl Check for PaymentMethod {
    fn id(&self) -> &'static str {
        "payment-method"
    }
    fn title(&self) -> &'static str {
        "Payment method"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn needs(&self) -> &'static [FactKind] {
        // Roles only enrich the message; the verdict is the attestation's.
        &[FactKind::Roles]
    }
    fn attestation(&self) -> Option<&'static str> {
        Some("payment_method")
    }
    fn source(&self) -> &'static str {
        include_str!("payment_method.rs")
    }
    fn remediation(&self) -> &'static str {
        "Add a payment method in Billing → Payment preferences, then attest it (payment_method) in the attestations file."
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        if let Some(attested) = &ctx.attestations.payment_method {
            return Ok(Finding::new(
                Status::Pass,
                format!(
                    "payment method attested by {} on {}",
                    attested.by, attested.on
                ),
            ));
        }
        let hint = match facts.roles() {
            Ok(roles) if roles.iter().any(|r| r.name == ORG_CREATED_ROLE) => {
                "; the account has OrganizationAccountAccessRole, so the reseller probably created it and it has no payment method"
            }
            Ok(_) => "",
            Err(_) => "; could not read the roles to tell whether the reseller created the account",
        };
        Ok(Finding::new(
            Status::Manual,
            format!("no attestation that a payment method is set (no AWS API shows it){hint}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::facts::{Fact, Role};
    use crate::policy::Attested;

    fn with_roles(names: &[&str]) -> AccountFacts {
        let roles = names
            .iter()
            .map(|n| Role {
                name: n.to_string(),
                arn: format!("arn:aws:iam::{ACCOUNT}:role/{n}"),
                path: "/".into(),
                trust_policy: "{}".into(),
            })
            .collect();
        AccountFacts {
            roles: Some(Fact::Ok(roles)),
            ..facts()
        }
    }

    #[test]
    fn attested_passes_in_both_phases() {
        for phase in [Phase::Pre, Phase::Post] {
            let mut s = Setup::new(phase);
            s.attestations.payment_method = Some(Attested {
                by: "ap@example.com".into(),
                on: time::macros::date!(2026 - 11 - 20),
            });
            let f = s.run(&PaymentMethod, &with_roles(&[]));
            assert_eq!(f.status, Status::Pass);
            assert!(f.summary.contains("ap@example.com") && f.summary.contains("2026-11-20"));
        }
    }

    #[test]
    fn unattested_is_manual_and_says_when_reseller_created() {
        assert_eq!(
            Setup::both(&PaymentMethod, &with_roles(&["Admin"])),
            (Status::Manual, Status::Manual)
        );
        let f = Setup::new(Phase::Pre).run(&PaymentMethod, &with_roles(&[ORG_CREATED_ROLE]));
        assert_eq!(f.status, Status::Manual);
        assert!(
            f.summary.contains("OrganizationAccountAccessRole"),
            "{}",
            f.summary
        );
        let f = Setup::new(Phase::Pre).run(&PaymentMethod, &with_roles(&["Admin"]));
        assert!(
            !f.summary.contains("OrganizationAccountAccessRole"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&PaymentMethod);
    }
}
