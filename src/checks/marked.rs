//! Shared by the checks that look for IAM entities named with a reseller marker: which
//! names carry a marker, which of those the customer keeps on purpose, and the finding.

use super::{Context, Finding, Status, count, kept_list, leftover_status, name_list};
use crate::policy::Waiver;

/// An IAM entity as the marker checks see it.
pub struct Entity<'a> {
    pub name: &'a str,
    pub arn: &'a str,
}

/// Evaluates the entities against the reseller's markers and the account's waivers:
/// none marked, or all marked ones kept with a reason: `pass`; otherwise warn before the
/// cut-over and fail after it. `nouns` is (singular, plural); resources are ARNs.
pub fn leftover_finding<'a>(
    (noun, nouns): (&str, &str),
    entities: impl IntoIterator<Item = Entity<'a>>,
    ctx: &Context<'_>,
) -> Finding {
    let mut flagged = Vec::new();
    let mut arns = Vec::new();
    let mut waived = Vec::new();
    for entity in entities {
        if ctx.reseller.marks(entity.name).is_none() {
            continue;
        }
        match ctx.attestations.waiver_for(entity.name) {
            Some(waiver) => {
                waived.push(Waiver {
                    name: entity.name.to_string(),
                    reason: waiver.reason.clone(),
                });
            }
            None => {
                flagged.push(entity.name.to_string());
                arns.push(entity.arn.to_string());
            }
        }
    }
    let markers = ctx.reseller.marker_list();
    let kept_note = if waived.is_empty() {
        String::new()
    } else {
        format!("; kept by waiver: {}", kept_list(&waived))
    };
    if flagged.is_empty() {
        let summary = if waived.is_empty() {
            format!("no {noun} named with {markers}")
        } else {
            format!(
                "every {noun} named with {markers} is kept by waiver: {}",
                kept_list(&waived)
            )
        };
        return Finding::new(Status::Pass, summary).with_waived(waived);
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
    .with_waived(waived)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Phase;
    use crate::checks::testing::*;

    fn run(setup: &Setup, names: &[&str]) -> Finding {
        let arns: Vec<String> = names
            .iter()
            .map(|n| format!("arn:aws:iam::{ACCOUNT}:policy/{n}"))
            .collect();
        leftover_finding(
            ("policy", "policies"),
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
            f.waived, setup.attestations.keep,
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
