//! # root-credentials: the customer holds the root user
//!
//! ## What it checks
//! No API shows who holds an account's root password and email, so this check reads the
//! attestations file: `root_credentials = { by = "...", on = "YYYY-MM-DD" }` for the
//! account makes it `pass`; without one it is `manual`, in both phases. The attestation
//! states three things: the root user's email address is a mailbox the customer
//! controls, the root password can be recovered (or was reset) by the customer, and the
//! customer will set (or has set) its own MFA device (`root-mfa` checks the MFA itself).
//!
//! ## Why it blocks departure
//! Whoever holds the root user owns the account. While the reseller holds it, the
//! reseller can reset every other credential, close the account or lock the customer
//! out. The hand-over (the reseller removes its MFA, changes the root email and password
//! to the customer's) must be done over a secure channel, and is easy to forget for one
//! account out of many.
//!
//! ## How to fix
//! Arrange the hand-over with the reseller by phone or another secure method: the
//! reseller removes its MFA device, sets the root email to one the customer controls and
//! resets the password. Sign in as root, change the password again, add your own MFA
//! device (see `root-mfa`), then record it in the attestations file:
//! `[accounts."<ID>"] root_credentials = { by = "secops@example.com", on = "2026-11-21" }`.

use super::{Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct RootCredentials;

/// The check's id: what the report, the ticket and `--select` name it by.
pub const ID: &str = "root-credentials";

impl Check for RootCredentials {
    fn id(&self) -> &'static str {
        ID
    }
    fn title(&self) -> &'static str {
        "Control of the root user"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn needs(&self) -> &'static [FactKind] {
        &[]
    }
    fn attestation(&self) -> Option<&'static str> {
        Some("root_credentials")
    }
    fn source(&self) -> &'static str {
        include_str!("root_credentials.rs")
    }
    fn remediation(&self) -> &'static str {
        "Take over the root email, password and MFA from the reseller over a secure channel, then attest it (root_credentials)."
    }

    fn evaluate(&self, _facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        Ok(match &ctx.attestations.root_credentials {
            Some(a) => Finding::new(
                Status::Pass,
                format!(
                    "attested by {} on {}: root email the customer's, password recoverable, own MFA to be set",
                    a.by, a.on
                ),
            ),
            None => Finding::new(
                Status::Manual,
                "not attested (root_credentials): root email the customer's, password recoverable, own MFA to be set",
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::policy::Attested;

    #[test]
    fn attested_passes_otherwise_manual() {
        assert_eq!(
            Setup::both(&RootCredentials, &facts()),
            (Status::Manual, Status::Manual)
        );
        let mut s = Setup::new(Phase::Post);
        s.attestations.root_credentials = Some(Attested {
            by: "secops@example.com".into(),
            on: time::macros::date!(2026 - 11 - 21),
        });
        let f = s.run(&RootCredentials, &facts());
        assert_eq!(f.status, Status::Pass);
        assert!(f.summary.contains("secops@example.com"));
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&RootCredentials);
    }
}
