//! The check catalog. One file per check; its documentation, `checks/docs/<id>.md` (the
//! module's rustdoc too), is what `orgexit explain` prints, with the headings *What it
//! checks*, *Why it blocks departure* and *How to fix*.
//!
//! A check is a pure function of (facts, policy) → [`Finding`]. Checks never call AWS and
//! never see SDK types. A fact that is missing or failed becomes an `error` finding
//! through `?` on [`Missing`], so no check can pass on data it did not see.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attestations::{AccountAttestations, Leaver, Move, MoveKind, Waiver};
use crate::facts::{AccountFacts, FactKind, Failure, Missing, Unread};
use crate::reseller::Reseller;

/// Declares a check's [`About`] as the module's `ABOUT`, and its id as `pub const ID`
/// (what the report, the ticket and `--select` name it by), from one id: the document
/// is `checks/docs/<id>.md`. Every other field is written out, so a field left out does
/// not compile.
macro_rules! about {
    ($id:literal, $($field:ident: $value:expr),+ $(,)?) => {
        /// The check's id: what the report, the ticket and `--select` name it by.
        pub const ID: &str = $id;
        /// The check's catalog entry.
        const ABOUT: $crate::checks::About = $crate::checks::About {
            id: ID,
            doc: include_str!(concat!("../../checks/docs/", $id, ".md")),
            $($field: $value),+
        };
    };
}

pub(crate) mod access_after_move;
pub(crate) mod account_standing;
pub(crate) mod billing_contact;
pub(crate) mod billing_transfer;
pub(crate) mod control_tower;
pub(crate) mod delegated_admin;
pub(crate) mod doors;
pub(crate) mod iam_federation;
pub(crate) mod iam_reseller_policies;
pub(crate) mod iam_reseller_roles;
pub(crate) mod iam_reseller_users_groups;
pub(crate) mod leave_permission;
pub(crate) mod marked;
pub(crate) mod org_invitation;
pub(crate) mod org_membership;
pub(crate) mod payment_method;
pub(crate) mod primary_contact;
pub(crate) mod regional;
pub(crate) mod resource_policies;
pub(crate) mod root_access_keys;
pub(crate) mod root_credentials;
pub(crate) mod root_mfa;
pub(crate) mod s3_reseller_buckets;
pub(crate) mod stackset_stacks;
pub mod trust_policy;

pub(crate) use org_membership::{Owner, whose};

#[cfg(test)]
pub(crate) mod testing;

/// The catalog, in report order. Ids are stable: tests outside the project rely on them.
pub static CHECKS: &[&dyn Check] = &[
    &org_membership::OrgMembership,
    &org_invitation::OrgInvitation,
    &leave_permission::LeavePermission,
    &payment_method::PaymentMethod,
    &root_credentials::RootCredentials,
    &billing_contact::BillingContact,
    &primary_contact::PrimaryContact,
    &iam_reseller_policies::IamResellerPolicies,
    &iam_reseller_roles::IamResellerRoles,
    &iam_reseller_users_groups::IamResellerUsersGroups,
    &iam_federation::IamFederation,
    &s3_reseller_buckets::S3ResellerBuckets,
    &root_mfa::RootMfa,
    &root_access_keys::RootAccessKeys,
    &account_standing::AccountStanding,
    &access_after_move::AccessAfterMove,
    &control_tower::ControlTower,
    &stackset_stacks::StacksetStacks,
    &resource_policies::ResourcePolicies,
    &delegated_admin::DelegatedAdmin,
    &billing_transfer::BillingTransferCheck,
];

/// Looks a check up by id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    CHECKS.iter().copied().find(|c| c.id() == id)
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Manual,
    Error,
    Skipped,
}

