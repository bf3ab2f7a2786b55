#![doc = include_str!("../../checks/docs/stackset-stacks.md")]

use super::control_tower::CONTROL_TOWER_STACKS;
use super::regional::Coverage;
use super::{About, Check, Context, Finding, Item, Phase, Severity, Status, count, name_list};
use crate::facts::{AccountFacts, FactKind, Missing, Stack};

pub(crate) struct StacksetStacks;

about! {
    "stackset-stacks",
    title: "Stacks a StackSet deployed",
    severity: Severity::High,
    needs: &[FactKind::Regions, FactKind::Stacks],
    attestation: None,
    remediation: "Ask the reseller whether each listed StackSet retains its stacks when the account leaves (a service-managed StackSet deletes them, and what they created, unless it does); re-create what you need under your own organization, then delete the reseller's stacks after the cut-over.",
    item_kinds: &[RESELLER_STACK, STACKSET_STACK, WAIVED],
}

/// A stack of a StackSet whose name carries a reseller marker.
pub(crate) const RESELLER_STACK: &str = "reseller-stackset-stack";
/// A stack of any other StackSet (the customer's own, or one nothing marks).
pub(crate) const STACKSET_STACK: &str = "stackset-stack";
use super::WAIVED;

/// What CloudFormation names the stack of a StackSet's instance: `StackSet-<name>-<id>`.
const STACKSET_PREFIX: &str = "StackSet-";

