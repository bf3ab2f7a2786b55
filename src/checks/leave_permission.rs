#![doc = include_str!("../../checks/docs/leave-permission.md")]

use super::{About, Check, Context, Finding, Item, Phase, Severity, Status, Under};
use crate::facts::{AccountFacts, FactKind, LeaveOutcome, Missing};

pub(crate) struct LeavePermission;

about! {
    "leave-permission",
    title: "Permission to leave the organization",
    severity: Severity::High,
    needs: &[FactKind::LeavePermission],
    attestation: Some("leaver"),
    remediation: "Ask the reseller to exempt the leaver from the SCP that denies organizations:LeaveOrganization (for a direct move also organizations:AcceptHandshake), or to remove the account itself; allow the actions in the leaver's IAM policies; or name an existing leaver.",
    item_kinds: &[
        ALLOWED,
        DENIED_BY_SCP,
        DENIED_BY_IAM,
        NO_SUCH_PRINCIPAL,
        RESELLER_REMOVES,
        ACCEPT_ALLOWED,
        ACCEPT_DENIED_BY_SCP,
        ACCEPT_DENIED_BY_IAM,
    ],
}

/// The simulation allows it (principal: the leaver).
pub(crate) const ALLOWED: &str = "leave-allowed";
/// The organization's service control policies deny it (principal: the leaver).
pub(crate) const DENIED_BY_SCP: &str = "leave-denied-by-scp";
/// The principal's IAM policies deny it (principal: the leaver, reason: the decision).
pub(crate) const DENIED_BY_IAM: &str = "leave-denied-by-iam";
/// The principal does not exist.
pub(crate) const NO_SUCH_PRINCIPAL: &str = "no-such-principal";
/// No leaver named: the reseller removes the account.
pub(crate) const RESELLER_REMOVES: &str = "reseller-removes";

/// For a direct move, the same for accepting the new organization's invitation.
pub(crate) const ACCEPT_ALLOWED: &str = "accept-allowed";
pub(crate) const ACCEPT_DENIED_BY_SCP: &str = "accept-denied-by-scp";
pub(crate) const ACCEPT_DENIED_BY_IAM: &str = "accept-denied-by-iam";

const ACTION: &str = crate::facts::LEAVE_ACTION;
const ACCEPT_ACTION: &str = crate::facts::ACCEPT_ACTION;

impl Check for LeavePermission {
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
        if let LeaveOutcome::NoSuchPrincipal = simulation.outcome {
            return Ok(Finding::new(
                Status::Fail,
                format!("the leaver {arn} does not exist in the account (iam:SimulatePrincipalPolicy: NoSuchEntity)"),
            )
            .with_items(vec![Item::new(NO_SUCH_PRINCIPAL, arn).with_principal(arn)])
            .with_resources(vec![arn.to_string()]));
        }
        let mut verdicts = vec![verdict(&LEAVE, &simulation.outcome, arn)];
        if ctx.moving.is_direct() {
            let accept = simulation
                .accept_handshake
                .as_ref()
                .ok_or(Missing::NotCollected("leave_permission.accept_handshake"))?;
            verdicts.push(verdict(&ACCEPT, accept, arn));
        }
        // The denied actions, said once per cause: what to ask for differs.
        let denied = |cause: Cause| -> Vec<String> {
            verdicts
                .iter()
                .filter(|v| v.denied == Some(cause))
                .map(|v| match &v.decision {
                    Some(d) if cause == Cause::Iam => format!("{} ({d})", v.action),
                    _ => v.action.to_string(),
                })
                .collect()
        };
        let mut said = Vec::new();
        let by_scp = denied(Cause::Scp);
        if !by_scp.is_empty() {
            said.push(format!(
                "the organization's service control policies deny {} to {arn}: ask {company} to exempt it from the SCP, or to remove the account itself",
                by_scp.join(" and ")
            ));
        }
        let by_iam = denied(Cause::Iam);
        if !by_iam.is_empty() {
            said.push(format!(
                "the IAM policies of {arn} do not allow {}; the organization's SCPs do not deny it: allow it in the leaver's IAM policies",
                by_iam.join(" and ")
            ));
        }
        let (status, summary) = if said.is_empty() {
            let actions: Vec<&str> = verdicts.iter().map(|v| v.action).collect();
            (
                Status::Pass,
                format!(
                    "{arn} may call {}: its IAM policies and the organization's SCPs allow it{}",
                    actions.join(" and "),
                    if verdicts.len() > 1 {
                        " (a direct move leaves and accepts the invitation)"
                    } else {
                        ""
                    }
                ),
            )
        } else {
            (Status::Fail, said.join("; "))
        };
        Ok(Finding::new(status, summary)
            .with_items(verdicts.into_iter().map(|v| v.item).collect())
            .with_resources(vec![arn.to_string()]))
    }
}

/// One simulated action and the item kinds that say its outcome.
struct Action {
    name: &'static str,
    allowed: &'static str,
    by_scp: &'static str,
    by_iam: &'static str,
}

const LEAVE: Action = Action {
    name: ACTION,
    allowed: ALLOWED,
    by_scp: DENIED_BY_SCP,
    by_iam: DENIED_BY_IAM,
};

const ACCEPT: Action = Action {
    name: ACCEPT_ACTION,
    allowed: ACCEPT_ALLOWED,
    by_scp: ACCEPT_DENIED_BY_SCP,
    by_iam: ACCEPT_DENIED_BY_IAM,
};