impl Status {
    pub(crate) const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Manual,
        Status::Error,
        Status::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Manual => "manual",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }

    /// Whether this status keeps an account from being ready.
    pub fn blocks(self) -> bool {
        matches!(self, Status::Fail | Status::Manual | Status::Error)
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub(crate) const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// What is at stake when a check of this severity does not pass. A severity ranks
    /// checks; it never changes a status, readiness or the exit status.
    pub(crate) fn meaning(self) -> &'static str {
        match self {
            Severity::Critical => {
                "the account cannot leave, or someone other than the customer keeps control of it (payment method, root user, a way in for the reseller)"
            }
            Severity::High => {
                "the reseller keeps a standing or access in the account (its organization, its IAM policies, roles, users and groups), or the account cannot leave on its own (its primary contact, its leaver's permission)"
            }
            Severity::Medium => {
                "the departure is late or AWS reaches the wrong people (the invitation, the billing contact)"
            }
            Severity::Low => {
                "housekeeping: nothing is at risk if it waits (the reseller's buckets)"
            }
            Severity::Info => "for information only",
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// Before the cut-over (what still blocks) or after it (what was left behind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Pre,
    Post,
}

impl Phase {
    pub(crate) const ALL: [Phase; 2] = [Phase::Pre, Phase::Post];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Phase::Pre => "pre",
            Phase::Post => "post",
        }
    }
}

/// What a check concluded for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub status: Status,
    /// One line, derived from the items where the check lists them.
    pub summary: String,
    pub resources: Vec<String>,
    /// What the finding is about, as data: one item per resource and kind of problem
    /// (reseller-marked resources kept by a `keep` waiver are items of kind [`WAIVED`]).
    pub items: Vec<Item>,
}

/// The item kind of a reseller-marked resource kept by a `keep` waiver, with its reason.
pub(crate) const WAIVED: &str = "waived";

/// One thing a finding is about: a kind of problem (a code stable per check, listed by
/// [`Check::item_kinds`]), the resource, the principal or account involved, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Item {
    /// Stable per check (`orgexit explain <check>` lists them), e.g. `reseller-trust`. A
    /// check in `error` carries what could not be read: `access-denied`, `denied-by-scp`,
    /// `throttled`, `timed-out`, `read-failed` or `not-collected`, with the refused action
    /// (e.g. `iam:ListRoles`) as the resource when AWS named one.
    #[schemars(pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub kind: std::borrow::Cow<'static, str>,
    /// The resource's name (a role, policy, identity provider, bucket…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The principal, account or mark involved (e.g. who a role lets in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The waiver's reason, or why the resource could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Item {
    pub(crate) fn new(kind: &'static str, resource: impl Into<String>) -> Self {
        Item {
            kind: kind.into(),
            resource: Some(resource.into()),
            principal: None,
            reason: None,
        }
    }

    /// An item about no one resource (e.g. why a whole read failed).
    pub(crate) fn about(kind: &'static str, reason: impl Into<String>) -> Self {
        Item {
            kind: kind.into(),
            resource: None,
            principal: None,
            reason: Some(reason.into()),
        }
    }

    /// What could not be read: the [`Failure`] code as kind, the refused action as
    /// resource, and the reason as AWS's answer gave it.
    pub(crate) fn unread(unread: Unread, reason: &str) -> Self {
        Item {
            kind: unread.failure.code().into(),
            resource: unread.action,
            principal: None,
            reason: Some(reason.to_string()),
        }
    }

    /// A resource kept by `waiver`.
    pub(crate) fn waived(name: &str, waiver: &Waiver) -> Self {
        Item::new(WAIVED, name).with_reason(&waiver.reason)
    }

    pub(crate) fn with_principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }

    pub(crate) fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub(crate) fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }

    pub(crate) fn resource(&self) -> &str {
        self.resource.as_deref().unwrap_or_default()
    }

    pub(crate) fn principal(&self) -> &str {
        self.principal.as_deref().unwrap_or_default()
    }

    pub fn reason(&self) -> &str {
        self.reason.as_deref().unwrap_or_default()
    }
}

impl Finding {
    pub(crate) fn new(status: Status, summary: impl Into<String>) -> Self {
        Finding {
            status,
            summary: summary.into(),
            resources: Vec::new(),
            items: Vec::new(),
        }
    }

