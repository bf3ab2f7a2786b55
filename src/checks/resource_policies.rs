#![doc = include_str!("../../checks/docs/resource-policies.md")]

use super::iam_federation::{Who, judge};
use super::regional::Coverage;
use super::trust_policy::{self, Trusted};
use super::{
    About, Check, Context, Finding, Item, Phase, Severity, Status, WAIVED, count, name_list,
};
use crate::facts::{AccountFacts, Fact, FactKind, Missing, Unread};

pub(crate) struct ResourcePolicies;

about! {
    "resource-policies",
    title: "Bucket and key policies",
    severity: Severity::High,
    needs: &[
        FactKind::Organization,
        FactKind::Roles,
        FactKind::Regions,
        FactKind::BucketPolicies,
        FactKind::KeyPolicies,
    ],
    attestation: None,
    remediation: "Remove the statements that let in the reseller's accounts or organization from the listed bucket and key policies (put-bucket-policy, put-key-policy); where your own accounts reach a resource through the reseller's organization (aws:PrincipalOrgID), name your new organization instead before you leave.",
    item_kinds: &[RESELLER_DOOR, UNCLEAR_GRANT, OPEN_TO_ANYONE, UNREADABLE_POLICY, WAIVED],
}

/// A policy statement that lets in a reseller account or the reseller's organization.
pub(crate) const RESELLER_DOOR: &str = "reseller-door";
/// An outside account that cannot be told apart from the reseller's.
pub(crate) const UNCLEAR_GRANT: &str = "unclear-grant";
/// `"*"` with no condition orgexit reads as naming an organization or account.
pub(crate) const OPEN_TO_ANYONE: &str = "open-to-anyone";
/// A policy document that is not one.
pub(crate) const UNREADABLE_POLICY: &str = "unreadable-policy";

/// One resource and its policy, bucket or key.
struct Resource<'a> {
    /// The read that fetched the policy (`s3:GetBucketPolicy`).
    action: &'static str,
    /// `bucket my-logs` or `key 1234abcd-…`: how the summary names it.
    label: String,
    /// What waivers name: the bucket's name, the key's id or ARN.
    names: Vec<&'a str>,
    arn: String,
    region: &'a str,
    policy: &'a str,
}

#[derive(Default)]
struct Findings {
    items: Vec<Item>,
    resources: Vec<String>,
    doors: Vec<String>,
    unclear: Vec<String>,
    open: Vec<String>,
    /// Policies that could not be fetched, by the reason AWS gave.
    failed: std::collections::BTreeMap<String, Vec<String>>,
    /// The reseller's organization, where a door is a condition on it.
    by_org: Option<String>,
}

impl Findings {
    /// A policy that could not be fetched: an item, and its reason said once for all
    /// the resources that failed alike.
    fn unread(&mut self, reason: &str, what: String) {
        self.items
            .push(Item::unread(Unread::of(reason), reason).with_principal(what.clone()));
        self.failed
            .entry(reason.to_string())
            .or_default()
            .push(what);
    }
}

