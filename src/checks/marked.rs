//! Shared by the checks that look for IAM entities named with a reseller marker: which
//! names carry a marker, which of those the customer keeps on purpose, and the finding.

use super::{Context, Finding, Item, Status, WAIVED, count, kept_list, leftover_status, name_list};

/// An IAM entity as the marker checks see it.
pub(crate) struct Entity<'a> {
    pub name: &'a str,
    pub arn: &'a str,
}

/// Evaluates the entities against the reseller's markers and the account's waivers:
/// none marked, or all marked ones kept with a reason: `pass`; otherwise warn before the
/// cut-over and fail after it. `nouns` is (singular, plural); `kind` is the item kind of
/// a marked entity not kept; resources are ARNs. The summary is said from the items.
pub(crate) fn leftover_finding<'a>(
    (noun, nouns): (&str, &str),
    kind: &'static str,
    entities: impl IntoIterator<Item = Entity<'a>>,
    ctx: &Context<'_>,
) -> Finding {
    let mut items = Vec::new();
    let mut arns = Vec::new();
    for entity in entities {
        if ctx.reseller.marks(entity.name).is_none() {
            continue;
        }
        match ctx.attestations.waiver_for(entity.name) {
            Some(waiver) => items.push(Item::waived(entity.name, waiver)),
            None => {
                items.push(Item::new(kind, entity.name));
                arns.push(entity.arn.to_string());
            }
        }
    }
    let flagged: Vec<String> = items
        .iter()
        .filter(|i| i.is(kind))
        .map(|i| i.resource().to_string())
        .collect();
    let any_waived = items.iter().any(|i| i.is(WAIVED));
    let markers = ctx.reseller.marker_list();
    let kept_note = if any_waived {
        format!("; kept by waiver: {}", kept_list(&items))
    } else {
        String::new()
    };
    if flagged.is_empty() {
        let summary = if any_waived {
            format!(
                "every {noun} named with {markers} is kept by waiver: {}",
                kept_list(&items)
            )
        } else {
            format!("no {noun} named with {markers}")
        };
        return Finding::new(Status::Pass, summary).with_items(items);
    }
    let status = leftover_status(ctx.phase);
    Finding::new(
        status,
        format!(
            "{} named with {markers}: {}{kept_note}",
            count(flagged.len(), noun, nouns),
            name_list(&flagged)
        ),
    )
    .with_resources(arns)
    .with_items(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::Waiver;
    use crate::checks::Phase;
    use crate::checks::testing::*;

    fn run(setup: &Setup, names: &[&str]) -> Finding {
        let arns: Vec<String> = names
            .iter()
            .map(|n| format!("arn:aws:iam::{ACCOUNT}:policy/{n}"))
            .collect();
        leftover_finding(
            ("policy", "policies"),
            "marked-policy",
            names
                .iter()
                .zip(&arns)
                .map(|(name, arn)| Entity { name, arn }),
            &setup.ctx(),
        )
    }

    #[test]
    fn markers_are_case_insensitive_words() {
        let setup = Setup::new(Phase::Post);
        let f = run(
            &setup,
            &[
                "CTL-Admin",
                "ops-ctl-readonly",
                "Control",
                "MyPolicy",
                "eks-kubectl-deployer",
                "DirectLinkReadOnly",
            ],
        );
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.summary.starts_with("2 policies named with CTL"),
            "{}",
            f.summary
        );
        assert_eq!(f.resources.len(), 2);
        assert!(f.resources[0].ends_with("policy/CTL-Admin"));
        assert_eq!(
            run(&setup, &["Control", "MyPolicy", "kubectl-ci"]).status,
            Status::Pass
        );
    }

    #[test]
    fn waivers_turn_names_into_pass_with_the_reason() {
        let mut setup = Setup::new(Phase::Post);
        setup.attestations.keep = vec![Waiver {
            name: "CTL-CAM-Provider".into(),
            reason: "continuing CAM for ALM".into(),
        }];
        let f = run(&setup, &["CTL-CAM-Provider"]);
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.summary.contains("continuing CAM for ALM"),
            "{}",
            f.summary
        );
        assert_eq!(
            f.waived(),
            setup.attestations.keep,
            "the waiver is carried as data"
        );
        let f = run(&setup, &["CTL-CAM-Provider", "CTL-Optimization"]);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.summary.contains("CTL-Optimization") && f.summary.contains("kept by waiver"),
            "{}",
            f.summary
        );
        assert_eq!(f.resources.len(), 1);
    }
}
