//! Facts: what the read-only AWS calls answered for one account, in plain Rust types.
//!
//! Facts are the only thing checks see: no SDK type crosses this line. A snapshot written
//! by `orgexit collect` is a list of [`AccountFacts`], so an audit of a snapshot and an
//! audit of live AWS evaluate exactly the same values.
//!
//! Every fact is optional (`None`: not collected, because no selected check needed it)
//! and fallible ([`Fact::Error`]: the call failed, with the reason). Checks turn both into
//! `error`, never into `pass`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

mod cleanup;
mod unread;
pub use cleanup::{Cleanup, CleanupTargets, GroupCleanup, PolicyCleanup, RoleCleanup, UserCleanup};
pub use unread::{Failure, Unread};

/// The answer to one kind of read, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact<T> {
    Ok(T),
    Error(String),
}

impl<T> Fact<T> {
    pub fn is_ok(&self) -> bool {
        matches!(self, Fact::Ok(_))
    }
}

impl<T, E: std::fmt::Display> From<Result<T, E>> for Fact<T> {
    fn from(result: Result<T, E>) -> Self {
        match result {
            Ok(value) => Fact::Ok(value),
            Err(err) => Fact::Error(err.to_string()),
        }
    }
}

/// One read operation orgexit may send: what the read-only guard allows and
/// `orgexit policy` grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The SDK's service name (`IAM`, `S3`, `Organizations`, `Account`, `STS`).
    pub service: &'static str,
    /// The SDK's operation name (`ListRoles`).
    pub name: &'static str,
    /// The IAM action that authorizes it (`iam:ListRoles`).
    pub action: &'static str,
    /// The fact it gathers; `None` for the calls that reach the account itself.
    pub fact: Option<FactKind>,
}

/// Whom a collector reads for: the account, and the leaver whose permission to leave is
/// simulated (that fact is read only when one is named).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub account_id: &'a str,
    pub leaver: Option<&'a str>,
    /// `--regions`: the regions a regional read is narrowed to; `None`: every enabled one.
    pub regions: Option<&'a std::collections::BTreeSet<String>>,
    /// The resources whose cleanup details the runbook needs; [`FactKind::Cleanup`] is
    /// read only when this is given.
    pub cleanup: Option<&'a CleanupTargets>,
}