/// What denies an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// The organization's service control policies (`AllowedByOrganizations` false).
    Scp,
    /// The principal's own IAM policies.
    Iam,
}

/// What the simulation said of one action.
struct Verdict {
    action: &'static str,
    /// `None`: allowed.
    denied: Option<Cause>,
    /// IAM's `EvalDecision` when denied.
    decision: Option<String>,
    item: Item,
}

/// The outcome is `Evaluated`: a missing principal is judged before.
fn verdict(action: &Action, outcome: &LeaveOutcome, arn: &str) -> Verdict {
    let (denied, decision, kind) = match outcome {
        // Judged before, for the whole simulation.
        LeaveOutcome::NoSuchPrincipal => (Some(Cause::Iam), None, NO_SUCH_PRINCIPAL),
        LeaveOutcome::Evaluated {
            allowed_by_organizations: Some(false),
            eval_decision,
        } => (Some(Cause::Scp), Some(eval_decision), action.by_scp),
        LeaveOutcome::Evaluated { eval_decision, .. } if eval_decision != "allowed" => {
            (Some(Cause::Iam), Some(eval_decision), action.by_iam)
        }
        LeaveOutcome::Evaluated { .. } => (None, None, action.allowed),
    };
    let mut item = Item::new(kind, arn).with_principal(arn);
    if let Some(d) = decision {
        item = item.with_reason(d.clone());
    }
    Verdict {
        action: action.name,
        denied,
        decision: decision.cloned(),
        item,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::{Leaver, MoveKind};
    use crate::checks::testing::*;
    use crate::facts::{Fact, LeaveSimulation};

    const ADMIN: &str = "arn:aws:iam::111111111111:role/Admin";

    fn simulated(outcome: LeaveOutcome) -> AccountFacts {
        AccountFacts {
            leave_permission: Some(Fact::Ok(LeaveSimulation {
                principal: ADMIN.into(),
                outcome,
                accept_handshake: None,
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

    fn outcome(decision: &str, by_orgs: Option<bool>) -> LeaveOutcome {
        LeaveOutcome::Evaluated {
            eval_decision: decision.into(),
            allowed_by_organizations: by_orgs,
        }
    }

    fn both(leave: LeaveOutcome, accept: Option<LeaveOutcome>) -> AccountFacts {
        AccountFacts {
            leave_permission: Some(Fact::Ok(LeaveSimulation {
                principal: ADMIN.into(),
                outcome: leave,
                accept_handshake: accept,
            })),
            ..facts()
        }
    }

    fn run_moving(kind: MoveKind, facts: &AccountFacts) -> Finding {
        let mut s = Setup::new(Phase::Pre);
        s.leaver = Some(Leaver::Named("role/Admin".into()));
        s.new_org = Some("o-acmenew0001".into());
        s.moving = Some(kind);
        s.run(&LeavePermission, facts)
    }

    /// A direct move accepts the invitation too: AcceptHandshake is judged, and named.
    #[test]
    fn a_direct_move_also_needs_accept_handshake() {
        let allowed = || outcome("allowed", Some(true));
        let by_scp = both(allowed(), Some(outcome("implicitDeny", Some(false))));
        let f = run_moving(MoveKind::Direct, &by_scp);
        assert_eq!(f.status, Status::Fail, "{}", f.summary);
        assert!(
            f.summary.contains("deny organizations:AcceptHandshake to")
                && !f.summary.contains("LeaveOrganization"),
            "{}",
            f.summary
        );
        assert!(
            f.items.len() == 2 && f.items[0].is(ALLOWED) && f.items[1].is(ACCEPT_DENIED_BY_SCP),
            "{:?}",
            f.items
        );

        // Both denied by the SCP: said once, naming both.
        let f = run_moving(
            MoveKind::Direct,
            &both(
                outcome("implicitDeny", Some(false)),
                Some(outcome("explicitDeny", Some(false))),
            ),
        );
        assert_eq!(f.summary.matches("service control policies").count(), 1);
        assert!(
            f.summary
                .contains("organizations:LeaveOrganization and organizations:AcceptHandshake"),
            "{}",
            f.summary
        );

        // Denied by IAM, with the decision.
        let f = run_moving(
            MoveKind::Direct,
            &both(allowed(), Some(outcome("explicitDeny", Some(true)))),
        );
        assert!(
            f.summary.contains("AcceptHandshake (explicitDeny)") && f.summary.contains("IAM"),
            "{}",
            f.summary
        );
        assert!(f.items[1].is(ACCEPT_DENIED_BY_IAM));

        let f = run_moving(MoveKind::Direct, &both(allowed(), Some(allowed())));
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert!(f.summary.contains("AcceptHandshake"), "{}", f.summary);

        // Leaving first accepts nothing as a member: AcceptHandshake is not judged.
        let f = run_moving(MoveKind::Standalone, &by_scp);
        assert_eq!(f.status, Status::Pass, "{}", f.summary);
        assert!(!f.summary.contains("AcceptHandshake"), "{}", f.summary);
    }

    /// An older snapshot simulated LeaveOrganization only: a direct move cannot be judged.
    #[test]
    fn a_direct_move_without_accept_handshake_in_the_snapshot_is_an_error() {
        let older = both(outcome("allowed", Some(true)), None);
        let f = run_moving(MoveKind::Direct, &older);
        assert_eq!(f.status, Status::Error, "{}", f.summary);
        assert!(f.summary.contains("collect it again"), "{}", f.summary);
        assert_eq!(
            run_moving(MoveKind::Standalone, &older).status,
            Status::Pass
        );
    }
}
