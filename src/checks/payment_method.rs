#![doc = include_str!("../../checks/docs/payment-method.md")]

use super::{About, Check, Context, Finding, Item, Severity, Status, Under};
use crate::attestations::MoveKind;
use crate::facts::{AccountFacts, FactKind, Missing, PaymentInstrument, Unread};

pub(crate) struct PaymentMethod;

about! {
    "payment-method",
    title: "Payment method",
    severity: Severity::Critical,
    // Roles only enrich the message.
    needs: &[FactKind::PaymentInstruments, FactKind::Roles],
    attestation: Some("payment_method"),
    remediation: "Add a payment method in Billing → Payment preferences; let the audit role read it (payments:ListPaymentInstruments), or attest it (payment_method) in the attestations file.",
    item_kinds: &[
        ACTIVE,
        INACTIVE,
        NONE,
        ATTESTED,
        RESELLER_CREATED,
        NOT_NEEDED,
    ],
}

/// The role AWS Organizations creates in accounts it creates.
pub(crate) const ORG_CREATED_ROLE: &str = "OrganizationAccountAccessRole";

/// An instrument AWS can charge (resource: its id, principal: its method).
pub(crate) const ACTIVE: &str = "active-instrument";
/// An instrument AWS cannot charge (reason: its status).
pub(crate) const INACTIVE: &str = "inactive-instrument";
/// AWS answered with no instrument at all.
pub(crate) const NONE: &str = "no-instrument";
/// The attestation (principal: who, reason: when).
pub(crate) const ATTESTED: &str = "attested";
/// The account has OrganizationAccountAccessRole: the reseller probably created it.
pub(crate) const RESELLER_CREATED: &str = "reseller-created";
/// A direct move: the new organization pays (principal: the organization).
pub(crate) const NOT_NEEDED: &str = "not-needed";

impl Check for PaymentMethod {
    fn about(&self) -> &'static About {
        &ABOUT
    }
    /// A direct move needs no payment method of the account's own: nothing to read.
    fn reads_under(&self, under: Under<'_>) -> bool {
        under.moving != MoveKind::Direct
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        if ctx.moving.is_direct() {
            let org = ctx.new_org.unwrap_or("the new organization");
            return Ok(Finding::new(
                Status::Pass,
                format!(
                    "not needed: moves directly into {org}, which pays ({})",
                    ctx.moving.why
                ),
            )
            .with_items(vec![
                Item::about(NOT_NEEDED, "direct move").with_principal(org),
            ]));
        }
        let attested =
            ctx.attestations.payment_method.as_ref().map(|a| {
                Item::about(ATTESTED, format!("on {}", a.on)).with_principal(a.by.clone())
            });
        let (status, mut summary, mut items) = match facts.payment_instruments() {
            Ok(instruments) => answered(instruments, attested),
            Err(Missing::Failed(reason)) => unanswered(&reason, attested),
            // Not in a snapshot, or the account unreachable: nothing to fall back on.
            Err(missing) => return Err(missing),
        };
        if status != Status::Pass {
            match facts.roles() {
                Ok(roles) if roles.iter().any(|r| r.name == ORG_CREATED_ROLE) => {
                    summary.push_str("; the account has OrganizationAccountAccessRole, so the reseller probably created it and it never had a payment method");
                    items.push(Item::new(RESELLER_CREATED, ORG_CREATED_ROLE));
                }
                Ok(_) => {}
                Err(_) => summary.push_str(
                    "; could not read the roles to tell whether the reseller created the account",
                ),
            }
        }
        let resources = items
            .iter()
            .filter(|i| i.is(ACTIVE) || i.is(INACTIVE))
            .map(|i| i.resource().to_string())
            .collect();
        Ok(Finding::new(status, summary)
            .with_resources(resources)
            .with_items(items))
    }
}

type Verdict = (Status, String, Vec<Item>);

/// "attested by ap@example.com on 2026-11-20".
fn attestation_words(attested: &Item) -> String {
    format!("attested by {} {}", attested.principal(), attested.reason())
}

