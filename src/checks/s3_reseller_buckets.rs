#![doc = include_str!("../../checks/docs/s3-reseller-buckets.md")]

use super::{About, Check, Context, Finding, Item, Severity, Status, name_list};
use crate::facts::{AccountFacts, FactKind, Missing};

pub(crate) struct S3ResellerBuckets;

about! {
    "s3-reseller-buckets",
    title: "Reseller's S3 buckets",
    severity: Severity::Low,
    needs: &[FactKind::Buckets],
    attestation: Some("buckets"),
    remediation: "Keep, archive or delete the reseller's buckets, then record the decision (buckets = \"keep|archive|delete\").",
    item_kinds: &[RESELLER_BUCKET],
}

/// A bucket of the reseller's present in the account.
pub(crate) const RESELLER_BUCKET: &str = "reseller-bucket";

impl Check for S3ResellerBuckets {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let buckets = facts.buckets()?;
        let items: Vec<Item> = ctx
            .reseller
            .buckets_for(&facts.account_id)
            .into_iter()
            .filter(|name| buckets.contains(name))
            .map(|name| Item::new(RESELLER_BUCKET, name))
            .collect();
        let present: Vec<String> = items.iter().map(|i| i.resource().to_string()).collect();
        let finding = match (present.is_empty(), ctx.attestations.buckets) {
            (true, _) => Finding::new(Status::Pass, "none of the reseller's buckets is present"),
            (false, Some(decision)) => Finding::new(
                Status::Pass,
                format!(
                    "{} present, decision attested: {}",
                    name_list(&present),
                    decision.as_str()
                ),
            ),
            (false, None) => Finding::new(
                Status::Warn,
                format!(
                    "{} present and no decision (keep, archive, delete) attested",
                    name_list(&present)
                ),
            ),
        };
        Ok(finding.with_resources(present).with_items(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attestations::BucketDecision;
    use crate::checks::Phase;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn with(buckets: &[&str]) -> AccountFacts {
        AccountFacts {
            buckets: Some(Fact::Ok(buckets.iter().map(|b| b.to_string()).collect())),
            ..facts()
        }
    }

    #[test]
    fn table() {
        let ours = format!("config-bucket-{ACCOUNT}");
        let audit = format!("ctlaudit-{ACCOUNT}");
        let cases = [
            (with(&[]), Status::Pass),
            (
                with(&["my-data", "config-bucket-222222222222"]),
                Status::Pass,
            ),
            (with(&["my-data", &ours]), Status::Warn),
            (with(&[&ours, &audit]), Status::Warn),
        ];
        for (facts, expected) in cases {
            assert_eq!(
                Setup::both(&S3ResellerBuckets, &facts),
                (expected, expected),
                "{facts:?}"
            );
        }
        let f = Setup::new(Phase::Pre).run(&S3ResellerBuckets, &with(&[&ours, &audit]));
        assert_eq!(f.resources, vec![ours.clone(), audit]);
    }

    #[test]
    fn attested_decision_passes() {
        for decision in [
            BucketDecision::Keep,
            BucketDecision::Archive,
            BucketDecision::Delete,
        ] {
            let mut s = Setup::new(Phase::Post);
            s.attestations.buckets = Some(decision);
            let f = s.run(&S3ResellerBuckets, &with(&[&format!("ctlaudit-{ACCOUNT}")]));
            assert_eq!(f.status, Status::Pass);
            assert!(f.summary.contains(decision.as_str()));
        }
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&S3ResellerBuckets);
    }
}