/// Declares every fact once. From one line per fact (its kind, its snapshot field and
/// type, the operations that read it) follow: [`FactKind`] with `ALL` and `name()`, the
/// [`AccountFacts`] field (its snapshot field, of the same name) and its accessor,
/// [`AccountFacts::failed_reads`], [`FACT_OPERATIONS`] (the guard's allow-list and
/// `orgexit policy`), the [`Collect`] trait a collector implements (one method per
/// fact: the compiler points at a collector that lacks one) and [`collect`], which reads
/// the facts a run needs, all at once.
///
/// A declarative macro rather than a trait per fact: the facts are fields of one struct
/// that serde writes as the snapshot, and the collector joins their reads in one
/// `futures::join!`; both need the whole list at once, which a macro has and a per-fact
/// trait does not.
macro_rules! facts {
    ($(
        $(#[$doc:meta])*
        $kind:ident $field:ident: $ty:ty => [$(($service:literal, $op:literal, $action:literal $(,)?)),+ $(,)?];
    )+) => {
        /// The kinds of facts the collector knows how to fetch. Each check declares the
        /// kinds it needs; the collector fetches the union, each once.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FactKind {
            $($kind,)+
        }

        impl FactKind {
            pub const ALL: [FactKind; [$(FactKind::$kind),+].len()] = [$(FactKind::$kind),+];

            /// The field name used in snapshots and messages.
            pub fn name(self) -> &'static str {
                match self {
                    $(FactKind::$kind => stringify!($field),)+
                }
            }
        }

        /// The operations that read each fact, in the table's order.
        pub const FACT_OPERATIONS: &[Operation] = &[
            $($(Operation {
                service: $service,
                name: $op,
                action: $action,
                fact: Some(FactKind::$kind),
            },)+)+
        ];

        /// Everything known about one account.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct AccountFacts {
            pub account_id: String,
            /// The account's name from the accounts file it was collected with, so that an
            /// audit of the snapshot names it too (an accounts file given then wins).
            // Added after the first snapshots: those without it read as none.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub name: Option<String>,
            /// Set when orgexit assumed a role to reach the account.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub reached_through: Option<ReachedThrough>,
            /// Set when the account could not be reached at all (e.g. the role could not
            /// be assumed); every check of the account is then `error` with this reason.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub error: Option<String>,
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<Fact<$ty>>,
            )+
        }

        impl AccountFacts {
            $(
                pub fn $field(&self) -> Result<&$ty, Missing> {
                    self.get(FactKind::$kind, &self.$field)
                }
            )+

            /// Why the read of `kind` failed; `None` when it was read or not collected.
            pub fn read_error(&self, kind: FactKind) -> Option<&str> {
                match kind {
                    $(FactKind::$kind => match &self.$field {
                        Some(Fact::Error(reason)) => Some(reason),
                        _ => None,
                    },)+
                }
            }

            /// How many of the collected facts could not be read.
            pub fn failed_reads(&self) -> usize {
                0 $(+ usize::from(matches!(self.$field, Some(Fact::Error(_)))))+
            }

            /// Every fact of the account read, and failed with `reason` (for tests of
            /// what a failed read does).
            pub fn every_read_failed(account_id: impl Into<String>, reason: &str) -> Self {
                AccountFacts {
                    $($field: Some(Fact::Error(reason.to_string())),)+
                    ..AccountFacts::new(account_id)
                }
            }
        }

        /// A collector: one read per fact, each answering the fact or why it could not
        /// be read (the reason names the action, e.g. `iam:ListRoles: AccessDenied…`).
        pub trait Collect: Sync {
            $(
                fn $field(&self, target: Target<'_>) -> impl Future<Output = Result<$ty, String>> + Send;
            )+
        }

        /// Reads the facts in `needs` for one account, concurrently: every fact starts
        /// at once, so the account takes as long as its longest chain of calls (the most
        /// pages of one list), not the sum of several. Without a leaver named, the
        /// leaver's simulation is not read.
        pub async fn collect<C: Collect>(
            collector: &C,
            target: Target<'_>,
            needs: &std::collections::BTreeSet<FactKind>,
        ) -> AccountFacts {
            let wanted = |kind: FactKind| {
                needs.contains(&kind)
                    && (kind != FactKind::LeavePermission || target.leaver.is_some())
                    && (kind != FactKind::Cleanup || target.cleanup.is_some())
            };
            let ($($field,)+) = futures::join!($(
                async {
                    if wanted(FactKind::$kind) {
                        Some(Fact::from(collector.$field(target).await))
                    } else {
                        None
                    }
                }
            ),+);
            AccountFacts {
                account_id: target.account_id.to_string(),
                name: None,
                reached_through: None,
                error: None,
                $($field,)+
            }
        }
    };
}