/// AWS answered: an ACTIVE instrument passes; none fails, whatever is attested.
fn answered(instruments: &[PaymentInstrument], attested: Option<Item>) -> Verdict {
    let active: Vec<Item> = instruments
        .iter()
        .filter(|i| i.is_active())
        .map(|i| Item::new(ACTIVE, instrument_name(i)).with_principal(i.method.clone()))
        .collect();
    if !active.is_empty() {
        let methods: Vec<&str> = active.iter().map(Item::principal).collect();
        let mut summary = format!("AWS lists an active payment method: {}", methods.join(", "));
        if let Some(a) = &attested {
            summary.push_str(&format!(" (also {})", attestation_words(a)));
        }
        return (
            Status::Pass,
            summary,
            active.into_iter().chain(attested).collect(),
        );
    }
    let mut items: Vec<Item> = instruments
        .iter()
        .map(|i| {
            Item::new(INACTIVE, instrument_name(i))
                .with_principal(i.method.clone())
                .with_reason(i.status.clone())
        })
        .collect();
    let seen = if items.is_empty() {
        items.push(Item::about(NONE, "AWS lists no payment instrument"));
        "AWS lists no payment method".to_string()
    } else {
        let listed: Vec<String> = items
            .iter()
            .map(|i| format!("{} {}", i.principal(), i.reason()))
            .collect();
        format!("AWS lists no active payment method: {}", listed.join(", "))
    };
    let summary = match &attested {
        Some(a) => format!(
            "{seen}, although the payment method is {}: AWS's answer wins",
            attestation_words(a)
        ),
        None => seen,
    };
    (
        Status::Fail,
        summary,
        items.into_iter().chain(attested).collect(),
    )
}

/// AWS did not answer: the attestation decides, and the finding says why AWS could not.
fn unanswered(reason: &str, attested: Option<Item>) -> Verdict {
    // What AWS did not answer, as every check says it (kind: the kind of failure).
    let unread = Item::unread(Unread::of(reason), reason);
    match attested {
        Some(a) => (
            Status::Pass,
            format!(
                "payment method {}; AWS could not confirm it: {reason}",
                attestation_words(&a)
            ),
            vec![a, unread],
        ),
        None => (
            Status::Manual,
            format!(
                "AWS did not say whether a payment method is set ({reason}), and no attestation says so"
            ),
            vec![unread],
        ),
    }
}

