#![doc = include_str!("../../checks/docs/root-credentials.md")]

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
    fn doc(&self) -> &'static str {
        include_str!("../../checks/docs/root-credentials.md")
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
