#![doc = include_str!("../../checks/docs/root-access-keys.md")]

use super::{About, Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub(crate) struct RootAccessKeys;

about! {
    "root-access-keys",
    title: "Root user's access keys and signing certificates",
    severity: Severity::Critical,
    needs: &[FactKind::AccountSummary],
    attestation: None,
    remediation: "Sign in as root and delete every root access key and signing certificate (IAM → Security credentials).",
    item_kinds: &[],
}

impl Check for RootAccessKeys {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, _ctx: &Context<'_>) -> Result<Finding, Missing> {
        let summary = facts.account_summary()?;
        let certificates = summary.account_signing_certificates_present.ok_or_else(|| {
            Missing::Failed(
                "iam:GetAccountSummary AccountSigningCertificatesPresent is not in the snapshot (collect it again)"
                    .into(),
            )
        })?;
        let held: Vec<&str> = [
            (summary.account_access_keys_present, "access keys"),
            (certificates, "signing certificates"),
        ]
        .into_iter()
        .filter_map(|(present, what)| present.then_some(what))
        .collect();
        Ok(if held.is_empty() {
            Finding::new(
                Status::Pass,
                "the root user has no access keys and no signing certificates",
            )
        } else {
            Finding::new(
                Status::Fail,
                format!("the root user has {}", held.join(" and ")),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::facts::{AccountSummary, Fact};

    fn with(keys: bool) -> AccountFacts {
        with_certificates(keys, Some(false))
    }

    fn with_certificates(keys: bool, certificates: Option<bool>) -> AccountFacts {
        let summary = AccountSummary {
            account_mfa_enabled: true,
            account_access_keys_present: keys,
            account_signing_certificates_present: certificates,
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
            Setup::both(&RootAccessKeys, &with(true)),
            (Status::Fail, Status::Fail)
        );
        assert_eq!(
            Setup::both(&RootAccessKeys, &with(false)),
            (Status::Pass, Status::Pass)
        );
    }

    #[test]
    fn signing_certificates_are_root_credentials_too() {
        let setup = Setup::new(Phase::Post);
        let f = setup.run(&RootAccessKeys, &with_certificates(false, Some(true)));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.summary, "the root user has signing certificates");
        let f = setup.run(&RootAccessKeys, &with_certificates(true, Some(true)));
        assert_eq!(
            f.summary,
            "the root user has access keys and signing certificates"
        );
        // A snapshot from before orgexit read them: not seen, so never a pass.
        let f = setup.run(&RootAccessKeys, &with_certificates(false, None));
        assert_eq!(f.status, Status::Error);
        assert!(
            f.summary.contains("AccountSigningCertificatesPresent"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&RootAccessKeys);
    }
}
