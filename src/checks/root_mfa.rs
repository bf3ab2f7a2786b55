#![doc = include_str!("../../checks/docs/root-mfa.md")]

use super::{About, Check, Context, Finding, Phase, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub(crate) struct RootMfa;

about! {
    "root-mfa",
    title: "MFA on the root user",
    severity: Severity::Critical,
    needs: &[FactKind::AccountSummary],
    attestation: None,
    remediation: "Sign in as root and assign an MFA device your company holds (IAM → Security credentials).",
    item_kinds: &[],
}

impl Check for RootMfa {
    fn about(&self) -> &'static About {
        &ABOUT
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