    /// A finished account keeps its findings until the report is written: no spare
    /// capacity is kept with them.
    pub(crate) fn with_resources(mut self, mut resources: Vec<String>) -> Self {
        resources.shrink_to_fit();
        self.resources = resources;
        self
    }

    pub(crate) fn with_items(mut self, mut items: Vec<Item>) -> Self {
        items.shrink_to_fit();
        self.items = items;
        self
    }

    /// The resources kept by waiver, with the reasons.
    pub(crate) fn waived(&self) -> Vec<Waiver> {
        self.items
            .iter()
            .filter(|i| i.is(WAIVED))
            .map(|i| Waiver {
                name: i.resource().to_string(),
                reason: i.reason().to_string(),
            })
            .collect()
    }
}

impl From<Missing> for Finding {
    /// An `error` finding with one item saying what could not be read and why: its kind
    /// is the [`Failure`] code, its resource the refused action.
    fn from(missing: Missing) -> Self {
        let reason = missing.to_string();
        let item = match &missing {
            Missing::Account(why) | Missing::Failed(why) => Item::unread(Unread::of(why), why),
            Missing::NotCollected(_) => Item::unread(Unread::not_collected(), &reason),
        };
        Finding::new(Status::Error, reason).with_items(vec![item])
    }
}

/// The policy a check evaluates against, for one account.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub phase: Phase,
    pub reseller: &'a Reseller,
    pub new_org: Option<&'a str>,
    pub target_date: Option<time::Date>,
    pub today: time::Date,
    /// This account's attestations (empty when none were given).
    pub attestations: &'a AccountAttestations,
    /// Who will leave the organization in this account: its attestation's `leaver`, else
    /// `--leaver`; `None` when nobody is named.
    pub leaver: Option<&'a Leaver>,
    /// Every account in this audit: trust between them is not "outside".
    pub audited: &'a BTreeSet<String>,
    /// How this account leaves: a direct transfer or standalone, and why.
    pub moving: Move,
    /// The account's trust policies, parsed once however many checks read them.
    pub trust: ParsedTrust,
}

/// Every role's trust policy parsed ([`trust_policy::grants`]), kept for the other checks
/// of the same account (`iam-federation` and `access-after-move` both read them all).
#[derive(Debug, Clone, Default)]
pub struct ParsedTrust(std::cell::OnceCell<(usize, Vec<RoleGrants>)>);

/// What one role's trust policy grants, or why it could not be read.
pub(crate) type RoleGrants = Result<Vec<trust_policy::Grant>, String>;

impl ParsedTrust {
    /// What each of `roles` grants, in order; parsed on the first call. Asked about
    /// other roles (another account's), it parses them without keeping them.
    pub(crate) fn of(
        &self,
        roles: &[crate::facts::Role],
    ) -> std::borrow::Cow<'_, [Result<Vec<trust_policy::Grant>, String>]> {
        let parse = || {
            roles
                .iter()
                .map(|r| trust_policy::grants(&r.trust_policy))
                .collect::<Vec<_>>()
        };
        let key = roles.as_ptr() as usize;
        let (of, parsed) = self.0.get_or_init(|| (key, parse()));
        if *of == key && parsed.len() == roles.len() {
            std::borrow::Cow::Borrowed(parsed)
        } else {
            std::borrow::Cow::Owned(parse())
        }
    }
}

/// What a check is, apart from what it concludes: its entry in the catalog, as data.
/// Each check declares it once with [`about!`]; `orgexit checks`, `explain`, `policy`
/// and the collector read it.
#[derive(Debug)]
pub struct About {
    /// Stable id, e.g. `org-membership`.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// The facts this check reads; the collector fetches the union of the selected checks'.
    pub needs: &'static [FactKind],
    /// The field of an account's attestations (`--attestations`) this check reads, if
    /// any: with `needs`, what `orgexit checks` says it reads.
    pub attestation: Option<&'static str>,
    /// The check's documentation, `checks/docs/<id>.md` (also its module's rustdoc): what
    /// `orgexit explain` prints. Only the document is in the binary, not the check's code.
    pub doc: &'static str,
    /// One line: what to do when the check does not pass.
    pub remediation: &'static str,
    /// Every item kind this check can emit: stable codes, unique within the check. A
    /// check in `error` for want of a fact also carries one item of a [`Failure`] code.
    pub item_kinds: &'static [&'static str],
}

