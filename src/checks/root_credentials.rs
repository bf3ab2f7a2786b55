#![doc = include_str!("../../checks/docs/root-credentials.md")]

use super::{About, Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, Missing};

pub(crate) struct RootCredentials;

about! {
    "root-credentials",
    title: "Control of the root user",
    severity: Severity::Critical,
    needs: &[],
    attestation: Some("root_credentials"),
    remediation: "Take over the root email, password and MFA from the reseller over a secure channel, then attest it (root_credentials).",
    item_kinds: &[],
}

impl Check for RootCredentials {
    fn about(&self) -> &'static About {
        &ABOUT
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
    use crate::attestations::Attested;
    use crate::checks::Phase;
    use crate::checks::testing::*;

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
