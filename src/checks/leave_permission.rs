//! # leave-permission: the named leaver may leave the organization
//!
//! ## What it checks
//! Before the cut-over, for the principal named to leave the organization in the account
//! (`--leaver role/NAME` or `user/NAME` for every account, or `leaver = "..."` for one
//! account in the attestations, also as a full ARN), simulates
//! `organizations:LeaveOrganization` with `iam:SimulatePrincipalPolicy`, which weighs both
//! the principal's IAM policies and the organization's service control policies
//! (`OrganizationsDecisionDetail`). Allowed by both: `pass`. Denied: `fail`, saying which
//! denies it — the service control policies (`AllowedByOrganizations` false) or the
//! principal's IAM policies (`implicitDeny`, `explicitDeny`). The principal does not exist
//! (`NoSuchEntity`): `fail`. No leaver named: `skipped` (the reseller removes the account).
//! After the cut-over: `skipped`.
//!
//! ## Why it blocks departure
//! An account leaves an organization when someone inside it calls `LeaveOrganization`, or
//! when the organization's management account removes it. Resellers' service control
//! policies usually deny `LeaveOrganization` to their customers, so on the cut-over day the
//! customer's administrator finds the door locked. Knowing it days before leaves time to
//! ask the reseller to change its policy, or to have the reseller remove the account.
//!
//! ## How to fix
//! Denied by the service control policy: ask the reseller to exempt the leaver from the
//! SCP that denies `organizations:LeaveOrganization` (or to remove the account from its
//! organization itself, and then name no leaver). Denied by IAM: give the leaver a policy
//! that allows `organizations:LeaveOrganization` (e.g. attach it to `role/Admin`). No such
//! principal: correct the name in `--leaver` or the attestation's `leaver`, or create it.

use super::{Check, Context, Finding, Item, Phase, Severity, Status};
use crate::facts::{AccountFacts, FactKind, LeaveOutcome, Missing};

pub struct LeavePermission;

/// The simulation allows it (principal: the leaver).
const ALLOWED: &str = "leave-allowed";
/// The organization's service control policies deny it (principal: the leaver).
const DENIED_BY_SCP: &str = "leave-denied-by-scp";
/// The principal's IAM policies deny it (principal: the leaver, reason: the decision).
const DENIED_BY_IAM: &str = "leave-denied-by-iam";
/// The principal does not exist.
const NO_SUCH_PRINCIPAL: &str = "no-such-principal";
/// No leaver named: the reseller removes the account.
const RESELLER_REMOVES: &str = "reseller-removes";

const ACTION: &str = "organizations:LeaveOrganization";