/// An instrument's id (or ARN, or method when AWS gives neither).
fn instrument_name(i: &PaymentInstrument) -> String {
    i.id.clone()
        .or_else(|| i.arn.clone())
        .unwrap_or_else(|| i.method.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::Attested;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::facts::{Fact, Role};

    fn with(instruments: Option<Fact<Vec<PaymentInstrument>>>, roles: &[&str]) -> AccountFacts {
        let roles = roles
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
            payment_instruments: instruments,
            ..facts()
        }
    }

    fn instrument(method: &str, status: &str) -> PaymentInstrument {
        PaymentInstrument {
            id: Some(format!("pi-{}", method.to_lowercase())),
            arn: None,
            method: method.into(),
            status: status.into(),
        }
    }

    fn answered(list: Vec<PaymentInstrument>) -> Option<Fact<Vec<PaymentInstrument>>> {
        Some(Fact::Ok(list))
    }

    fn denied() -> Option<Fact<Vec<PaymentInstrument>>> {
        Some(Fact::Error(
            "payments:ListPaymentInstruments: AccessDeniedException: not authorized".into(),
        ))
    }

    fn attested(phase: Phase) -> Setup {
        let mut s = Setup::new(phase);
        s.attestations.payment_method = Some(Attested {
            by: "ap@example.com".into(),
            on: time::macros::date!(2026 - 11 - 20),
        });
        s
    }

    #[test]
    fn an_active_instrument_passes_and_names_its_method_without_attestation() {
        let facts = with(
            answered(vec![
                instrument("SEPA_BANK_ACCOUNT", "INVALID"),
                instrument("CARD", "ACTIVE"),
            ]),
            &[ORG_CREATED_ROLE],
        );
        for phase in Phase::ALL {
            let f = Setup::new(phase).run(&PaymentMethod, &facts);
            assert_eq!(f.status, Status::Pass);
            assert!(f.summary.contains("CARD"), "{}", f.summary);
            assert!(!f.summary.contains(ORG_CREATED_ROLE), "{}", f.summary);
            assert_eq!(f.resources, ["pi-card"]);
            assert!(
                f.items
                    .iter()
                    .any(|i| i.is(ACTIVE) && i.principal() == "CARD")
            );
        }
    }

    #[test]
    fn answered_without_an_active_instrument_fails_even_when_attested() {
        for list in [vec![instrument("CARD", "INVALID")], vec![]] {
            let facts = with(answered(list), &[ORG_CREATED_ROLE]);
            for phase in Phase::ALL {
                let f = attested(phase).run(&PaymentMethod, &facts);
                assert_eq!(f.status, Status::Fail, "{}", f.summary);
                // Both AWS's answer and the attestation are in the report.
                assert!(f.summary.contains("ap@example.com"), "{}", f.summary);
                assert!(f.items.iter().any(|i| i.is(ATTESTED)));
                assert!(f.items.iter().any(|i| i.is(INACTIVE) || i.is(NONE)));
                assert!(f.summary.contains(ORG_CREATED_ROLE), "{}", f.summary);
                assert!(f.items.iter().any(|i| i.is(RESELLER_CREATED)));
            }
        }
        let f = attested(Phase::Pre).run(
            &PaymentMethod,
            &with(answered(vec![instrument("CARD", "INVALID")]), &[]),
        );
        assert!(
            f.summary.contains("payment method: CARD INVALID"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn unanswered_falls_back_to_the_attestation_and_says_why() {
        let facts = with(denied(), &["Admin"]);
        let f = attested(Phase::Pre).run(&PaymentMethod, &facts);
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.summary.contains("AWS could not confirm")
                && f.summary.contains("AccessDeniedException"),
            "{}",
            f.summary
        );
        assert!(
            f.items.iter().any(|i| i.is("access-denied")
                && i.resource() == "payments:ListPaymentInstruments"),
            "{:?}",
            f.items
        );
        let f = Setup::new(Phase::Post).run(&PaymentMethod, &facts);
        assert_eq!(f.status, Status::Manual);
        assert!(f.summary.contains("AccessDeniedException"), "{}", f.summary);
        assert!(!f.summary.contains(ORG_CREATED_ROLE), "{}", f.summary);
        let f = Setup::new(Phase::Pre).run(&PaymentMethod, &with(denied(), &[ORG_CREATED_ROLE]));
        assert!(f.summary.contains(ORG_CREATED_ROLE), "{}", f.summary);
    }

    #[test]
    fn not_in_the_snapshot_is_an_error_even_when_attested() {
        let f = attested(Phase::Pre).run(&PaymentMethod, &with(None, &[]));
        assert_eq!(f.status, Status::Error);
        assert!(f.summary.contains("not in the snapshot"), "{}", f.summary);
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&PaymentMethod);
    }

    /// A direct move never stands alone: no payment method of its own is needed,
    /// whatever AWS lists; leaving first, the same account fails.
    #[test]
    fn a_direct_move_needs_no_payment_method() {
        let mut direct = Setup::new(Phase::Pre);
        direct.new_org = Some(NEW_ORG.into());
        direct.moving = Some(crate::attestations::MoveKind::Direct);
        for instruments in [
            answered(vec![]),
            answered(vec![instrument("CARD", "INVALID")]),
            denied(),
        ] {
            let f = direct.run(&PaymentMethod, &with(instruments.clone(), &[]));
            assert_eq!(f.status, Status::Pass, "{}", f.summary);
            assert!(
                f.summary.starts_with(&format!(
                    "not needed: moves directly into {NEW_ORG}, which pays"
                )),
                "{}",
                f.summary
            );
            assert!(
                f.items
                    .iter()
                    .any(|i| i.is(NOT_NEEDED) && i.principal() == NEW_ORG)
            );
            let standalone = Setup::new(Phase::Pre).run(&PaymentMethod, &with(instruments, &[]));
            assert_ne!(standalone.status, Status::Pass, "{}", standalone.summary);
        }
    }
}
