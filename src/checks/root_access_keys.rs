//! # root-access-keys: the root user has no access keys
//!
//! ## What it checks
//! Reads `AccountAccessKeysPresent` from `iam:GetAccountSummary`. `1`: `fail`. `0`:
//! `pass`. The same in both phases.
//!
//! ## Why it blocks departure
//! Root access keys give programmatic root access that survives a password change and an
//! MFA reset. Keys created while the reseller held the root user may still be in the
//! reseller's hands, and AWS recommends that the root user never has keys at all.
//!
//! ## How to fix
//! Sign in as the root user, open IAM → Security credentials → Access keys, deactivate
//! and delete every key. Move any automation that used them to an IAM role.

use super::{Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct RootAccessKeys;

impl Check for RootAccessKeys {
    fn id(&self) -> &'static str {
        "root-access-keys"
    }
    fn title(&self) -> &'static str {
        "Root user has no access keys"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::AccountSummary]
    }
    fn source(&self) -> &'static str {
        include_str!("root_access_keys.rs")
    }
    fn remediation(&self) -> &'static str {
        "Sign in as root and delete every root access key (IAM → Security credentials → Access keys)."
    }

    fn evaluate(&self, facts: &AccountFacts, _ctx: &Context<'_>) -> Result<Finding, Missing> {
        Ok(if facts.account_summary()?.account_access_keys_present {
            Finding::new(Status::Fail, "the root user has access keys")
        } else {
            Finding::new(Status::Pass, "the root user has no access keys")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{AccountSummary, Fact};

    fn with(keys: bool) -> AccountFacts {
        let summary = AccountSummary {
            account_mfa_enabled: true,
            account_access_keys_present: keys,
        };
        AccountFacts {
            account_summary: Some(Fact::Ok(summary)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        assert_eq!(
            Setup::both(&RootAccessKeys, &with(true)),
            (Status::Fail, Status::Fail)
        );
        assert_eq!(
            Setup::both(&RootAccessKeys, &with(false)),
            (Status::Pass, Status::Pass)
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&RootAccessKeys);
    }
}
