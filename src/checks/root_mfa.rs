//! # root-mfa: the root user has MFA
//!
//! ## What it checks
//! Reads `AccountMFAEnabled` from `iam:GetAccountSummary`. `1`: `pass`. `0`: `warn` before
//! the cut-over and `fail` after it. Before the cut-over a gap is expected: the reseller
//! removes its own MFA device when it hands over the root user. But where the reseller's
//! organization manages root access centrally, a member account may have no root
//! password at all, and its root password can only be recovered if the management
//! account allows it: ask the reseller before the cut-over.
//!
//! ## Why it blocks departure
//! The root user can do anything in the account, including closing it. Without MFA, the
//! password alone (which passed through the reseller's hands) is enough.
//!
//! ## How to fix
//! Sign in as the root user, open IAM → Security credentials → Multi-factor
//! authentication (MFA) → Assign MFA device, and register a device your company holds.
//! If the account has no root password (centralized root access), ask the reseller's
//! management account to allow root password recovery before the cut-over, then use
//! *Forgot password?* on the root user's sign-in page.

use super::{Check, Context, Finding, Phase, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct RootMfa;

/// The check's id: what the report, the ticket and `--select` name it by.
pub const ID: &str = "root-mfa";

impl Check for RootMfa {
    fn id(&self) -> &'static str {
        ID
    }
    fn title(&self) -> &'static str {
        "MFA on the root user"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::AccountSummary]
    }
    fn source(&self) -> &'static str {
        include_str!("root_mfa.rs")
    }
    fn remediation(&self) -> &'static str {
        "Sign in as root and assign an MFA device your company holds (IAM → Security credentials)."
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        Ok(if facts.account_summary()?.account_mfa_enabled {
            Finding::new(Status::Pass, "root MFA is enabled")
        } else {
            match ctx.phase {
                Phase::Pre => Finding::new(
                    Status::Warn,
                    "root MFA is not enabled: expected until the reseller hands over the root user (with centralized root access there may be no root password: ask the reseller to allow its recovery)",
                ),
                Phase::Post => Finding::new(Status::Fail, "root MFA is not enabled"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{AccountSummary, Fact};

    fn with(mfa: bool, keys: bool) -> AccountFacts {
        let summary = AccountSummary {
            account_mfa_enabled: mfa,
            account_access_keys_present: keys,
            account_signing_certificates_present: Some(false),
            account_password_present: Some(true),
        };
        AccountFacts {
            account_summary: Some(Fact::Ok(summary)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        assert_eq!(
            Setup::both(&RootMfa, &with(true, false)),
            (Status::Pass, Status::Pass)
        );
        assert_eq!(
            Setup::both(&RootMfa, &with(false, false)),
            (Status::Warn, Status::Fail)
        );
        assert_eq!(
            Setup::both(&RootMfa, &with(true, true)),
            (Status::Pass, Status::Pass)
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&RootMfa);
    }
}
