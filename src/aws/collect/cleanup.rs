//! The runbook's reads ([`crate::facts::Cleanup`]): for each resource a finding names,
//! what AWS wants gone before it can be deleted. All of one account's reads run at once.

use futures::future::join_all;

use super::{IAM_PAGE, Read, every_page};
use crate::aws::config::AccountClients;
use crate::aws::error::{code, describe};
use crate::facts::{
    Cleanup, CleanupTargets, GroupCleanup, PolicyCleanup, RoleCleanup, UserCleanup,
};

pub(super) async fn cleanup(c: &AccountClients, targets: &CleanupTargets) -> Read<Cleanup> {
    let (roles, policies, users, groups) = futures::join!(
        each(&targets.roles, |name| role(c, name)),
        each(&targets.policies, |arn| policy(c, arn)),
        each(&targets.users, |name| user(c, name)),
        each(&targets.groups, |name| group(c, name)),
    );
    Ok(Cleanup {
        roles: roles?,
        policies: policies?,
        users: users?,
        groups: groups?,
    })
}

/// Reads every key's details at once; the first failure is the fact's.
async fn each<'a, T, F>(
    keys: &'a std::collections::BTreeSet<String>,
    read: impl Fn(&'a str) -> F,
) -> Read<std::collections::BTreeMap<String, T>>
where
    F: Future<Output = Read<T>>,
{
    let read = &read;
    let details = join_all(
        keys.iter()
            .map(|key| async move { read(key).await.map(|detail| (key.clone(), detail)) }),
    )
    .await;
    details.into_iter().collect()
}

/// The ARNs of a page of attached policies.
fn arns(attached: Option<Vec<aws_sdk_iam::types::AttachedPolicy>>) -> impl Iterator<Item = String> {
    attached.into_iter().flatten().filter_map(|p| p.policy_arn)
}

async fn role(c: &AccountClients, name: &str) -> Read<RoleCleanup> {
    let attached = every_page(
        c.iam
            .list_attached_role_policies()
            .role_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListAttachedRolePolicies",
        |page, out| out.extend(arns(page.attached_policies)),
    );
    let inline = every_page(
        c.iam
            .list_role_policies()
            .role_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListRolePolicies",
        |page, out| out.extend(page.policy_names),
    );
    let profiles = every_page(
        c.iam
            .list_instance_profiles_for_role()
            .role_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListInstanceProfilesForRole",
        |page, out| {
            out.extend(
                page.instance_profiles
                    .into_iter()
                    .map(|p| p.instance_profile_name),
            )
        },
    );
    let (attached, inline, profiles) = futures::join!(attached, inline, profiles);
    Ok(RoleCleanup {
        attached_policies: attached?,
        inline_policies: inline?,
        instance_profiles: profiles?,
    })
}

async fn policy(c: &AccountClients, arn: &str) -> Read<PolicyCleanup> {
    let entities = async {
        let mut pages = c
            .iam
            .list_entities_for_policy()
            .policy_arn(arn)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send();
        let mut found = PolicyCleanup::default();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| describe("iam:ListEntitiesForPolicy", &e))?;
            found.attached_to_users.extend(
                page.policy_users
                    .into_iter()
                    .flatten()
                    .filter_map(|u| u.user_name),
            );
            found.attached_to_groups.extend(
                page.policy_groups
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g.group_name),
            );
            found.attached_to_roles.extend(
                page.policy_roles
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.role_name),
            );
        }
        Ok::<_, String>(found)
    };
    let versions = every_page(
        c.iam
            .list_policy_versions()
            .policy_arn(arn)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListPolicyVersions",
        |page, out| {
            out.extend(
                page.versions
                    .into_iter()
                    .flatten()
                    .filter(|v| !v.is_default_version)
                    .filter_map(|v| v.version_id),
            )
        },
    );
    let (entities, versions) = futures::join!(entities, versions);
    Ok(PolicyCleanup {
        other_versions: versions?,
        ..entities?
    })
}

async fn user(c: &AccountClients, name: &str) -> Read<UserCleanup> {
    let iam = &c.iam;
    let keys = every_page(
        iam.list_access_keys()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListAccessKeys",
        |page, out| {
            out.extend(
                page.access_key_metadata
                    .into_iter()
                    .filter_map(|k| k.access_key_id),
            )
        },
    );
    let certificates = every_page(
        iam.list_signing_certificates()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListSigningCertificates",
        |page, out| out.extend(page.certificates.into_iter().map(|c| c.certificate_id)),
    );
    let ssh = every_page(
        iam.list_ssh_public_keys()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListSSHPublicKeys",
        |page, out| {
            out.extend(
                page.ssh_public_keys
                    .into_iter()
                    .flatten()
                    .map(|k| k.ssh_public_key_id),
            )
        },
    );
    // Not paginated: IAM answers every credential of the user at once.
    let service = async {
        let out = iam
            .list_service_specific_credentials()
            .user_name(name)
            .send()
            .await
            .map_err(|e| describe("iam:ListServiceSpecificCredentials", &e))?;
        Ok::<_, String>(
            out.service_specific_credentials
                .into_iter()
                .flatten()
                .map(|s| s.service_specific_credential_id)
                .collect::<Vec<_>>(),
        )
    };
    let mfa = every_page(
        iam.list_mfa_devices()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListMFADevices",
        |page, out| out.extend(page.mfa_devices.into_iter().map(|d| d.serial_number)),
    );
    let login = async {
        match iam.get_login_profile().user_name(name).send().await {
            Ok(_) => Ok(true),
            // The one answer that means "no password": the user exists (it was just listed).
            Err(e) if code(&e) == Some("NoSuchEntity") => Ok(false),
            Err(e) => Err(describe("iam:GetLoginProfile", &e)),
        }
    };
    let groups = every_page(
        iam.list_groups_for_user()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListGroupsForUser",
        |page, out| out.extend(page.groups.into_iter().map(|g| g.group_name)),
    );
    let attached = every_page(
        iam.list_attached_user_policies()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListAttachedUserPolicies",
        |page, out| out.extend(arns(page.attached_policies)),
    );
    let inline = every_page(
        iam.list_user_policies()
            .user_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListUserPolicies",
        |page, out| out.extend(page.policy_names),
    );
    let (keys, certificates, ssh, service, mfa, login, groups, attached, inline) = futures::join!(
        keys,
        certificates,
        ssh,
        service,
        mfa,
        login,
        groups,
        attached,
        inline
    );
    Ok(UserCleanup {
        access_keys: keys?,
        signing_certificates: certificates?,
        ssh_public_keys: ssh?,
        service_specific_credentials: service?,
        mfa_devices: mfa?,
        login_profile: login?,
        groups: groups?,
        attached_policies: attached?,
        inline_policies: inline?,
    })
}

async fn group(c: &AccountClients, name: &str) -> Read<GroupCleanup> {
    let members = every_page(
        c.iam
            .get_group()
            .group_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:GetGroup",
        |page, out| out.extend(page.users.into_iter().map(|u| u.user_name)),
    );
    let attached = every_page(
        c.iam
            .list_attached_group_policies()
            .group_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListAttachedGroupPolicies",
        |page, out| out.extend(arns(page.attached_policies)),
    );
    let inline = every_page(
        c.iam
            .list_group_policies()
            .group_name(name)
            .max_items(IAM_PAGE)
            .into_paginator()
            .send(),
        "iam:ListGroupPolicies",
        |page, out| out.extend(page.policy_names),
    );
    let (members, attached, inline) = futures::join!(members, attached, inline);
    Ok(GroupCleanup {
        members: members?,
        attached_policies: attached?,
        inline_policies: inline?,
    })
}
