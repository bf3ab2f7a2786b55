#![doc = include_str!("../../checks/docs/delegated-admin.md")]

use super::{About, Check, Context, Finding, Item, Phase, Severity, Status, Under};
use crate::facts::{AccountFacts, DelegatedServices, FactKind, Membership, Missing, Unread};

pub(crate) struct DelegatedAdmin;

about! {
    "delegated-admin",
    title: "Delegated administration",
    severity: Severity::Critical,
    needs: &[FactKind::DelegatedServices, FactKind::Organization],
    attestation: Some("delegated_admin"),
    remediation: "Ask the reseller to deregister the account as delegated administrator for every service (organizations deregister-delegated-administrator), then attest delegated_admin = false.",
    item_kinds: &[DELEGATED, ATTESTED],
}

/// A service AWS lists the account as delegated administrator for (resource: its principal).
pub(crate) const DELEGATED: &str = "delegated-service";
/// The attestation (reason: what it says).
pub(crate) const ATTESTED: &str = "attested";

impl Check for DelegatedAdmin {
    fn about(&self) -> &'static About {
        &ABOUT
    }
    fn reads_under(&self, under: Under<'_>) -> bool {
        under.phase == Phase::Pre
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        if ctx.phase == Phase::Post {
            return Ok(Finding::new(
                Status::Skipped,
                "not checked after the cut-over",
            ));
        }
        let answer = facts.delegated_services()?;
        // Only an organization has delegated administrators (AWS answers a standalone
        // account AWSOrganizationsNotInUseException).
        if let Ok(Membership::Standalone) = facts.organization() {
            return Ok(Finding::new(
                Status::Pass,
                "in no organization (it has already left): a delegated administrator of none",
            ));
        }
        let attested = ctx.attestations.delegated_admin;
        match answer {
            DelegatedServices::Listed { services } if !services.is_empty() => {
                let items = services.iter().map(|s| Item::new(DELEGATED, s)).collect();
                Ok(Finding::new(
                    Status::Fail,
                    format!(
                        "AWS lists the account as delegated administrator for {}: AWS refuses to let it leave until the reseller deregisters it",
                        services.join(", ")
                    ),
                )
                .with_resources(services.clone())
                .with_items(items))
            }
            DelegatedServices::Listed { .. } => Ok(Finding::new(
                Status::Pass,
                "AWS lists no service the account is delegated administrator for",
            )),
            DelegatedServices::Unanswered { reason } => {
                let unread = Item::unread(Unread::of(reason), reason);
                Ok(match attested {
                    Some(false) => Finding::new(
                        Status::Pass,
                        format!("attested not a delegated administrator; AWS could not confirm it: {reason}"),
                    )
                    .with_items(vec![Item::about(ATTESTED, "delegated_admin = false"), unread]),
                    Some(true) => Finding::new(
                        Status::Fail,
                        "attested a delegated administrator (delegated_admin = true): the reseller must deregister it before it can leave",
                    )
                    .with_items(vec![Item::about(ATTESTED, "delegated_admin = true"), unread]),
                    None => Finding::new(
                        Status::Warn,
                        format!(
                            "a member account cannot tell whether it is a delegated administrator ({reason}): ask {} to check, then attest delegated_admin = false",
                            ctx.reseller.ticket.company
                        ),
                    )
                    .with_items(vec![unread]),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn with(answer: DelegatedServices) -> AccountFacts {
        AccountFacts {
            delegated_services: Some(Fact::Ok(answer)),
            ..facts()
        }
    }

    fn denied() -> DelegatedServices {
        DelegatedServices::Unanswered {
            reason: "organizations:ListDelegatedServicesForAccount: AccessDeniedException: You don't have permissions to access this resource.".into(),
        }
    }

    fn run(attested: Option<bool>, facts: &AccountFacts) -> Finding {
        let mut s = Setup::new(Phase::Pre);
        s.attestations.delegated_admin = attested;
        s.run(&DelegatedAdmin, facts)
    }

    #[test]
    fn table() {
        let listed = with(DelegatedServices::Listed {
            services: vec!["securityhub.amazonaws.com".into()],
        });
        let none = with(DelegatedServices::Listed { services: vec![] });
        // What AWS lists wins over any attestation.
        for attested in [None, Some(false), Some(true)] {
            let f = run(attested, &listed);
            assert_eq!(f.status, Status::Fail, "{}", f.summary);
            assert!(f.summary.contains("securityhub.amazonaws.com"));
            assert_eq!(run(attested, &none).status, Status::Pass);
        }
        let f = run(Some(false), &with(denied()));
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert!(f.summary.contains("could not confirm"), "{}", f.summary);
        assert_eq!(run(Some(true), &with(denied())).status, Status::Fail);
        let f = run(None, &with(denied()));
        assert_eq!(f.status, Status::Warn, "{}", f.summary);
        assert!(f.summary.contains("ask Lumen"), "{}", f.summary);
        assert_eq!(
            Setup::new(Phase::Post).run(&DelegatedAdmin, &listed).status,
            Status::Skipped
        );
    }

    #[test]
    fn an_account_in_no_organization_administers_nothing() {
        let standalone = AccountFacts {
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..with(DelegatedServices::Unanswered {
                reason: "AWSOrganizationsNotInUseException".into(),
            })
        };
        let f = run(None, &standalone);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert!(f.summary.contains("no organization"), "{}", f.summary);
        // Still read first: an older snapshot without the answer is an error.
        let older = AccountFacts {
            delegated_services: None,
            ..standalone
        };
        assert_eq!(run(None, &older).status, Status::Error);
    }

    /// An older snapshot has no answer at all: error, even with an attestation.
    #[test]
    fn not_in_the_snapshot_is_an_error() {
        let f = run(Some(false), &facts());
        assert_eq!(f.status, Status::Error, "{}", f.summary);
        assert!(f.summary.contains("collect it again"), "{}", f.summary);
        let failed = AccountFacts {
            delegated_services: Some(Fact::Error("Throttling: Rate exceeded".into())),
            ..facts()
        };
        assert_eq!(run(Some(false), &failed).status, Status::Error);
    }
}
