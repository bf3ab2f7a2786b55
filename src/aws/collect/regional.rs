//! The regional reads: made in each enabled region of the account (`account:ListRegions`,
//! narrowed by `--regions`), or in each bucket's own region. Every region and every
//! resource keeps its own answer: a region that does not answer is an error of that
//! region, never an empty one. Each call waits for a turn of the account's bound
//! (`--regional-concurrency`), and retries from the account's own quota.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_cloudformation::types::StackStatus;
use aws_sdk_s3::types::BucketLocationConstraint;

use super::{Read, code, describe, every_page};
use crate::aws::config::AccountClients;
use crate::facts::{BucketPolicy, Fact, KeyPolicy, Regional, Stack};

/// The only name a KMS key policy has.
const KEY_POLICY_NAME: &str = "default";
/// An alias AWS gives the keys it manages for a service (`alias/aws/s3`).
const AWS_MANAGED_ALIAS: &str = "alias/aws/";

impl AccountClients {
    /// The account's enabled regions, read once however many facts need them.
    pub(crate) async fn enabled_regions(&self) -> &Read<Vec<String>> {
        self.shared.regions.get_or_init(|| list_regions(self)).await
    }

    /// The account's buckets, listed once however many facts need them.
    pub(crate) async fn listed_buckets(&self) -> &Read<Vec<(String, Option<String>)>> {
        self.shared
            .buckets
            .get_or_init(|| super::list_buckets(self))
            .await
    }
}

async fn list_regions(c: &AccountClients) -> Read<Vec<String>> {
    const ACTION: &str = "account:ListRegions";
    let pages = c
        .account
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .max_results(50)
        .into_paginator()
        .send();
    let mut regions = every_page(pages, ACTION, |page, out| {
        out.extend(
            page.regions
                .unwrap_or_default()
                .into_iter()
                .filter(|r| {
                    matches!(
                        r.region_opt_status,
                        Some(RegionOptStatus::Enabled | RegionOptStatus::EnabledByDefault)
                    )
                })
                .filter_map(|r| r.region_name),
        )
    })
    .await?;
    if regions.is_empty() {
        // Every account has regions enabled by default: none is a wrong answer, not
        // an account with nothing in it.
        return Err(format!("{ACTION}: the answer lists no enabled region"));
    }
    regions.sort();
    regions.dedup();
    Ok(regions)
}

/// The items of every page; a page without the list asked for is a wrong answer, not
/// an empty one.
fn every_listed<T>(pages: Vec<Option<Vec<T>>>, action: &str, list: &str) -> Read<Vec<T>> {
    let mut all = Vec::new();
    for page in pages {
        all.extend(page.ok_or_else(|| format!("{action}: the answer has no {list} list"))?);
    }
    Ok(all)
}

/// Runs `read` in each region to read: the enabled ones, narrowed to `only`.
async fn in_each_region<'a, T, F, Fut>(
    c: &'a AccountClients,
    only: Option<&BTreeSet<String>>,
    read: F,
) -> Read<Regional<T>>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Read<T>> + 'a,
{
    let enabled = c.enabled_regions().await.as_ref().map_err(Clone::clone)?;
    let (read_in, left_out): (Vec<String>, Vec<String>) = enabled
        .iter()
        .cloned()
        .partition(|region| only.is_none_or(|only| only.contains(region)));
    let answers = futures::future::join_all(read_in.into_iter().map(|region| {
        let answer = read(region.clone());
        async move { (region, Fact::from(answer.await)) }
    }))
    .await;
    Ok(Regional {
        regions: answers.into_iter().collect::<BTreeMap<_, _>>(),
        left_out,
    })
}

/// `cloudformation:ListStacks` in each region, every status but `DELETE_COMPLETE`.
pub(super) async fn stacks(
    c: &AccountClients,
    only: Option<&BTreeSet<String>>,
) -> Read<Regional<Vec<Stack>>> {
    in_each_region(c, only, |region| async move {
        const ACTION: &str = "cloudformation:ListStacks";
        let active: Vec<StackStatus> = StackStatus::values()
            .iter()
            .filter(|s| **s != StackStatus::DeleteComplete.as_str())
            .map(|s| StackStatus::from(*s))
            .collect();
        let _turn = c.regional_turn().await;
        let pages = c
            .cloudformation(&region)
            .list_stacks()
            .set_stack_status_filter(Some(active))
            .into_paginator()
            .send();
        let listed = every_page(pages, ACTION, |page, out| {
            out.push(page.stack_summaries.map(|stacks| {
                stacks
                    .into_iter()
                    .filter(|s| s.stack_status != Some(StackStatus::DeleteComplete))
                    .filter_map(|s| {
                        Some(Stack {
                            name: s.stack_name?,
                            id: s.stack_id.unwrap_or_default(),
                            status: s
                                .stack_status
                                .map(|s| s.as_str().to_string())
                                .unwrap_or_default(),
                        })
                    })
                    .collect::<Vec<_>>()
            }))
        })
        .await?;
        every_listed(listed, ACTION, "StackSummaries")
    })
    .await
}