impl Check for ResourcePolicies {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        facts.organization()?;
        let roles = facts.roles()?;
        let buckets = facts.bucket_policies()?;
        let keys = facts.key_policies()?;
        let mut coverage = Coverage::of(keys);
        let partition = partition_of(roles, keys);
        let mut found = Findings::default();
        let mut resources = Vec::new();
        for bucket in buckets {
            let region = bucket.region.as_deref().unwrap_or("its region unknown");
            match &bucket.policy {
                Fact::Ok(None) => {}
                Fact::Ok(Some(policy)) => resources.push(Resource {
                    action: "s3:GetBucketPolicy",
                    label: format!("bucket {}", bucket.bucket),
                    names: vec![&bucket.bucket],
                    arn: format!("arn:{partition}:s3:::{}", bucket.bucket),
                    region,
                    policy,
                }),
                Fact::Error(reason) => found.unread(
                    reason,
                    match &bucket.region {
                        Some(region) => format!("bucket {} ({region})", bucket.bucket),
                        None => format!("bucket {}", bucket.bucket),
                    },
                ),
            }
        }
        for (region, listed) in keys.answered() {
            for key in listed {
                match &key.policy {
                    Fact::Ok(policy) => resources.push(Resource {
                        action: "kms:GetKeyPolicy",
                        label: format!("key {}", short(&key.key_id)),
                        names: vec![&key.key_id, &key.arn],
                        arn: key.arn.clone(),
                        region,
                        policy,
                    }),
                    Fact::Error(reason) => {
                        found.unread(reason, format!("key {} ({region})", short(&key.key_id)))
                    }
                }
            }
        }
        let (judge, _) = judge(facts, ctx, roles, Vec::new(), None);
        for resource in resources {
            if let Some(waiver) = resource
                .names
                .iter()
                .find_map(|n| ctx.attestations.waiver_for(n))
            {
                found.items.push(Item::waived(resource.names[0], waiver));
                continue;
            }
            let said = format!("{} ({})", resource.label, resource.region);
            let grants = match trust_policy::grants(resource.policy) {
                Ok(grants) => grants,
                Err(reason) => {
                    // What AWS answered is not a policy: an unreadable answer of the read.
                    let reason = format!(
                        "{}: unreadable response: {}",
                        resource.action,
                        reason.replacen("trust policy", "the policy", 1)
                    );
                    found.items.push(
                        Item::new(UNREADABLE_POLICY, &resource.arn).with_reason(reason.clone()),
                    );
                    found.failed.entry(reason).or_default().push(said);
                    continue;
                }
            };
            let (mut reseller, mut unclear, mut open) = (Vec::new(), Vec::new(), false);
            for grant in &grants {
                if grant.principal == Trusted::Anyone
                    && grant.orgs.is_empty()
                    && grant.accounts.is_empty()
                {
                    open = true;
                    continue;
                }
                if let Some(org) = grant.orgs.iter().find(|o| judge.is_reseller_org(o)) {
                    found.by_org = Some(org.clone());
                }
                for who in judge.grant(grant, "") {
                    match who {
                        Who::Reseller(x) => reseller.push(x),
                        Who::Unclear(x) => unclear.push(x),
                        Who::Inside(_) | Who::Outside(_) => {}
                    }
                }
            }
            reseller.sort();
            reseller.dedup();
            unclear.sort();
            unclear.dedup();
            let (kind, list, who) = if !reseller.is_empty() {
                (RESELLER_DOOR, &mut found.doors, reseller.join(", "))
            } else if !unclear.is_empty() {
                (UNCLEAR_GRANT, &mut found.unclear, unclear.join(", "))
            } else if open {
                (OPEN_TO_ANYONE, &mut found.open, "anyone (*)".to_string())
            } else {
                continue;
            };
            list.push(said);
            found.items.push(
                Item::new(kind, &resource.arn)
                    .with_principal(who)
                    .with_reason(resource.region),
            );
            found.resources.push(resource.arn);
        }
        let mut statuses = vec![Status::Pass];
        let mut parts = Vec::new();
        if !found.doors.is_empty() {
            parts.push(format!(
                "{} the reseller in: {}",
                count(found.doors.len(), "policy lets", "policies let"),
                name_list(&found.doors)
            ));
            statuses.push(match ctx.phase {
                Phase::Pre => Status::Warn,
                Phase::Post => Status::Fail,
            });
            // Said while nothing else is unread: a summary in `error` says what failed.
            if let Some(org) = found.by_org.as_ref().filter(|_| found.failed.is_empty()) {
                parts.push(format!("access through {org} ends as your accounts move"));
            }
        }
        if !found.unclear.is_empty() {
            parts.push(format!(
                "{} outside accounts that cannot be told apart from the reseller's: {} (give --reseller-account, or keep them by waiver once reviewed)",
                count(found.unclear.len(), "policy lets", "policies let"),
                name_list(&found.unclear)
            ));
            statuses.push(match ctx.phase {
                Phase::Pre => Status::Warn,
                Phase::Post => Status::Manual,
            });
        }
        if !found.open.is_empty() {
            parts.push(format!(
                "{} anyone in, the reseller included, unless a condition orgexit does not read narrows it (aws:SourceVpce, aws:SourceIp…): review {}",
                count(found.open.len(), "policy lets", "policies let"),
                name_list(&found.open)
            ));
            statuses.push(Status::Warn);
        }
        for (reason, what) in &found.failed {
            // Two named, the rest counted: the reason is the long part.
            let what = match what.as_slice() {
                [one] => one.clone(),
                [one, two] => format!("{one}, {two}"),
                [one, two, rest @ ..] => format!("{one}, {two} and {} more", rest.len()),
                [] => String::new(),
            };
            parts.push(format!("not read ({what}): {reason}"));
            statuses.push(Status::Error);
        }
        if found.items.iter().any(|i| i.is(WAIVED)) {
            parts.push(format!(
                "kept by waiver: {}",
                super::kept_list(&found.items)
            ));
        }
        if coverage.incomplete() {
            statuses.push(Status::Error);
        }
        let region_parts = coverage.parts();
        let summary = if parts.is_empty() && !coverage.incomplete() {
            let mut line = format!(
                "no bucket or key policy lets the reseller in ({}, {} {})",
                count(buckets.len(), "bucket", "buckets"),
                count(
                    keys.answered().map(|(_, k)| k.len()).sum(),
                    "customer-managed key",
                    "customer-managed keys"
                ),
                coverage.where_read()
            );
            for part in &region_parts {
                line.push_str("; ");
                line.push_str(part);
            }
            line
        } else {
            parts.extend(region_parts);
            parts.join("; ")
        };
        let mut items = found.items;
        items.append(&mut coverage.items);
        Ok(Finding::new(super::worst(&statuses), summary)
            .with_resources(found.resources)
            .with_items(items))
    }
}

/// The partition of the account's ARNs, from one it already has (`aws` without one).
fn partition_of(
    roles: &[crate::facts::Role],
    keys: &crate::facts::Regional<Vec<crate::facts::KeyPolicy>>,
) -> String {
    roles
        .iter()
        .map(|r| r.arn.as_str())
        .chain(
            keys.answered()
                .flat_map(|(_, k)| k.iter().map(|k| k.arn.as_str())),
        )
        .find_map(|arn| arn.split(':').nth(1).filter(|p| !p.is_empty()))
        .unwrap_or("aws")
        .to_string()
}

/// A key id as a summary names it: its first block (`6f1c2a3b`); items keep it whole.
fn short(key_id: &str) -> String {
    match key_id.split_once('-') {
        Some((first, _)) => first.to_string(),
        None => key_id.to_string(),
    }
}