/// The StackSet's name in one of its stacks' names (`StackSet-CTL-Logging-<uuid>` →
/// `CTL-Logging`); `None` for a stack that no StackSet deployed.
pub(crate) fn stackset_of(stack: &str) -> Option<&str> {
    let rest = stack.strip_prefix(STACKSET_PREFIX)?;
    // The instance's id is a UUID: 36 characters after the last name character.
    let name = match rest.len().checked_sub(37) {
        Some(cut) if rest.as_bytes()[cut] == b'-' && is_uuid(&rest[cut + 1..]) => &rest[..cut],
        _ => rest,
    };
    (!name.is_empty()).then_some(name)
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// "us-east-1: StackSet CTL-Logging" (the stack's ARN is among the resources).
pub(crate) fn said(region: &str, stack: &Stack) -> String {
    match stackset_of(&stack.name) {
        Some(stackset) => format!("{region}: StackSet {stackset}"),
        None => format!("{region}: {}", stack.name),
    }
}

impl Check for StacksetStacks {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let stacks = facts.stacks()?;
        let coverage = Coverage::of(stacks);
        let (mut reseller, mut others, mut items, mut resources) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (region, listed) in stacks.answered() {
            for stack in listed {
                if stack.name.starts_with(CONTROL_TOWER_STACKS) {
                    continue;
                }
                let Some(stackset) = stackset_of(&stack.name) else {
                    continue;
                };
                if let Some(waiver) = ctx
                    .attestations
                    .waiver_for(&stack.name)
                    .or_else(|| ctx.attestations.waiver_for(stackset))
                {
                    items.push(Item::waived(&stack.name, waiver));
                    continue;
                }
                let (kind, list) = match ctx.reseller.marks(stackset) {
                    Some(_) => (RESELLER_STACK, &mut reseller),
                    None => (STACKSET_STACK, &mut others),
                };
                list.push(said(region, stack));
                items.push(
                    Item::new(kind, &stack.id)
                        .with_principal(format!("StackSet {stackset}"))
                        .with_reason(format!("{region}, {}", stack.status)),
                );
                resources.push(stack.id.clone());
            }
        }
        // The reseller's first, then the others, each by region.
        items.sort_by_key(|i| (i.kind != RESELLER_STACK, i.reason.clone()));
        let mut parts = Vec::new();
        let mut status = Status::Pass;
        if !reseller.is_empty() {
            parts.push(format!(
                "{} of the reseller's StackSets: {}",
                count(reseller.len(), "stack", "stacks"),
                name_list(&reseller)
            ));
            status = match ctx.phase {
                Phase::Pre => Status::Warn,
                Phase::Post => Status::Fail,
            };
        }
        if !others.is_empty() {
            parts.push(format!(
                "{} of other StackSets: {}",
                count(others.len(), "stack", "stacks"),
                name_list(&others)
            ));
            if ctx.phase == Phase::Pre && status == Status::Pass {
                status = Status::Warn;
            }
        }
        if status == Status::Warn {
            parts.push(
                "a service-managed StackSet deletes its stacks, and what they created, when the account leaves, unless it retains them: ask the reseller".into(),
            );
        }
        if reseller.is_empty() && others.is_empty() && !coverage.incomplete() {
            parts.push(format!("no StackSet stack {}", coverage.where_read()));
        }
        if items.iter().any(|i| i.is(WAIVED)) {
            parts.push(format!("kept by waiver: {}", super::kept_list(&items)));
        }
        if coverage.incomplete() && status != Status::Fail {
            status = Status::Error;
        }
        parts.extend(coverage.parts());
        let summary = parts.join("; ");
        items.extend(coverage.items);
        Ok(Finding::new(status, summary)
            .with_resources(resources)
            .with_items(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::Waiver;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn with(regions: &[(&str, Result<Vec<&str>, &str>)]) -> AccountFacts {
        with_stacks(regions)
    }

    #[test]
    fn stackset_names() {
        assert_eq!(
            stackset_of(&format!("StackSet-CTL-Logging-{UUID}")),
            Some("CTL-Logging")
        );
        assert_eq!(stackset_of("StackSet-Baseline"), Some("Baseline"));
        assert_eq!(stackset_of("my-vpc"), None);
        assert_eq!(stackset_of("StackSet-"), None);
    }

    #[test]
    fn table() {
        let ctl = format!("StackSet-CTL-Logging-{UUID}");
        let mine = format!("StackSet-network-baseline-{UUID}");
        let tower = format!("StackSet-AWSControlTowerBP-BASELINE-CLOUDTRAIL-{UUID}");
        let cases = [
            (
                with(&[("us-east-1", Ok(vec![])), ("eu-west-1", Ok(vec!["my-vpc"]))]),
                Status::Pass,
                Status::Pass,
            ),
            (
                with(&[("us-east-1", Ok(vec![tower.as_str()]))]),
                Status::Pass,
                Status::Pass,
            ),
            (
                with(&[("eu-west-1", Ok(vec![ctl.as_str()]))]),
                Status::Warn,
                Status::Fail,
            ),
            (
                with(&[("eu-west-1", Ok(vec![mine.as_str()]))]),
                Status::Warn,
                Status::Pass,
            ),
            (
                with(&[
                    ("us-east-1", Ok(vec![])),
                    (
                        "eu-west-1",
                        Err("cloudformation:ListStacks: AccessDenied (HTTP 403): no"),
                    ),
                ]),
                Status::Error,
                Status::Error,
            ),
            (
                with(&[
                    ("us-east-1", Ok(vec![ctl.as_str()])),
                    (
                        "eu-west-1",
                        Err("cloudformation:ListStacks: AccessDenied (HTTP 403): no"),
                    ),
                ]),
                Status::Error,
                Status::Fail,
            ),
        ];
        for (facts, pre, post) in cases {
            assert_eq!(
                Setup::both(&StacksetStacks, &facts),
                (pre, post),
                "{facts:?}"
            );
        }
    }

    #[test]
    fn the_resellers_come_first_by_region_and_a_failed_region_is_named() {
        let ctl = format!("StackSet-CTL-Logging-{UUID}");
        let mine = format!("StackSet-network-baseline-{UUID}");
        let facts = with(&[
            ("ap-south-1", Ok(vec![mine.as_str()])),
            ("eu-west-1", Ok(vec![ctl.as_str()])),
            (
                "us-west-2",
                Err("cloudformation:ListStacks: AccessDenied (HTTP 403): no"),
            ),
        ]);
        let finding = Setup::new(Phase::Pre).run(&StacksetStacks, &facts);
        assert_eq!(finding.status, Status::Error);
        assert!(
            finding.summary.starts_with(
                "1 stack of the reseller's StackSets: eu-west-1: StackSet CTL-Logging"
            ),
            "{}",
            finding.summary
        );
        assert!(
            finding
                .summary
                .contains("not read in 1 region (us-west-2): cloudformation:ListStacks"),
            "{}",
            finding.summary
        );
        let kinds: Vec<&str> = finding.items.iter().map(|i| &*i.kind).collect();
        assert_eq!(kinds, [RESELLER_STACK, STACKSET_STACK, "access-denied"]);
        assert!(
            finding.items[0]
                .resource()
                .starts_with("arn:aws:cloudformation:eu-west-1:")
        );
    }

    #[test]
    fn regions_left_out_are_said_and_waivers_keep_a_stack() {
        let ctl = format!("StackSet-CTL-Logging-{UUID}");
        let mut facts = with(&[("eu-west-1", Ok(vec![ctl.as_str()]))]);
        if let Some(Fact::Ok(stacks)) = &mut facts.stacks {
            stacks.left_out = vec!["us-east-2".into()];
        }
        let mut setup = Setup::new(Phase::Post);
        setup.attestations.keep.push(Waiver {
            name: "CTL-Logging".into(),
            reason: "our log pipeline".into(),
        });
        let finding = setup.run(&StacksetStacks, &facts);
        assert_eq!(finding.status, Status::Pass, "{}", finding.summary);
        assert!(
            finding.summary.contains("kept by waiver"),
            "{}",
            finding.summary
        );
        assert!(
            finding
                .summary
                .contains("1 enabled region left out by --regions: us-east-2"),
            "{}",
            finding.summary
        );
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&StacksetStacks);
    }
}