/// Each bucket's policy, asked of the bucket's own region.
pub(super) async fn bucket_policies(c: &AccountClients) -> Read<Vec<BucketPolicy>> {
    let listed = c.listed_buckets().await.as_ref().map_err(Clone::clone)?;
    let reads = listed.iter().map(|(bucket, region)| async move {
        let region = match region {
            Some(region) => Ok(region.clone()),
            None => bucket_location(c, bucket).await,
        };
        match region {
            Ok(region) => BucketPolicy {
                bucket: bucket.clone(),
                policy: Fact::from(bucket_policy(c, bucket, &region).await),
                region: Some(region),
            },
            Err(reason) => BucketPolicy {
                bucket: bucket.clone(),
                region: None,
                policy: Fact::Error(reason),
            },
        }
    });
    Ok(futures::future::join_all(reads).await)
}

/// `s3:GetBucketLocation`, for a bucket ListBuckets gave no region (an older endpoint).
async fn bucket_location(c: &AccountClients, bucket: &str) -> Read<String> {
    const ACTION: &str = "s3:GetBucketLocation";
    let _turn = c.regional_turn().await;
    let out =
        c.s3.get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| describe(ACTION, &e))?;
    // No constraint is us-east-1; `EU` is the old name of eu-west-1.
    Ok(match out.location_constraint {
        None => "us-east-1".to_string(),
        Some(BucketLocationConstraint::Eu) => "eu-west-1".to_string(),
        Some(constraint) if constraint.as_str().is_empty() => "us-east-1".to_string(),
        Some(constraint) => constraint.as_str().to_string(),
    })
}

async fn bucket_policy(c: &AccountClients, bucket: &str, region: &str) -> Read<Option<String>> {
    const ACTION: &str = "s3:GetBucketPolicy";
    let _turn = c.regional_turn().await;
    match c
        .s3_in(region)
        .get_bucket_policy()
        .bucket(bucket)
        .send()
        .await
    {
        Ok(out) => out
            .policy
            .map(Some)
            .ok_or_else(|| format!("{ACTION}: the answer has no policy")),
        Err(e) if code(&e) == Some("NoSuchBucketPolicy") => Ok(None),
        Err(e) => Err(describe(ACTION, &e)),
    }
}

/// The policies of the customer-managed keys, in each region.
pub(super) async fn key_policies(
    c: &AccountClients,
    only: Option<&BTreeSet<String>>,
) -> Read<Regional<Vec<KeyPolicy>>> {
    in_each_region(c, only, |region| async move {
        let kms = c.kms(&region);
        let (keys, aliases) = futures::join!(
            async {
                let _turn = c.regional_turn().await;
                let pages = kms.list_keys().limit(1000).into_paginator().send();
                let listed = every_page(pages, "kms:ListKeys", |page, out| {
                    out.push(page.keys.map(|keys| {
                        keys.into_iter()
                            .filter_map(|k| Some((k.key_id?, k.key_arn.unwrap_or_default())))
                            .collect::<Vec<_>>()
                    }))
                })
                .await?;
                every_listed(listed, "kms:ListKeys", "Keys")
            },
            async {
                let _turn = c.regional_turn().await;
                let pages = kms.list_aliases().limit(100).into_paginator().send();
                let listed = every_page(pages, "kms:ListAliases", |page, out| {
                    out.push(page.aliases.map(|aliases| {
                        aliases
                            .into_iter()
                            .filter(|a| {
                                a.alias_name
                                    .as_deref()
                                    .is_some_and(|n| n.starts_with(AWS_MANAGED_ALIAS))
                            })
                            .filter_map(|a| a.target_key_id)
                            .collect::<Vec<_>>()
                    }))
                })
                .await?;
                every_listed(listed, "kms:ListAliases", "Aliases")
            }
        );
        let aws_managed: BTreeSet<String> = aliases?.into_iter().collect();
        let reads = keys?
            .into_iter()
            .filter(|(id, _)| !aws_managed.contains(id))
            .map(|(key_id, arn)| {
                let kms = kms.clone();
                async move {
                    const ACTION: &str = "kms:GetKeyPolicy";
                    let _turn = c.regional_turn().await;
                    let policy = match kms
                        .get_key_policy()
                        .key_id(&key_id)
                        .policy_name(KEY_POLICY_NAME)
                        .send()
                        .await
                    {
                        Ok(out) => out
                            .policy
                            .ok_or_else(|| format!("{ACTION}: the answer has no Policy")),
                        Err(e) => Err(describe(ACTION, &e)),
                    };
                    KeyPolicy {
                        key_id,
                        arn,
                        policy: policy.into(),
                    }
                }
            });
        let mut keys = futures::future::join_all(reads).await;
        keys.sort_by(|a, b| a.arn.cmp(&b.arn));
        Ok(keys)
    })
    .await
}