impl Check for LeavePermission {
    fn id(&self) -> &'static str {
        "leave-permission"
    }
    fn attestation(&self) -> Option<&'static str> {
        Some("leaver")
    }
    fn title(&self) -> &'static str {
        "Permission to leave the organization"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::LeavePermission]
    }
    fn reads_under(&self, phase: Phase, _new_org: Option<&str>) -> bool {
        phase == Phase::Pre
    }
    fn source(&self) -> &'static str {
        include_str!("leave_permission.rs")
    }
    fn remediation(&self) -> &'static str {
        "Ask the reseller to exempt the leaver from the SCP that denies organizations:LeaveOrganization (or to remove the account itself); allow the action in the leaver's IAM policies; or name an existing leaver."
    }
    fn item_kinds(&self) -> &'static [&'static str] {
        &[
            ALLOWED,
            DENIED_BY_SCP,
            DENIED_BY_IAM,
            NO_SUCH_PRINCIPAL,
            RESELLER_REMOVES,
        ]
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        if ctx.phase == Phase::Post {
            return Ok(Finding::new(
                Status::Skipped,
                "after the cut-over there is nothing left to leave",
            ));
        }
        let Some(leaver) = ctx.leaver else {
            return Ok(Finding::new(
                Status::Skipped,
                format!(
                    "no leaver named: the reseller ({}) removes the account (name one with --leaver role/NAME or `leaver` in the attestations to check it can leave itself)",
                    ctx.reseller.ticket.company
                ),
            )
            .with_items(vec![Item::about(
                RESELLER_REMOVES,
                "no leaver named",
            )]));
        };
        let simulation = facts.leave_permission()?;
        let arn = simulation.principal.as_str();
        if !leaver.is(arn, &facts.account_id) {
            return Err(Missing::Failed(format!(
                "the facts simulate {arn}, not the leaver named ({}): collect them again with that leaver",
                leaver.as_str()
            )));
        }
        let company = &ctx.reseller.ticket.company;
        let finding = match &simulation.outcome {
            LeaveOutcome::NoSuchPrincipal => Finding::new(
                Status::Fail,
                format!("the leaver {arn} does not exist in the account (iam:SimulatePrincipalPolicy: NoSuchEntity)"),
            )
            .with_items(vec![Item::new(NO_SUCH_PRINCIPAL, arn).with_principal(arn)]),
            LeaveOutcome::Evaluated {
                allowed_by_organizations: Some(false),
                eval_decision,
            } => Finding::new(
                Status::Fail,
                format!(
                    "the organization's service control policies deny {ACTION} to {arn}: ask {company} to exempt it from the SCP, or to remove the account itself"
                ),
            )
            .with_items(vec![
                Item::new(DENIED_BY_SCP, arn)
                    .with_principal(arn)
                    .with_reason(eval_decision.clone()),
            ]),
            LeaveOutcome::Evaluated { eval_decision, .. } if eval_decision != "allowed" => {
                Finding::new(
                    Status::Fail,
                    format!(
                        "the IAM policies of {arn} do not allow {ACTION} ({eval_decision}); the organization's SCPs do not deny it: allow it in the leaver's IAM policies"
                    ),
                )
                .with_items(vec![
                    Item::new(DENIED_BY_IAM, arn)
                        .with_principal(arn)
                        .with_reason(eval_decision.clone()),
                ])
            }
            LeaveOutcome::Evaluated { .. } => Finding::new(
                Status::Pass,
                format!("{arn} may call {ACTION}: its IAM policies and the organization's SCPs allow it"),
            )
            .with_items(vec![Item::new(ALLOWED, arn).with_principal(arn)]),
        };
        Ok(finding.with_resources(vec![arn.to_string()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{Fact, LeaveSimulation};
    use crate::policy::Leaver;

    const ADMIN: &str = "arn:aws:iam::111111111111:role/Admin";

    fn simulated(outcome: LeaveOutcome) -> AccountFacts {
        AccountFacts {
            leave_permission: Some(Fact::Ok(LeaveSimulation {
                principal: ADMIN.into(),
                outcome,
            })),
            ..facts()
        }
    }

    fn evaluated(decision: &str, by_orgs: Option<bool>) -> AccountFacts {
        simulated(LeaveOutcome::Evaluated {
            eval_decision: decision.into(),
            allowed_by_organizations: by_orgs,
        })
    }

    fn run(phase: Phase, leaver: Option<&str>, facts: &AccountFacts) -> Finding {
        let mut s = Setup::new(phase);
        s.leaver = leaver.map(|l| Leaver::Named(l.into()));
        s.run(&LeavePermission, facts)
    }

    #[test]
    fn table() {
        let cases = [
            (
                evaluated("allowed", Some(true)),
                Status::Pass,
                ALLOWED,
                "may call",
            ),
            (
                evaluated("allowed", None),
                Status::Pass,
                ALLOWED,
                "may call",
            ),
            (
                evaluated("explicitDeny", Some(false)),
                Status::Fail,
                DENIED_BY_SCP,
                "service control policies",
            ),
            (
                evaluated("implicitDeny", Some(false)),
                Status::Fail,
                DENIED_BY_SCP,
                "ask Lumen",
            ),
            (
                evaluated("implicitDeny", Some(true)),
                Status::Fail,
                DENIED_BY_IAM,
                "IAM policies",
            ),
            (
                evaluated("explicitDeny", None),
                Status::Fail,
                DENIED_BY_IAM,
                "explicitDeny",
            ),
            (
                simulated(LeaveOutcome::NoSuchPrincipal),
                Status::Fail,
                NO_SUCH_PRINCIPAL,
                "does not exist",
            ),
        ];
        for (facts, status, kind, said) in cases {
            let f = run(Phase::Pre, Some("role/Admin"), &facts);
            assert_eq!(f.status, status, "{facts:?}: {}", f.summary);
            assert!(f.summary.contains(said), "{said:?} not in {}", f.summary);
            assert!(f.summary.contains(ADMIN), "{}", f.summary);
            assert_eq!(f.items.len(), 1);
            assert!(
                f.items[0].is(kind) && f.items[0].principal() == ADMIN,
                "{:?}",
                f.items
            );
            assert_eq!(
                run(Phase::Post, Some("role/Admin"), &facts).status,
                Status::Skipped
            );
        }
    }

    #[test]
    fn no_leaver_is_skipped_the_reseller_removes_the_account() {
        let f = run(Phase::Pre, None, &facts());
        assert_eq!(f.status, Status::Skipped);
        assert!(f.summary.contains("removes the account"), "{}", f.summary);
        assert!(f.items[0].is(RESELLER_REMOVES));
    }

    #[test]
    fn a_simulation_of_another_principal_is_an_error() {
        let f = run(
            Phase::Pre,
            Some("user/alice"),
            &evaluated("allowed", Some(true)),
        );
        assert_eq!(f.status, Status::Error);
        assert!(
            f.summary.contains("user/alice") && f.summary.contains(ADMIN),
            "{}",
            f.summary
        );
        let f = run(Phase::Pre, Some("role/Admin"), &facts());
        assert_eq!(f.status, Status::Error);
        assert!(f.summary.contains("not in the snapshot"), "{}", f.summary);
    }

    #[test]
    fn fails_closed_with_a_leaver() {
        for facts in [
            AccountFacts::unreachable(ACCOUNT, "role could not be assumed"),
            AccountFacts {
                leave_permission: Some(Fact::Error(
                    "iam:SimulatePrincipalPolicy: AccessDenied".into(),
                )),
                ..facts()
            },
        ] {
            assert_eq!(
                run(Phase::Pre, Some("role/Admin"), &facts).status,
                Status::Error
            );
        }
    }
}