facts! {
    Organization organization: Membership
        => [("Organizations", "DescribeOrganization", "organizations:DescribeOrganization")];
    Handshakes handshakes: Vec<Handshake>
        => [("Organizations", "ListHandshakesForAccount", "organizations:ListHandshakesForAccount")];
    BillingContact billing_contact: Option<Contact>
        => [("Account", "GetAlternateContact", "account:GetAlternateContact")];
    Policies policies: Vec<NamedEntity> => [("IAM", "ListPolicies", "iam:ListPolicies")];
    Roles roles: Vec<Role> => [("IAM", "ListRoles", "iam:ListRoles")];
    Users users: Vec<NamedEntity> => [("IAM", "ListUsers", "iam:ListUsers")];
    Groups groups: Vec<NamedEntity> => [("IAM", "ListGroups", "iam:ListGroups")];
    SamlProviders saml_providers: Vec<SamlProvider> => [
        ("IAM", "ListSAMLProviders", "iam:ListSAMLProviders"),
        ("IAM", "GetSAMLProvider", "iam:GetSAMLProvider"),
    ];
    OidcProviders oidc_providers: Vec<NamedEntity>
        => [("IAM", "ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders")];
    Buckets buckets: Vec<String> => [("S3", "ListBuckets", "s3:ListAllMyBuckets")];
    AccountSummary account_summary: AccountSummary
        => [("IAM", "GetAccountSummary", "iam:GetAccountSummary")];
    /// The AWS Payments API (`aws::payments`, until the SDK has one).
    PaymentInstruments payment_instruments: Vec<PaymentInstrument>
        => [("Payments", "ListPaymentInstruments", "payments:ListPaymentInstruments")];
    /// `None` inside: AWS has no contact information for the account.
    PrimaryContact primary_contact: Option<ContactInformation>
        => [("Account", "GetContactInformation", "account:GetContactInformation")];
    /// Only for an account whose leaver was named when the facts were collected. Simulates
    /// a call, never makes it: read-only.
    LeavePermission leave_permission: LeaveSimulation
        => [("IAM", "SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy")];
    AccountInformation account_information: AccountInformation
        => [("Account", "GetAccountInformation", "account:GetAccountInformation")];
    DelegatedServices delegated_services: DelegatedServices => [(
        "Organizations",
        "ListDelegatedServicesForAccount",
        "organizations:ListDelegatedServicesForAccount",
    )];
    /// The billing transfers that let another organization pay this organization's bill
    /// (the outbound ones, `Type=BILLING`); only a management account may list them.
    BillingTransfers billing_transfers: BillingTransfers => [(
        "Organizations",
        "ListOutboundResponsibilityTransfers",
        "organizations:ListOutboundResponsibilityTransfers",
    )];
    /// The account's enabled regions (`ENABLED`, `ENABLED_BY_DEFAULT`), as AWS lists them;
    /// every regional read below is made in these (narrowed by `--regions`).
    Regions regions: Vec<String> => [("Account", "ListRegions", "account:ListRegions")];
    /// CloudFormation stacks that are not deleted, region by region.
    Stacks stacks: Regional<Vec<Stack>>
        => [("CloudFormation", "ListStacks", "cloudformation:ListStacks")];
    /// Every bucket's policy, each read in the bucket's own region.
    BucketPolicies bucket_policies: Vec<BucketPolicy> => [
        ("S3", "ListBuckets", "s3:ListAllMyBuckets"),
        ("S3", "GetBucketLocation", "s3:GetBucketLocation"),
        ("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    ];
    /// The key policies of customer-managed KMS keys, region by region (a key that an
    /// `alias/aws/…` alias names is AWS-managed, and not read).
    KeyPolicies key_policies: Regional<Vec<KeyPolicy>> => [
        ("KMS", "ListKeys", "kms:ListKeys"),
        ("KMS", "ListAliases", "kms:ListAliases"),
        ("KMS", "GetKeyPolicy", "kms:GetKeyPolicy"),
    ];
    /// The runbook's reads: what must go before each reseller resource a finding names
    /// can be deleted. Read only for those resources, and only by `runbook` (and
    /// `collect --runbook`), never by an audit.
    Cleanup cleanup: Cleanup => [
        ("IAM", "ListAttachedRolePolicies", "iam:ListAttachedRolePolicies"),
        ("IAM", "ListRolePolicies", "iam:ListRolePolicies"),
        ("IAM", "ListInstanceProfilesForRole", "iam:ListInstanceProfilesForRole"),
        ("IAM", "ListEntitiesForPolicy", "iam:ListEntitiesForPolicy"),
        ("IAM", "ListPolicyVersions", "iam:ListPolicyVersions"),
        ("IAM", "ListAccessKeys", "iam:ListAccessKeys"),
        ("IAM", "ListSigningCertificates", "iam:ListSigningCertificates"),
        ("IAM", "ListSSHPublicKeys", "iam:ListSSHPublicKeys"),
        ("IAM", "ListServiceSpecificCredentials", "iam:ListServiceSpecificCredentials"),
        ("IAM", "ListMFADevices", "iam:ListMFADevices"),
        ("IAM", "GetLoginProfile", "iam:GetLoginProfile"),
        ("IAM", "ListGroupsForUser", "iam:ListGroupsForUser"),
        ("IAM", "ListAttachedUserPolicies", "iam:ListAttachedUserPolicies"),
        ("IAM", "ListUserPolicies", "iam:ListUserPolicies"),
        ("IAM", "GetGroup", "iam:GetGroup"),
        ("IAM", "ListAttachedGroupPolicies", "iam:ListAttachedGroupPolicies"),
        ("IAM", "ListGroupPolicies", "iam:ListGroupPolicies"),
    ];
}

/// A regional read's answers, region by region. A region that did not answer keeps its
/// own error: it is never taken for a region with nothing in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regional<T> {
    /// Each region read, with its answer or why there is none.
    pub regions: std::collections::BTreeMap<String, Fact<T>>,
    /// Enabled regions that `--regions` left out: not read, and said so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

impl<T> Regional<T> {
    /// Keeps the regions in `only`; the others are left out, as `--regions` leaves them
    /// out when reading AWS.
    pub fn keep(&mut self, only: &std::collections::BTreeSet<String>) {
        let (kept, dropped): (
            std::collections::BTreeMap<_, _>,
            std::collections::BTreeMap<_, _>,
        ) = std::mem::take(&mut self.regions)
            .into_iter()
            .partition(|(region, _)| only.contains(region));
        self.regions = kept;
        self.left_out.extend(dropped.into_keys());
        self.left_out.sort();
        self.left_out.dedup();
    }

    /// The regions that did not answer, with why.
    pub fn failed(&self) -> impl Iterator<Item = (&str, &str)> {
        self.regions.iter().filter_map(|(region, fact)| match fact {
            Fact::Error(reason) => Some((region.as_str(), reason.as_str())),
            Fact::Ok(_) => None,
        })
    }

    /// What each region that answered holds.
    pub fn answered(&self) -> impl Iterator<Item = (&str, &T)> {
        self.regions.iter().filter_map(|(region, fact)| match fact {
            Fact::Ok(value) => Some((region.as_str(), value)),
            Fact::Error(_) => None,
        })
    }
}

/// A CloudFormation stack (`ListStacks`' summary), in a region the map names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stack {
    pub name: String,
    /// The stack's ARN (`StackId`).
    pub id: String,
    /// `CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, … (never `DELETE_COMPLETE`: not read).
    pub status: String,
}

/// A bucket and its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketPolicy {
    pub bucket: String,
    /// The bucket's region (`BucketRegion` of ListBuckets, else `GetBucketLocation`);
    /// `None` when it could not be read (the policy then says why).
    pub region: Option<String>,
    /// The policy document; `None` inside: the bucket has none (`NoSuchBucketPolicy`).
    pub policy: Fact<Option<String>>,
}

