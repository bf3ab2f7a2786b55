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

mod unread;
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

/// The kinds of facts the collector knows how to fetch. Each check declares the kinds it
/// needs; the collector fetches the union, each once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    Organization,
    Handshakes,
    BillingContact,
    Policies,
    Roles,
    Users,
    Groups,
    SamlProviders,
    OidcProviders,
    Buckets,
    AccountSummary,
    PaymentInstruments,
    PrimaryContact,
    LeavePermission,
    AccountInformation,
    DelegatedServices,
}

impl FactKind {
    pub const ALL: [FactKind; 16] = [
        FactKind::Organization,
        FactKind::Handshakes,
        FactKind::BillingContact,
        FactKind::Policies,
        FactKind::Roles,
        FactKind::Users,
        FactKind::Groups,
        FactKind::SamlProviders,
        FactKind::OidcProviders,
        FactKind::Buckets,
        FactKind::AccountSummary,
        FactKind::PaymentInstruments,
        FactKind::PrimaryContact,
        FactKind::LeavePermission,
        FactKind::AccountInformation,
        FactKind::DelegatedServices,
    ];

    /// The field name used in snapshots and messages.
    pub fn name(self) -> &'static str {
        match self {
            FactKind::Organization => "organization",
            FactKind::Handshakes => "handshakes",
            FactKind::BillingContact => "billing_contact",
            FactKind::Policies => "policies",
            FactKind::Roles => "roles",
            FactKind::Users => "users",
            FactKind::Groups => "groups",
            FactKind::SamlProviders => "saml_providers",
            FactKind::OidcProviders => "oidc_providers",
            FactKind::Buckets => "buckets",
            FactKind::AccountSummary => "account_summary",
            FactKind::PaymentInstruments => "payment_instruments",
            FactKind::PrimaryContact => "primary_contact",
            FactKind::LeavePermission => "leave_permission",
            FactKind::AccountInformation => "account_information",
            FactKind::DelegatedServices => "delegated_services",
        }
    }
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
    pub fn is_pending(&self) -> bool {
        self.state.eq_ignore_ascii_case("OPEN") || self.state.eq_ignore_ascii_case("REQUESTED")
    }

    /// A pending invitation to join `org` (`INVITE`).
    pub fn is_pending_invite_from(&self, org: &str) -> bool {
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
pub const LEAVE_ACTION: &str = "organizations:LeaveOrganization";
pub const ACCEPT_ACTION: &str = "organizations:AcceptHandshake";

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

/// Everything known about one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFacts {
    pub account_id: String,
    /// Set when orgexit assumed a role to reach the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached_through: Option<ReachedThrough>,
    /// Set when the account could not be reached at all (e.g. the role could not be
    /// assumed); every check of the account is then `error` with this reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Fact<Membership>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshakes: Option<Fact<Vec<Handshake>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_contact: Option<Fact<Option<Contact>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Fact<Vec<NamedEntity>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Fact<Vec<Role>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Fact<Vec<NamedEntity>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Fact<Vec<NamedEntity>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saml_providers: Option<Fact<Vec<SamlProvider>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc_providers: Option<Fact<Vec<NamedEntity>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<Fact<Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_summary: Option<Fact<AccountSummary>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_instruments: Option<Fact<Vec<PaymentInstrument>>>,
    /// `None` inside: AWS has no contact information for the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_contact: Option<Fact<Option<ContactInformation>>>,
    /// Only for an account whose leaver was named when the facts were collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave_permission: Option<Fact<LeaveSimulation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_information: Option<Fact<AccountInformation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_services: Option<Fact<DelegatedServices>>,
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
    pub fn new(account_id: impl Into<String>) -> Self {
        AccountFacts {
            account_id: account_id.into(),
            ..AccountFacts::default()
        }
    }

    /// An account that could not be audited at all.
    pub fn unreachable(account_id: impl Into<String>, reason: impl Into<String>) -> Self {
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

    /// How many of the collected facts could not be read.
    pub fn failed_reads(&self) -> usize {
        fn failed<T>(fact: &Option<Fact<T>>) -> usize {
            usize::from(matches!(fact, Some(Fact::Error(_))))
        }
        failed(&self.organization)
            + failed(&self.handshakes)
            + failed(&self.billing_contact)
            + failed(&self.policies)
            + failed(&self.roles)
            + failed(&self.users)
            + failed(&self.groups)
            + failed(&self.saml_providers)
            + failed(&self.oidc_providers)
            + failed(&self.buckets)
            + failed(&self.account_summary)
            + failed(&self.payment_instruments)
            + failed(&self.primary_contact)
            + failed(&self.leave_permission)
            + failed(&self.account_information)
            + failed(&self.delegated_services)
    }

    pub fn organization(&self) -> Result<&Membership, Missing> {
        self.get(FactKind::Organization, &self.organization)
    }
    pub fn handshakes(&self) -> Result<&Vec<Handshake>, Missing> {
        self.get(FactKind::Handshakes, &self.handshakes)
    }
    pub fn billing_contact(&self) -> Result<&Option<Contact>, Missing> {
        self.get(FactKind::BillingContact, &self.billing_contact)
    }
    pub fn policies(&self) -> Result<&Vec<NamedEntity>, Missing> {
        self.get(FactKind::Policies, &self.policies)
    }
    pub fn roles(&self) -> Result<&Vec<Role>, Missing> {
        self.get(FactKind::Roles, &self.roles)
    }
    pub fn users(&self) -> Result<&Vec<NamedEntity>, Missing> {
        self.get(FactKind::Users, &self.users)
    }
    pub fn groups(&self) -> Result<&Vec<NamedEntity>, Missing> {
        self.get(FactKind::Groups, &self.groups)
    }
    pub fn saml_providers(&self) -> Result<&Vec<SamlProvider>, Missing> {
        self.get(FactKind::SamlProviders, &self.saml_providers)
    }
    pub fn oidc_providers(&self) -> Result<&Vec<NamedEntity>, Missing> {
        self.get(FactKind::OidcProviders, &self.oidc_providers)
    }
    pub fn buckets(&self) -> Result<&Vec<String>, Missing> {
        self.get(FactKind::Buckets, &self.buckets)
    }
    pub fn account_summary(&self) -> Result<&AccountSummary, Missing> {
        self.get(FactKind::AccountSummary, &self.account_summary)
    }
    pub fn payment_instruments(&self) -> Result<&Vec<PaymentInstrument>, Missing> {
        self.get(FactKind::PaymentInstruments, &self.payment_instruments)
    }
    pub fn primary_contact(&self) -> Result<&Option<ContactInformation>, Missing> {
        self.get(FactKind::PrimaryContact, &self.primary_contact)
    }
    pub fn leave_permission(&self) -> Result<&LeaveSimulation, Missing> {
        self.get(FactKind::LeavePermission, &self.leave_permission)
    }
    pub fn account_information(&self) -> Result<&AccountInformation, Missing> {
        self.get(FactKind::AccountInformation, &self.account_information)
    }
    pub fn delegated_services(&self) -> Result<&DelegatedServices, Missing> {
        self.get(FactKind::DelegatedServices, &self.delegated_services)
    }
}
