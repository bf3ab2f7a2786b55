//! What must go before a reseller's IAM resource can be deleted, read only for the
//! resources a finding names (`orgexit runbook`, `orgexit collect --runbook`): AWS refuses
//! `DeleteRole` while policies are attached or inline, or the role is in an instance
//! profile; `DeletePolicy` while it is attached or has other versions; `DeleteUser` while
//! the user has keys, certificates, MFA devices, a password, groups or policies;
//! `DeleteGroup` while it has members or policies.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The resources whose cleanup details to read (names, policies by ARN).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupTargets {
    pub roles: BTreeSet<String>,
    /// Customer-managed policies, by ARN.
    pub policies: BTreeSet<String>,
    pub users: BTreeSet<String>,
    pub groups: BTreeSet<String>,
}

impl CleanupTargets {
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
            && self.policies.is_empty()
            && self.users.is_empty()
            && self.groups.is_empty()
    }
}

/// The details of every resource of [`CleanupTargets`], by the same keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cleanup {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, RoleCleanup>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<String, PolicyCleanup>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub users: BTreeMap<String, UserCleanup>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, GroupCleanup>,
}

/// `ListAttachedRolePolicies`, `ListRolePolicies`, `ListInstanceProfilesForRole`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleCleanup {
    /// Managed policies attached, by ARN.
    pub attached_policies: Vec<String>,
    /// Inline policies, by name.
    pub inline_policies: Vec<String>,
    /// Instance profiles the role is in, by name.
    pub instance_profiles: Vec<String>,
}

/// `ListEntitiesForPolicy`, `ListPolicyVersions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyCleanup {
    pub attached_to_users: Vec<String>,
    pub attached_to_groups: Vec<String>,
    pub attached_to_roles: Vec<String>,
    /// Versions other than the default (`v1`, `v2`…), which `DeletePolicy` needs gone.
    pub other_versions: Vec<String>,
}

/// What a user holds (`ListAccessKeys`, `ListSigningCertificates`, `ListSSHPublicKeys`,
/// `ListServiceSpecificCredentials`, `ListMFADevices`, `GetLoginProfile`,
/// `ListGroupsForUser`, `ListAttachedUserPolicies`, `ListUserPolicies`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCleanup {
    pub access_keys: Vec<String>,
    pub signing_certificates: Vec<String>,
    pub ssh_public_keys: Vec<String>,
    pub service_specific_credentials: Vec<String>,
    /// MFA devices by serial number (a virtual device's is its ARN).
    pub mfa_devices: Vec<String>,
    /// Whether the user has a console password.
    pub login_profile: bool,
    pub groups: Vec<String>,
    pub attached_policies: Vec<String>,
    pub inline_policies: Vec<String>,
}

/// `GetGroup` (members), `ListAttachedGroupPolicies`, `ListGroupPolicies`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCleanup {
    pub members: Vec<String>,
    pub attached_policies: Vec<String>,
    pub inline_policies: Vec<String>,
}