/// A customer-managed KMS key and its key policy (the `default` one, the only name AWS has).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPolicy {
    pub key_id: String,
    pub arn: String,
    pub policy: Fact<String>,
}

/// Whether the account belongs to an AWS Organization, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Membership {
    /// `AWSOrganizationsNotInUseException`: the account is standalone.
    Standalone,
    Member(Organization),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub management_account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_email: Option<String>,
}

/// One handshake (invitation) addressed to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handshake {
    pub id: String,
    /// `INVITE`, `ENABLE_ALL_FEATURES`, …
    pub action: String,
    /// `REQUESTED`, `OPEN`, `CANCELED`, `ACCEPTED`, `DECLINED`, `EXPIRED`.
    pub state: String,
    /// The organization the handshake comes from (its `ORGANIZATION` party), if any.
    pub organization_id: Option<String>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub expires_at: Option<OffsetDateTime>,
    /// The inviting organization's management account, from the handshake's resources
    /// (`MANAGEMENT_ACCOUNT`); `None` when AWS does not say, or in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_id: Option<String>,
    /// Its email (`MANAGEMENT_EMAIL`, or the older spelling `MASTER_EMAIL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_email: Option<String>,
    /// Its name (`MANAGEMENT_NAME`, or `MASTER_NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_name: Option<String>,
}