/// What decides which facts a check reads in one account: the phase, the organization
/// the accounts move to, and how this account moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Under<'a> {
    pub phase: Phase,
    pub new_org: Option<&'a str>,
    pub moving: MoveKind,
}

/// One check of the catalog.
pub trait Check: Sync {
    /// The check's catalog entry (its `ABOUT`, declared with [`about!`]).
    fn about(&self) -> &'static About;
    /// Stable id, e.g. `org-membership`.
    fn id(&self) -> &'static str {
        self.about().id
    }
    fn title(&self) -> &'static str {
        self.about().title
    }
    fn severity(&self) -> Severity {
        self.about().severity
    }
    /// The facts this check reads; the collector fetches the union of the selected checks'.
    fn needs(&self) -> &'static [FactKind] {
        self.about().needs
    }
    /// The field of an account's attestations this check reads, if any.
    fn attestation(&self) -> Option<&'static str> {
        self.about().attestation
    }
    /// The check's documentation: what `orgexit explain` prints.
    fn doc(&self) -> &'static str {
        self.about().doc
    }
    /// One line: what to do when the check does not pass.
    fn remediation(&self) -> &'static str {
        self.about().remediation
    }
    /// Every item kind this check can emit.
    fn item_kinds(&self) -> &'static [&'static str] {
        self.about().item_kinds
    }
    /// Whether the check reads anything in an account under these terms; a check whose
    /// verdict needs no fact there (`skipped`, or a pass that follows from the move) costs
    /// no AWS call.
    fn reads_under(&self, _under: Under<'_>) -> bool {
        true
    }
    /// The facts the check reads in an account under these terms: the collector fetches
    /// the union of the selected checks'.
    fn needs_under(&self, under: Under<'_>) -> Vec<FactKind> {
        if self.reads_under(under) {
            self.needs().to_vec()
        } else {
            Vec::new()
        }
    }
    /// The finding on one account's facts; a missing fact is `Err` (the check's `error`).
    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing>;

    /// Runs the check. An account that could not be reached, or a missing fact, makes
    /// the finding `error`, whatever the check would have said.
    fn run(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Finding {
        if let Some(reason) = &facts.error {
            return Finding::from(Missing::Account(reason.clone()));
        }
        let finding = self.evaluate(facts, ctx).unwrap_or_else(Finding::from);
        debug_assert!(
            finding.items.iter().all(|i| {
                self.item_kinds().contains(&&*i.kind) || Failure::from_code(&i.kind).is_some()
            }),
            "{} emitted an item kind it does not list: {:?}",
            self.id(),
            finding.items
        );
        finding
    }
}

/// The status that says most: fail, then error, manual, warn, pass.
pub(crate) fn worst(statuses: &[Status]) -> Status {
    const ORDER: [Status; 5] = [
        Status::Fail,
        Status::Error,
        Status::Manual,
        Status::Warn,
        Status::Pass,
    ];
    ORDER
        .into_iter()
        .find(|s| statuses.contains(s))
        .unwrap_or(Status::Pass)
}

/// "warn before the cut-over, fail after it": the rule of the clean-up checks.
pub(crate) fn leftover_status(phase: Phase) -> Status {
    match phase {
        Phase::Pre => Status::Warn,
        Phase::Post => Status::Fail,
    }
}