impl Handshake {
    /// `TRANSFER_RESPONSIBILITY`: an invitation to pay another organization's bill
    /// (billing transfer), never an invitation to join.
    pub fn is_billing_transfer(&self) -> bool {
        self.action.eq_ignore_ascii_case("TRANSFER_RESPONSIBILITY")
    }

    /// Still waiting for an answer (`OPEN` or `REQUESTED`).
    pub(crate) fn is_pending(&self) -> bool {
        self.state.eq_ignore_ascii_case("OPEN") || self.state.eq_ignore_ascii_case("REQUESTED")
    }

    /// A pending invitation to join `org` (`INVITE`).
    pub(crate) fn is_pending_invite_from(&self, org: &str) -> bool {
        self.action.eq_ignore_ascii_case("INVITE")
            && self.is_pending()
            && self.organization_id.as_deref() == Some(org)
    }
}

/// The alternate contact of type BILLING; `None` when it is not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A named IAM entity (policy, user, group, SAML or OIDC provider).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedEntity {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub path: String,
    /// The trust policy document, URL-decoded (JSON text as AWS stores it).
    pub trust_policy: String,
}

/// `iam:GetAccountSummary`, the root-user keys orgexit reads. AWS answers counts; a value
/// above 0 is `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub account_mfa_enabled: bool,
    pub account_access_keys_present: bool,
    /// `AccountSigningCertificatesPresent`; `None` in snapshots written before orgexit read
    /// it (the check that needs it is then `error`, never `pass`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_signing_certificates_present: Option<bool>,
    /// `AccountPasswordPresent`: whether the root user has a password. With centralized
    /// root access a member account may have none. `None` when AWS does not list the key
    /// (or in snapshots written before orgexit read it): not known, never "present".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_password_present: Option<bool>,
}

/// A SAML identity provider and the issuer its metadata names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlProvider {
    pub name: String,
    pub arn: String,
    /// The `entityID` of the provider's SAML metadata (`iam:GetSAMLProvider`); `None` in
    /// snapshots written before orgexit read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Fact<String>>,
}

/// One payment instrument of the account, as the AWS Payments API's
/// `ListPaymentInstruments` summarises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInstrument {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `CARD`, `US_ACH_BANK_ACCOUNT`, `SEPA_BANK_ACCOUNT`, …, `PAY_BY_INVOICE`; values
    /// this build does not know are kept as AWS sent them.
    pub method: String,
    /// `ACTIVE`, `PENDING_SETUP`, `SETUP_IN_PROGRESS`, `INVALID` (or a newer value).
    pub status: String,
}

impl PaymentInstrument {
    /// Whether AWS can charge it.
    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }
}

/// The account's primary contact (`account:GetContactInformation`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInformation {
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    pub address_line1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_or_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    pub country_code: Option<String>,
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
}

/// The actions `leave-permission` simulates, in one call: leaving, and accepting the new
/// organization's invitation (a direct move does both).
pub(crate) const LEAVE_ACTION: &str = "organizations:LeaveOrganization";
pub(crate) const ACCEPT_ACTION: &str = "organizations:AcceptHandshake";

/// What `iam:SimulatePrincipalPolicy` said of `organizations:LeaveOrganization` for the
/// named leaver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveSimulation {
    /// The principal simulated (a role or user ARN in the account).
    pub principal: String,
    /// `organizations:LeaveOrganization`.
    pub outcome: LeaveOutcome,
    /// `organizations:AcceptHandshake`, simulated in the same call (a direct move accepts
    /// the new organization's invitation while still a member); `None` in snapshots
    /// written before orgexit simulated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_handshake: Option<LeaveOutcome>,
}

/// `account:GetAccountInformation`: the account's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInformation {
    /// `ACTIVE`, `PENDING_ACTIVATION`, `SUSPENDED`, `CLOSED` (or a newer value, kept as
    /// AWS sent it).
    pub state: String,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub created_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `organizations:ListDelegatedServicesForAccount`: the services the account is a
/// delegated administrator for, or that AWS would not say (a member account may not read
/// it). Not answering is an answer here: the check falls back on the attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum DelegatedServices {
    /// The service principals AWS lists (empty: none).
    Listed { services: Vec<String> },
    /// AWS did not answer, and why (e.g. AccessDenied for a member account).
    Unanswered { reason: String },
}

/// `organizations:ListOutboundResponsibilityTransfers` (`Type=BILLING`): the billing
/// transfers that let an account outside the organization pay its bill (AWS's *outbound
/// billing*), or that AWS would not say (only a management account may list them: a member
/// account is refused, a standalone one has no organization). The list carries each
/// transfer whole (the `ResponsibilityTransfer` shape DescribeResponsibilityTransfer also
/// answers), so no transfer is described again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum BillingTransfers {
    /// The transfers AWS lists, of every status (empty: none).
    Listed { transfers: Vec<BillingTransfer> },
    /// AWS did not answer, and why (AccessDenied, AWSOrganizationsNotInUse).
    Unanswered { reason: String },
}

/// One billing transfer (botocore shape `ResponsibilityTransfer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingTransfer {
    /// `rt-…`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `REQUESTED`, `DECLINED`, `CANCELED`, `EXPIRED`, `ACCEPTED`, `WITHDRAWN`.
    pub status: String,
    /// The organization that pays: its management account (the transfer's `Target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_email: Option<String>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub start: Option<OffsetDateTime>,
    /// When the transfer ends; `None`: it has no end.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub end: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum LeaveOutcome {
    /// `NoSuchEntity`: the principal does not exist in the account.
    NoSuchPrincipal,
    Evaluated {
        /// `allowed`, `explicitDeny` or `implicitDeny`.
        eval_decision: String,
        /// `OrganizationsDecisionDetail.AllowedByOrganizations`; `None` when AWS does not
        /// say (an account in no organization).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allowed_by_organizations: Option<bool>,
    },
}

/// How orgexit reached an account: the audit role it assumed (`--role-name`) and the
/// account it came from. The role's trust in that account is the audit's own, not a door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachedThrough {
    pub role: String,
    pub from_account: String,
}

/// Why a check cannot use a fact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("{0}")]
    Account(String),
    #[error("{0}")]
    Failed(String),
    #[error(
        "{0} was not collected: it is not in the snapshot (taken without the checks that need it, or by an older orgexit: collect it again)"
    )]
    NotCollected(&'static str),
}

impl AccountFacts {
    /// Narrows the regional facts to `only` (`--regions` over a snapshot), as reading
    /// AWS with `--regions` does. Buckets are one global list: they are all kept.
    pub(crate) fn keep_regions(&mut self, only: &std::collections::BTreeSet<String>) {
        if let Some(Fact::Ok(stacks)) = &mut self.stacks {
            stacks.keep(only);
        }
        if let Some(Fact::Ok(keys)) = &mut self.key_policies {
            keys.keep(only);
        }
    }

    pub fn new(account_id: impl Into<String>) -> Self {
        AccountFacts {
            account_id: account_id.into(),
            ..AccountFacts::default()
        }
    }

    /// An account that could not be audited at all.
    pub(crate) fn unreachable(account_id: impl Into<String>, reason: impl Into<String>) -> Self {
        AccountFacts {
            error: Some(reason.into()),
            ..AccountFacts::new(account_id)
        }
    }

    fn get<'a, T>(&'a self, kind: FactKind, fact: &'a Option<Fact<T>>) -> Result<&'a T, Missing> {
        if let Some(reason) = &self.error {
            return Err(Missing::Account(reason.clone()));
        }
        match fact {
            None => Err(Missing::NotCollected(kind.name())),
            Some(Fact::Ok(value)) => Ok(value),
            Some(Fact::Error(reason)) => Err(Missing::Failed(reason.clone())),
        }
    }
}