/// Joins names for a summary line, eliding after a few.
/// "CTL-CAM-Provider (continuing CAM for ALM), …": what waivers kept, with their reasons.
pub(crate) fn kept_list(items: &[Item]) -> String {
    items
        .iter()
        .filter(|i| i.is(WAIVED))
        .map(|i| format!("{} ({})", i.resource(), i.reason()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn name_list(names: &[String]) -> String {
    const SHOWN: usize = 5;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!(
            "{}, … and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

/// "1 role", "3 roles".
/// A moment as a summary says it, in UTC: `2026-12-09 10:30 UTC`, with the seconds when
/// they are not zero (`2026-12-31 23:59:59 UTC`, a billing transfer's month end).
pub(crate) fn utc(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let seconds = match t.second() {
        0 => String::new(),
        s => format!(":{s:02}"),
    };
    format!(
        "{} {:02}:{:02}{seconds} UTC",
        t.date(),
        t.hour(),
        t.minute()
    )
}

pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No check id or item kind is spelled as a string literal outside the checks (test
    /// modules aside): the report and the ticket name them through the checks' constants
    /// (`payment_method::ID`, `iam_federation::RESELLER_TRUST`), so a rename that would
    /// silently change them does not compile.
    #[test]
    fn check_ids_and_item_kinds_are_spelled_only_in_the_checks() {
        let words: BTreeSet<&str> = CHECKS
            .iter()
            .flat_map(|c| std::iter::once(c.id()).chain(c.item_kinds().iter().copied()))
            .collect();
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        files(&src, &mut found);
        let mut spelled = Vec::new();
        for path in found.iter().filter(|p| !p.starts_with(src.join("checks"))) {
            let text = std::fs::read_to_string(path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for word in &words {
                if code.contains(&format!("\"{word}\"")) {
                    spelled.push(format!("{}: \"{word}\"", path.display()));
                }
            }
        }
        assert!(
            spelled.is_empty(),
            "use the check's constant:\n{}",
            spelled.join("\n")
        );
    }

    /// The trust policies are parsed once per account; another account's roles are
    /// parsed for themselves, never answered from the first one's.
    #[test]
    fn parsed_trust_is_kept_for_its_own_roles_only() {
        let role = |name: &str, principal: &str| crate::facts::Role {
            name: name.into(),
            arn: format!("arn:aws:iam::111111111111:role/{name}"),
            path: "/".into(),
            trust_policy: format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
            ),
        };
        let mine = vec![role("A", "222222222222")];
        let theirs = vec![role("B", "333333333333")];
        let trust = ParsedTrust::default();
        let first = trust.of(&mine);
        assert!(matches!(first, std::borrow::Cow::Borrowed(_)));
        let account = |g: &[RoleGrants]| match &g[0].as_ref().unwrap()[0].principal {
            trust_policy::Trusted::Account(id) => id.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(account(&first), "222222222222");
        assert!(matches!(trust.of(&mine), std::borrow::Cow::Borrowed(_)));
        let other = trust.of(&theirs);
        assert!(matches!(other, std::borrow::Cow::Owned(_)));
        assert_eq!(account(&other), "333333333333");
    }

    #[test]
    fn catalog_ids_are_stable_and_unique() {
        let ids: Vec<_> = CHECKS.iter().map(|c| c.id()).collect();
        assert_eq!(
            ids,
            [
                "org-membership",
                "org-invitation",
                "leave-permission",
                "payment-method",
                "root-credentials",
                "billing-contact",
                "primary-contact",
                "iam-reseller-policies",
                "iam-reseller-roles",
                "iam-reseller-users-groups",
                "iam-federation",
                "s3-reseller-buckets",
                "root-mfa",
                "root-access-keys",
                "account-standing",
                "access-after-move",
                "control-tower",
                "stackset-stacks",
                "resource-policies",
                "delegated-admin",
                "billing-transfer",
            ]
        );
    }

    /// Item kinds are codes readers rely on (JSON `items[].kind`): a change here is a
    /// change of the report's contract.
    #[test]
    fn item_kinds_are_stable_and_unique_per_check() {
        let kinds: Vec<(&str, &[&str])> = CHECKS.iter().map(|c| (c.id(), c.item_kinds())).collect();
        let expected: &[(&str, &[&str])] = &[
            ("org-membership", &[]),
            ("org-invitation", &["invitation", "billing-transfer"]),
            (
                "leave-permission",
                &[
                    "leave-allowed",
                    "leave-denied-by-scp",
                    "leave-denied-by-iam",
                    "no-such-principal",
                    "reseller-removes",
                    "accept-allowed",
                    "accept-denied-by-scp",
                    "accept-denied-by-iam",
                ],
            ),
            (
                "payment-method",
                &[
                    "active-instrument",
                    "inactive-instrument",
                    "no-instrument",
                    "attested",
                    "reseller-created",
                    "not-needed",
                ],
            ),
            ("root-credentials", &[]),
            ("billing-contact", &[]),
            (
                "primary-contact",
                &["missing-contact", "missing-field", "reseller-contact"],
            ),
            ("iam-reseller-policies", &["marked-policy", "waived"]),
            ("iam-reseller-roles", &["marked-role", "waived"]),
            (
                "iam-reseller-users-groups",
                &["marked-user-or-group", "waived"],
            ),
            (
                "iam-federation",
                &[
                    "reseller-trust",
                    "reseller-provider",
                    "unclear-trust",
                    "outside-trust",
                    "unreadable-trust",
                    "unreadable-provider",
                    "unknown-organization",
                    "waived",
                ],
            ),
            ("s3-reseller-buckets", &["reseller-bucket"]),
            ("root-mfa", &[]),
            ("root-access-keys", &[]),
            ("account-standing", &["account-state", "created"]),
            (
                "access-after-move",
                &[
                    "way-in",
                    "gone-with-move",
                    "not-counted",
                    "unreadable-trust",
                ],
            ),
            (
                "control-tower",
                &["control-tower-role", "control-tower-stack"],
            ),
            (
                "stackset-stacks",
                &["reseller-stackset-stack", "stackset-stack", "waived"],
            ),
            (
                "resource-policies",
                &[
                    "reseller-door",
                    "unclear-grant",
                    "open-to-anyone",
                    "unreadable-policy",
                    "waived",
                ],
            ),
            ("delegated-admin", &["delegated-service", "attested"]),
            (
                "billing-transfer",
                &[
                    "transfer-in-force",
                    "transfer-ending",
                    "transfer-requested",
                    "other-payer",
                    "member-account",
                    "unknown-transfer-status",
                ],
            ),
        ];
        assert_eq!(kinds, expected);
        for (id, kinds) in kinds {
            let unique: BTreeSet<_> = kinds.iter().collect();
            assert_eq!(unique.len(), kinds.len(), "{id}: duplicate item kind");
            for kind in kinds {
                assert!(
                    Failure::from_code(kind).is_none(),
                    "{id}: {kind:?} is also the code of a read failure"
                );
                assert!(
                    !kind.is_empty()
                        && kind.split('-').all(|w| !w.is_empty()
                            && w.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                    "{id}: {kind:?} is not a kebab-case code"
                );
            }
        }
    }

    /// A title names what a check is about, never a verdict: it stands beside every
    /// status ("Organization membership", not "Account has left the reseller's
    /// organization" beside `pass` for an account still in it).
    #[test]
    fn titles_are_subjects_not_verdicts() {
        for check in CHECKS {
            let title = check.title();
            let words: Vec<&str> = title.split_whitespace().collect();
            for verdict in ["is", "are", "has", "have", "no", "not", "removed", "left"] {
                assert!(
                    !words.iter().any(|w| w.eq_ignore_ascii_case(verdict)),
                    "{}: {title:?} says {verdict:?}: name the subject, not a verdict",
                    check.id()
                );
            }
        }
    }

    #[test]
    fn every_check_documents_what_why_and_how() {
        for check in CHECKS {
            let doc = check.doc();
            for heading in [
                "## What it checks",
                "## Why it blocks departure",
                "## How to fix",
            ] {
                assert!(
                    doc.contains(heading),
                    "{} lacks {heading:?}:\n{doc}",
                    check.id()
                );
            }
            assert!(!check.remediation().is_empty());
        }
    }
}
