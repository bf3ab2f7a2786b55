//! `orgexit runbook`: from the findings to the fix. Per account, what is still open, in
//! the order the departure needs it, each with the exact AWS CLI commands that would
//! close it, or in words when only a person (or only the reseller) can act. orgexit runs
//! none of them: [`sh`] writes a script a person reads and then runs, [`markdown`] the
//! same as a checklist.
//!
//! The steps come from the audit's own findings ([`AccountReport`]) and facts: the roles,
//! policies, users and groups a finding names, with what AWS wants gone before each can
//! be deleted ([`Cleanup`], read for those resources only); the trust, bucket and key
//! policies with the reseller's doors closed ([`close_doors`]). Waived (`keep`)
//! resources are left alone and named as kept.

pub(crate) mod markdown;
pub(crate) mod sh;

use std::collections::{BTreeMap, BTreeSet};

use crate::attestations::BucketDecision;
use crate::checks::doors::{Closed, close_doors};
use crate::checks::{
    Context, Phase, Status, access_after_move, account_standing, billing_contact, billing_transfer,
    control_tower, delegated_admin, iam_federation, iam_reseller_policies, iam_reseller_roles,
    iam_reseller_users_groups, leave_permission, org_invitation, org_membership, payment_method,
    primary_contact, resource_policies, root_access_keys, root_credentials, root_mfa,
    s3_reseller_buckets, stackset_stacks,
};
use crate::facts::{AccountFacts, Cleanup, CleanupTargets, Fact, Membership};
use crate::report::{AccountReport, CheckResult, Report};

/// The whole runbook.
#[derive(Debug, Clone)]
pub(crate) struct Runbook {
    pub generated_at: String,
    pub phase: Phase,
    pub reseller: String,
    /// Where the facts came from: "AWS" or the snapshot's path and time.
    pub source: String,
    pub accounts: Vec<AccountRunbook>,
}

/// One account's steps.
#[derive(Debug, Clone)]
pub(crate) struct AccountRunbook {
    pub account_id: String,
    pub name: Option<String>,
    /// The reseller's organization, while the account is still in it: the cleanup waits
    /// for the move (the script checks, and skips it until then).
    pub still_in: Option<String>,
    pub steps: Vec<Step>,
    /// Resources left alone on purpose: "role CTL-CAM: kept (CAM for ALM)".
    pub kept: Vec<String>,
    /// Why the account could not be audited at all.
    pub error: Option<String>,
}

/// One thing to do, for one finding.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub check: String,
    pub status: Status,
    /// What the step achieves, in a line.
    pub title: String,
    pub action: Action,
    /// Before the move (the order of the departure) or after it.
    pub stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// Must be done before the account leaves; mostly a person's.
    BeforeTheMove,
    /// The reseller's leftovers, removed once the account has left.
    AfterTheMove,
}

/// How a step is done.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// Only a person can: in words, with where in the console.
    Person { what: String, link: Option<String> },
    /// Only the reseller can (its management account): for the ticket.
    Reseller { what: String },
    /// AWS CLI commands, run in order; `notes` are comments above them, and `diff` the
    /// unified diff of the policy they rewrite (empty when they rewrite none).
    Commands {
        notes: Vec<String>,
        diff: Vec<String>,
        commands: Vec<Command>,
    },
}

/// One command of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// `aws ARGS…`, with the account's profile.
    Aws(Vec<String>),
    /// A helper of the script that lists at run time what orgexit could not read (a
    /// snapshot without cleanup details), e.g. `empty_role NAME`.
    Helper(&'static str, Vec<String>),
}

impl Command {
    fn aws(args: &[&str]) -> Command {
        Command::Aws(args.iter().map(|a| a.to_string()).collect())
    }
}

/// The console pages a person's steps point at.
mod console {
    pub const PAYMENT: &str = "https://console.aws.amazon.com/billing/home#/paymentmethods";
    pub const BILLING_TRANSFER: &str =
        "https://console.aws.amazon.com/billing/home#/billing-transfer";
    pub const ACCOUNT: &str = "https://console.aws.amazon.com/billing/home#/account";
    pub const ROOT: &str = "https://console.aws.amazon.com/iam/home#/security_credentials";
    pub const ORGANIZATIONS: &str = "https://console.aws.amazon.com/organizations/v2/home";
    pub const CLOUDFORMATION: &str = "https://console.aws.amazon.com/cloudformation/home";
}

/// The resources whose cleanup details the runbook reads, from an account's findings:
/// the marked roles, policies, users and groups, and the roles that trust the reseller
/// (deleted when no one else is left in their trust). Waived ones are not among them.
pub(crate) fn targets(account: &AccountReport, facts: &AccountFacts) -> CleanupTargets {
    let mut targets = CleanupTargets::default();
    let users: BTreeSet<&str> = facts
        .users()
        .map(|u| u.iter().map(|u| u.name.as_str()).collect())
        .unwrap_or_default();
    let policies: BTreeMap<&str, &str> = facts
        .policies()
        .map(|p| {
            p.iter()
                .map(|p| (p.name.as_str(), p.arn.as_str()))
                .collect()
        })
        .unwrap_or_default();
    for check in &account.checks {
        for item in &check.items {
            let Some(name) = item.resource.as_deref() else {
                continue;
            };
            match &*item.kind {
                iam_reseller_roles::MARKED_ROLE | iam_federation::RESELLER_TRUST => {
                    targets.roles.insert(name.to_string());
                }
                iam_reseller_policies::MARKED_POLICY => {
                    if let Some(arn) = policies.get(name) {
                        targets.policies.insert(arn.to_string());
                    }
                }
                iam_reseller_users_groups::MARKED_USER_OR_GROUP if users.contains(name) => {
                    targets.users.insert(name.to_string());
                }
                iam_reseller_users_groups::MARKED_USER_OR_GROUP => {
                    targets.groups.insert(name.to_string());
                }
                _ => {}
            }
        }
    }
    targets
}

/// The runbook of a report and the facts it was made from (by account ID).
pub(crate) fn build<'c>(
    report: &Report,
    facts: &[AccountFacts],
    context: &dyn Fn(&str) -> Context<'c>,
    source: String,
) -> Runbook {
    let by_id: BTreeMap<&str, &AccountFacts> =
        facts.iter().map(|f| (f.account_id.as_str(), f)).collect();
    let accounts = report
        .accounts
        .iter()
        .map(|account| {
            let facts = by_id.get(account.account_id.as_str()).copied();
            let ctx = context(&account.account_id);
            account_runbook(&account, facts, &ctx)
        })
        .collect();
    Runbook {
        generated_at: report.generated_at_text(),
        phase: report.phase,
        reseller: report.reseller.clone(),
        source,
        accounts,
    }
}

fn account_runbook(
    account: &AccountReport,
    facts: Option<&AccountFacts>,
    ctx: &Context<'_>,
) -> AccountRunbook {
    let empty = AccountFacts::new(account.account_id.clone());
    let facts = facts.unwrap_or(&empty);
    // Written before the cut-over, the cleanup waits for the move; after it, the person
    // asked for the cleanup (`--phase post`) and gets it.
    let still_in = account.organization.as_ref().and_then(|o| {
        (ctx.phase == Phase::Pre && o.owner == crate::report::OrgOwner::Reseller)
            .then(|| o.id.clone())
            .flatten()
    });
    let mut book = AccountRunbook {
        account_id: account.account_id.clone(),
        name: account.name.clone(),
        still_in,
        steps: Vec::new(),
        kept: Vec::new(),
        error: account.error.clone(),
    };
    let (cleanup, not_read) = match &facts.cleanup {
        Some(Fact::Ok(cleanup)) => (Some(cleanup), String::new()),
        Some(Fact::Error(reason)) => (
            None,
            format!(
                "orgexit could not read what AWS wants gone before this resource can be deleted ({reason}): the helper lists and removes it when run."
            ),
        ),
        None => (None, NOT_READ.to_string()),
    };
    let writer = Writer {
        facts,
        ctx,
        cleanup,
        not_read,
        deleted_roles: deleted_roles(account, facts, ctx),
    };
    // A waived resource is named once, with the checks that would have named it.
    let mut kept: BTreeMap<&str, (&str, Vec<&str>)> = BTreeMap::new();
    for check in &account.checks {
        for waived in &check.waived {
            kept.entry(&waived.name)
                .or_insert((&waived.reason, Vec::new()))
                .1
                .push(&check.id);
        }
        // A bucket decision attested is a pass that still has its step: the deletion
        // or archive it decided.
        let decided = check.id == s3_reseller_buckets::ID && !check.items.is_empty();
        if matches!(check.status, Status::Pass | Status::Skipped) && !decided {
            continue;
        }
        book.steps.extend(writer.steps(check));
    }
    book.kept = kept
        .into_iter()
        .map(|(name, (reason, checks))| {
            format!("{name}: kept by waiver ({reason}); {}", checks.join(", "))
        })
        .collect();
    book.steps.sort_by_key(|s| (s.stage, rank(&s.check)));
    book
}

/// The order of the departure: money and contacts, the invitation, root, a way in, the
/// reseller's side, leaving; then, after the move, trust first (it is what lets the
/// reseller in), then roles, users, groups, policies (detached from the others by then),
/// providers, resource policies, buckets.
const ORDER: &[&str] = &[
    account_standing::ID,
    billing_transfer::ID,
    payment_method::ID,
    primary_contact::ID,
    billing_contact::ID,
    org_invitation::ID,
    root_credentials::ID,
    root_mfa::ID,
    root_access_keys::ID,
    access_after_move::ID,
    leave_permission::ID,
    delegated_admin::ID,
    control_tower::ID,
    stackset_stacks::ID,
    org_membership::ID,
    iam_federation::ID,
    iam_reseller_roles::ID,
    iam_reseller_users_groups::ID,
    iam_reseller_policies::ID,
    resource_policies::ID,
    s3_reseller_buckets::ID,
];

fn rank(check: &str) -> usize {
    ORDER
        .iter()
        .position(|c| *c == check)
        .unwrap_or(ORDER.len())
}

/// The roles the runbook deletes: every marked role, and every role that trusts only
/// the reseller (nothing would be left of its trust).
fn deleted_roles(
    account: &AccountReport,
    facts: &AccountFacts,
    ctx: &Context<'_>,
) -> BTreeSet<String> {
    let mut deleted = BTreeSet::new();
    let roles = facts.roles().map(Vec::as_slice).unwrap_or_default();
    for check in &account.checks {
        for item in &check.items {
            let Some(name) = item.resource.as_deref() else {
                continue;
            };
            match &*item.kind {
                iam_reseller_roles::MARKED_ROLE => {
                    deleted.insert(name.to_string());
                }
                iam_federation::RESELLER_TRUST => {
                    let closed = roles.iter().find(|r| r.name == name).and_then(|r| {
                        close_doors(facts, ctx, &r.trust_policy, &r.name)
                            .ok()
                            .flatten()
                    });
                    if closed.is_some_and(|c| c.after.is_none()) {
                        deleted.insert(name.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    deleted
}

/// What the steps of one account are written from.
struct Writer<'a> {
    facts: &'a AccountFacts,
    ctx: &'a Context<'a>,
    /// The cleanup details read for the resources the findings name; `None`: not read
    /// (a snapshot collected without `--runbook`), and the script lists them when run.
    cleanup: Option<&'a Cleanup>,
    /// Why there are no cleanup details, said above each helper that stands in for them.
    not_read: String,
    deleted_roles: BTreeSet<String>,
}

impl Writer<'_> {
    fn steps(&self, check: &CheckResult) -> Vec<Step> {
        let step = |title: String, stage: Stage, action: Action| Step {
            check: check.id.to_string(),
            status: check.status,
            title,
            action,
            stage,
        };
        let person = |link: &str| {
            vec![step(
                check.summary.clone(),
                Stage::BeforeTheMove,
                Action::Person {
                    what: check.remediation.to_string(),
                    link: Some(link.to_string()),
                },
            )]
        };
        if check.status == Status::Error {
            return vec![step(
                format!("could not be checked: {}", check.summary),
                stage_of(&check.id),
                Action::Person {
                    what: "Fix the read first (often the audit role's permissions: `orgexit policy --for runbook`), then write the runbook again.".to_string(),
                    link: None,
                },
            )];
        }
        match &*check.id {
            payment_method::ID => person(console::PAYMENT),
            billing_transfer::ID => person(console::BILLING_TRANSFER),
            account_standing::ID | primary_contact::ID | billing_contact::ID => {
                person(console::ACCOUNT)
            }
            root_credentials::ID | root_mfa::ID | root_access_keys::ID => person(console::ROOT),
            // Out of the reseller's organization already (standalone or in the new one).
            org_membership::ID if check.status == Status::Warn => Vec::new(),
            org_invitation::ID | leave_permission::ID | org_membership::ID => {
                person(console::ORGANIZATIONS)
            }
            delegated_admin::ID | control_tower::ID | stackset_stacks::ID => vec![step(
                check.summary.clone(),
                Stage::BeforeTheMove,
                Action::Reseller {
                    what: format!(
                        "{} Only the reseller's management account can do this: ask for it in the departure ticket (`orgexit ticket`).{}",
                        check.remediation,
                        if check.id == control_tower::ID || check.id == stackset_stacks::ID {
                            format!(
                                " Stacks to keep: export their templates first ({}).",
                                console::CLOUDFORMATION
                            )
                        } else {
                            String::new()
                        }
                    ),
                },
            )],
            access_after_move::ID => vec![step(
                check.summary.clone(),
                Stage::BeforeTheMove,
                self.break_glass(),
            )],
            iam_reseller_roles::ID => self.each(check, iam_reseller_roles::MARKED_ROLE, |name| {
                step(
                    format!("delete role {name}"),
                    Stage::AfterTheMove,
                    self.delete_role(name),
                )
            }),
            iam_reseller_users_groups::ID => self.each(
                check,
                iam_reseller_users_groups::MARKED_USER_OR_GROUP,
                |name| {
                    let is_user = self
                        .facts
                        .users()
                        .is_ok_and(|users| users.iter().any(|u| u.name == name));
                    if is_user {
                        step(
                            format!("delete user {name}"),
                            Stage::AfterTheMove,
                            self.delete_user(name),
                        )
                    } else {
                        step(
                            format!("delete group {name}"),
                            Stage::AfterTheMove,
                            self.delete_group(name),
                        )
                    }
                },
            ),
            iam_reseller_policies::ID => {
                self.each(check, iam_reseller_policies::MARKED_POLICY, |name| {
                    step(
                        format!("delete policy {name}"),
                        Stage::AfterTheMove,
                        self.delete_policy(name),
                    )
                })
            }
            iam_federation::ID => self.federation(check, &step),
            resource_policies::ID => self.resource_policies(check, &step),
            s3_reseller_buckets::ID => self.buckets(check, &step),
            _ => person(console::ACCOUNT),
        }
    }

    /// One step per item of `kind`, by the item's resource.
    fn each(
        &self,
        check: &CheckResult,
        kind: &str,
        mut one: impl FnMut(&str) -> Step,
    ) -> Vec<Step> {
        check
            .items
            .iter()
            .filter(|i| i.kind == kind)
            .filter_map(|i| i.resource.as_deref())
            .map(&mut one)
            .collect()
    }

    fn break_glass(&self) -> Action {
        let trusted = new_org_management(self.facts, self.ctx);
        let principal = match &trusted {
            Some(account) => format!("arn:aws:iam::{account}:root"),
            None => "arn:aws:iam::${BREAK_GLASS_TRUSTED_ACCOUNT}:root".to_string(),
        };
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "AWS": principal },
                "Action": "sts:AssumeRole"
            }]
        })
        .to_string();
        let mut notes = vec![
            "A way in that stays after the move: a break-glass role your own organization can assume. Review who it trusts before you run it; or recover the root password and attest it instead.".to_string(),
        ];
        if trusted.is_none() {
            notes.push("The new organization's management account is not known: set BREAK_GLASS_TRUSTED_ACCOUNT at the top of the script to the account that may assume the role.".to_string());
        }
        Action::Commands {
            notes,
            diff: Vec::new(),
            commands: vec![
                Command::Aws(vec![
                    "iam".into(),
                    "create-role".into(),
                    "--role-name".into(),
                    BREAK_GLASS_ROLE.into(),
                    "--assume-role-policy-document".into(),
                    trust,
                ]),
                Command::aws(&[
                    "iam",
                    "attach-role-policy",
                    "--role-name",
                    BREAK_GLASS_ROLE,
                    "--policy-arn",
                    "arn:aws:iam::aws:policy/AdministratorAccess",
                ]),
            ],
        }
    }

    fn delete_role(&self, name: &str) -> Action {
        let mut action = self.role_deletion(name);
        // The role orgexit came in through: deleting it ends the next audit's way in.
        if self
            .facts
            .reached_through
            .as_ref()
            .is_some_and(|r| r.role == name)
            && let Action::Commands { notes, .. } = &mut action
        {
            notes.insert(
                0,
                format!("orgexit reached this account through {name}: once it is gone, audit the account through a role of your own (--role-name)."),
            );
        }
        action
    }

    fn role_deletion(&self, name: &str) -> Action {
        let Some(details) = self.cleanup.and_then(|c| c.roles.get(name)) else {
            return Action::Commands {
                diff: Vec::new(),
                notes: vec![self.not_read.clone()],
                commands: vec![Command::Helper("empty_role", vec![name.to_string()])]
                    .into_iter()
                    .chain([Command::aws(&["iam", "delete-role", "--role-name", name])])
                    .collect(),
            };
        };
        let mut commands = Vec::new();
        for arn in &details.attached_policies {
            commands.push(Command::aws(&[
                "iam",
                "detach-role-policy",
                "--role-name",
                name,
                "--policy-arn",
                arn,
            ]));
        }
        for policy in &details.inline_policies {
            commands.push(Command::aws(&[
                "iam",
                "delete-role-policy",
                "--role-name",
                name,
                "--policy-name",
                policy,
            ]));
        }
        for profile in &details.instance_profiles {
            commands.push(Command::aws(&[
                "iam",
                "remove-role-from-instance-profile",
                "--instance-profile-name",
                profile,
                "--role-name",
                name,
            ]));
        }
        commands.push(Command::aws(&["iam", "delete-role", "--role-name", name]));
        Action::Commands {
            diff: Vec::new(),
            notes: Vec::new(),
            commands,
        }
    }

    fn delete_user(&self, name: &str) -> Action {
        let Some(d) = self.cleanup.and_then(|c| c.users.get(name)) else {
            return Action::Commands {
                diff: Vec::new(),
                notes: vec![self.not_read.clone()],
                commands: vec![
                    Command::Helper("empty_user", vec![name.to_string()]),
                    Command::aws(&["iam", "delete-user", "--user-name", name]),
                ],
            };
        };
        let mut commands = Vec::new();
        let mut add = |args: &[&str]| commands.push(Command::aws(args));
        for key in &d.access_keys {
            add(&[
                "iam",
                "delete-access-key",
                "--user-name",
                name,
                "--access-key-id",
                key,
            ]);
        }
        for cert in &d.signing_certificates {
            add(&[
                "iam",
                "delete-signing-certificate",
                "--user-name",
                name,
                "--certificate-id",
                cert,
            ]);
        }
        for key in &d.ssh_public_keys {
            add(&[
                "iam",
                "delete-ssh-public-key",
                "--user-name",
                name,
                "--ssh-public-key-id",
                key,
            ]);
        }
        for credential in &d.service_specific_credentials {
            add(&[
                "iam",
                "delete-service-specific-credential",
                "--user-name",
                name,
                "--service-specific-credential-id",
                credential,
            ]);
        }
        for serial in &d.mfa_devices {
            add(&[
                "iam",
                "deactivate-mfa-device",
                "--user-name",
                name,
                "--serial-number",
                serial,
            ]);
            if serial.starts_with("arn:") {
                add(&[
                    "iam",
                    "delete-virtual-mfa-device",
                    "--serial-number",
                    serial,
                ]);
            }
        }
        if d.login_profile {
            add(&["iam", "delete-login-profile", "--user-name", name]);
        }
        for group in &d.groups {
            add(&[
                "iam",
                "remove-user-from-group",
                "--group-name",
                group,
                "--user-name",
                name,
            ]);
        }
        for arn in &d.attached_policies {
            add(&[
                "iam",
                "detach-user-policy",
                "--user-name",
                name,
                "--policy-arn",
                arn,
            ]);
        }
        for policy in &d.inline_policies {
            add(&[
                "iam",
                "delete-user-policy",
                "--user-name",
                name,
                "--policy-name",
                policy,
            ]);
        }
        add(&["iam", "delete-user", "--user-name", name]);
        Action::Commands {
            diff: Vec::new(),
            notes: Vec::new(),
            commands,
        }
    }

    fn delete_group(&self, name: &str) -> Action {
        let Some(d) = self.cleanup.and_then(|c| c.groups.get(name)) else {
            return Action::Commands {
                diff: Vec::new(),
                notes: vec![self.not_read.clone()],
                commands: vec![
                    Command::Helper("empty_group", vec![name.to_string()]),
                    Command::aws(&["iam", "delete-group", "--group-name", name]),
                ],
            };
        };
        let mut commands = Vec::new();
        for user in &d.members {
            commands.push(Command::aws(&[
                "iam",
                "remove-user-from-group",
                "--group-name",
                name,
                "--user-name",
                user,
            ]));
        }
        for arn in &d.attached_policies {
            commands.push(Command::aws(&[
                "iam",
                "detach-group-policy",
                "--group-name",
                name,
                "--policy-arn",
                arn,
            ]));
        }
        for policy in &d.inline_policies {
            commands.push(Command::aws(&[
                "iam",
                "delete-group-policy",
                "--group-name",
                name,
                "--policy-name",
                policy,
            ]));
        }
        commands.push(Command::aws(&["iam", "delete-group", "--group-name", name]));
        Action::Commands {
            diff: Vec::new(),
            notes: Vec::new(),
            commands,
        }
    }

    fn delete_policy(&self, name: &str) -> Action {
        let arn = self
            .facts
            .policies()
            .ok()
            .and_then(|p| p.iter().find(|p| p.name == name))
            .map(|p| p.arn.clone())
            .unwrap_or_else(|| format!("arn:aws:iam::{}:policy/{name}", self.facts.account_id));
        let Some(d) = self.cleanup.and_then(|c| c.policies.get(&arn)) else {
            return Action::Commands {
                diff: Vec::new(),
                notes: vec![self.not_read.clone()],
                commands: vec![
                    Command::Helper("empty_policy", vec![arn.clone()]),
                    Command::aws(&["iam", "delete-policy", "--policy-arn", &arn]),
                ],
            };
        };
        let mut commands = Vec::new();
        // Roles the runbook deletes lose the policy with the role, before this step.
        for role in d
            .attached_to_roles
            .iter()
            .filter(|r| !self.deleted_roles.contains(*r))
        {
            commands.push(Command::aws(&[
                "iam",
                "detach-role-policy",
                "--role-name",
                role,
                "--policy-arn",
                &arn,
            ]));
        }
        for user in &d.attached_to_users {
            commands.push(Command::aws(&[
                "iam",
                "detach-user-policy",
                "--user-name",
                user,
                "--policy-arn",
                &arn,
            ]));
        }
        for group in &d.attached_to_groups {
            commands.push(Command::aws(&[
                "iam",
                "detach-group-policy",
                "--group-name",
                group,
                "--policy-arn",
                &arn,
            ]));
        }
        for version in &d.other_versions {
            commands.push(Command::aws(&[
                "iam",
                "delete-policy-version",
                "--policy-arn",
                &arn,
                "--version-id",
                version,
            ]));
        }
        commands.push(Command::aws(&[
            "iam",
            "delete-policy",
            "--policy-arn",
            &arn,
        ]));
        Action::Commands {
            diff: Vec::new(),
            notes: Vec::new(),
            commands,
        }
    }

    fn federation(
        &self,
        check: &CheckResult,
        step: &dyn Fn(String, Stage, Action) -> Step,
    ) -> Vec<Step> {
        let roles = self.facts.roles().map(Vec::as_slice).unwrap_or_default();
        let mut steps = Vec::new();
        for item in &check.items {
            let Some(name) = item.resource.as_deref() else {
                continue;
            };
            match &*item.kind {
                iam_federation::RESELLER_TRUST => {
                    if self.ctx.reseller.marks(name).is_some() {
                        // A marked role: `iam-reseller-roles` deletes it.
                        continue;
                    }
                    let Some(role) = roles.iter().find(|r| r.name == name) else {
                        continue;
                    };
                    match close_doors(self.facts, self.ctx, &role.trust_policy, &role.name) {
                        Ok(Some(Closed { after: None, .. })) => steps.push(step(
                            format!("delete role {name}: it trusts only the reseller"),
                            Stage::AfterTheMove,
                            self.delete_role(name),
                        )),
                        Ok(Some(closed)) => {
                            let after = closed.after.clone().expect("a document is left");
                            steps.push(step(
                                format!("take the reseller out of role {name}'s trust"),
                                Stage::AfterTheMove,
                                Action::Commands {
                                    diff: policy_diff(&closed),
                                    notes: policy_notes(&closed),
                                    commands: vec![Command::Aws(vec![
                                        "iam".into(),
                                        "update-assume-role-policy".into(),
                                        "--role-name".into(),
                                        name.to_string(),
                                        "--policy-document".into(),
                                        compact(&after),
                                    ])],
                                },
                            ));
                        }
                        Ok(None) | Err(_) => steps.push(step(
                            format!("review role {name}'s trust"),
                            Stage::AfterTheMove,
                            Action::Person {
                                what: format!(
                                    "orgexit cannot rewrite this trust policy; remove {} from it in the console.",
                                    item.principal.as_deref().unwrap_or("the reseller")
                                ),
                                link: Some(format!("https://console.aws.amazon.com/iam/home#/roles/details/{name}?section=trust_relationships")),
                            },
                        )),
                    }
                }
                iam_federation::RESELLER_PROVIDER => {
                    // The item names a provider by name or ARN; the delete takes its ARN.
                    let named = |p: &&crate::facts::NamedEntity| p.name == name || p.arn == name;
                    let saml = self.facts.saml_providers().ok().and_then(|list| {
                        list.iter().find(|p| p.name == name || p.arn == name).map(|p| p.arn.clone())
                    });
                    let oidc = self.facts.oidc_providers().ok().and_then(|list| {
                        list.iter().find(named).map(|p| p.arn.clone())
                    });
                    let (kind, args): (&str, Vec<String>) = match (saml, oidc) {
                        (Some(arn), _) => (
                            "SAML",
                            vec!["iam".into(), "delete-saml-provider".into(), "--saml-provider-arn".into(), arn],
                        ),
                        (None, Some(arn)) => (
                            "OIDC",
                            vec![
                                "iam".into(),
                                "delete-open-id-connect-provider".into(),
                                "--open-id-connect-provider-arn".into(),
                                arn,
                            ],
                        ),
                        (None, None) => continue,
                    };
                    steps.push(step(
                        format!("delete the reseller's {kind} provider {}", short(name)),
                        Stage::AfterTheMove,
                        Action::Commands {
                            diff: Vec::new(),
                            notes: Vec::new(),
                            commands: vec![Command::Aws(args)],
                        },
                    ));
                }
                // An outside account known not to be the reseller's is the customer's to
                // judge (a warning); one that cannot be told apart blocks.
                iam_federation::UNCLEAR_TRUST => steps.push(step(
                    format!("review who role {name} trusts"),
                    Stage::AfterTheMove,
                    Action::Person {
                        what: format!(
                            "{} is trusted and orgexit cannot tell whether it is the reseller's: remove it, or give its account with --reseller-account or audit it with the others.",
                            item.principal.as_deref().unwrap_or("an outside account")
                        ),
                        link: Some(format!("https://console.aws.amazon.com/iam/home#/roles/details/{name}?section=trust_relationships")),
                    },
                )),
                _ => {}
            }
        }
        steps
    }

    fn resource_policies(
        &self,
        check: &CheckResult,
        step: &dyn Fn(String, Stage, Action) -> Step,
    ) -> Vec<Step> {
        let mut steps = Vec::new();
        for item in check
            .items
            .iter()
            .filter(|i| i.kind == resource_policies::RESELLER_DOOR)
        {
            let Some(arn) = item.resource.as_deref() else {
                continue;
            };
            if let Some(bucket) = arn.split(":::").nth(1).filter(|_| arn.contains(":s3:::")) {
                // The bucket's policy and region as read; a region not known is left to the
                // AWS CLI (which follows S3's redirect), never written as a made-up one.
                let read = self
                    .facts
                    .bucket_policies()
                    .ok()
                    .and_then(|b| b.iter().find(|b| b.bucket == bucket));
                let policy = read.and_then(|b| match &b.policy {
                    Fact::Ok(Some(policy)) => Some(policy.clone()),
                    _ => None,
                });
                let region: Vec<String> = read
                    .and_then(|b| b.region.clone())
                    .map(|r| vec!["--region".to_string(), r])
                    .unwrap_or_default();
                steps.push(step(
                    format!("close the reseller's door in bucket {bucket}'s policy"),
                    Stage::AfterTheMove,
                    self.rewrite(policy.as_deref(), |after| {
                        let (verb, document) = match after {
                            Some(after) => {
                                ("put-bucket-policy", vec!["--policy".into(), compact(after)])
                            }
                            None => ("delete-bucket-policy", Vec::new()),
                        };
                        ["s3api", verb, "--bucket", bucket]
                            .map(str::to_string)
                            .into_iter()
                            .chain(region.iter().cloned())
                            .chain(document)
                            .collect()
                    }),
                ));
            } else {
                // The key's policy, and the region it was read in.
                let read = self.facts.key_policies().ok().and_then(|k| {
                    k.answered().find_map(|(region, keys)| {
                        keys.iter().find(|k| k.arn == arn).map(|k| (region, k))
                    })
                });
                let Some((region, key)) = read else {
                    // Named by the finding, not in the facts read: a step in words, not none.
                    steps.push(step(
                        format!("close the reseller's door in key {}'s policy", short(arn)),
                        Stage::AfterTheMove,
                        self.rewrite(None, |_| Vec::new()),
                    ));
                    continue;
                };
                let policy = match &key.policy {
                    Fact::Ok(policy) => Some(policy.as_str()),
                    Fact::Error(_) => None,
                };
                let account = &self.facts.account_id;
                let partition = arn.split(':').nth(1).unwrap_or("aws");
                steps.push(step(
                    format!(
                        "close the reseller's door in key {}'s policy ({region})",
                        short(arn)
                    ),
                    Stage::AfterTheMove,
                    self.rewrite(policy, |after| {
                        // A key policy cannot be empty: with nothing else left, the key
                        // gets AWS's default policy (the account's IAM policies decide).
                        let default = serde_json::json!({
                            "Version": "2012-10-17",
                            "Statement": [{
                                "Sid": "Enable IAM User Permissions",
                                "Effect": "Allow",
                                "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
                                "Action": "kms:*",
                                "Resource": "*"
                            }]
                        })
                        .to_string();
                        vec![
                            "kms".into(),
                            "put-key-policy".into(),
                            "--key-id".into(),
                            arn.to_string(),
                            "--region".into(),
                            region.to_string(),
                            "--policy-name".into(),
                            "default".into(),
                            "--policy".into(),
                            after.map(compact).unwrap_or(default),
                        ]
                    }),
                ));
            }
        }
        for item in check.items.iter().filter(|i| {
            matches!(
                &*i.kind,
                resource_policies::UNCLEAR_GRANT | resource_policies::OPEN_TO_ANYONE
            )
        }) {
            steps.push(step(
                format!(
                    "review the policy of {}",
                    item.resource.as_deref().map(short).unwrap_or("a resource")
                ),
                Stage::AfterTheMove,
                Action::Person {
                    what: format!(
                        "It lets in {}: orgexit cannot tell whether that is the reseller. Narrow it, or name the reseller's accounts with --reseller-account.",
                        item.principal.as_deref().unwrap_or("someone outside")
                    ),
                    link: None,
                },
            ));
        }
        steps
    }

    /// The policy rewritten without the reseller's doors, as one command (`make`: the
    /// command from the new document, `None` when nothing is left), the diff above it.
    fn rewrite(&self, policy: Option<&str>, make: impl Fn(Option<&str>) -> Vec<String>) -> Action {
        let closed = policy.map(|p| close_doors(self.facts, self.ctx, p, ""));
        match closed {
            Some(Ok(Some(closed))) => Action::Commands {
                diff: policy_diff(&closed),
                notes: policy_notes(&closed),
                commands: vec![Command::Aws(make(closed.after.as_deref()))],
            },
            _ => Action::Person {
                what: "orgexit cannot rewrite this policy: remove the reseller's statements in the console.".to_string(),
                link: None,
            },
        }
    }

    fn buckets(
        &self,
        check: &CheckResult,
        step: &dyn Fn(String, Stage, Action) -> Step,
    ) -> Vec<Step> {
        let buckets = check
            .items
            .iter()
            .filter(|i| i.kind == s3_reseller_buckets::RESELLER_BUCKET)
            .filter_map(|i| i.resource.as_deref());
        buckets
            .filter(|_| self.ctx.attestations.buckets != Some(BucketDecision::Keep))
            .map(|bucket| match self.ctx.attestations.buckets {
                Some(BucketDecision::Keep) | None => step(
                    format!("decide what becomes of bucket {bucket}"),
                    Stage::AfterTheMove,
                    Action::Person {
                        what: "Keep, archive or delete it, and attest the decision (buckets = \"keep|archive|delete\"); the runbook then writes the commands.".to_string(),
                        link: Some(format!("https://console.aws.amazon.com/s3/buckets/{bucket}")),
                    },
                ),
                Some(BucketDecision::Archive) => step(
                    format!("archive bucket {bucket}"),
                    Stage::AfterTheMove,
                    Action::Person {
                        what: "Copy its objects where you archive (e.g. `aws s3 sync s3://BUCKET s3://YOUR-ARCHIVE`), then delete it as for `delete`.".replace("BUCKET", bucket),
                        link: Some(format!("https://console.aws.amazon.com/s3/buckets/{bucket}")),
                    },
                ),
                Some(BucketDecision::Delete) => step(
                    format!("delete bucket {bucket}"),
                    Stage::AfterTheMove,
                    Action::Commands {
                        diff: Vec::new(),
                        notes: vec!["Deletes every object, then the bucket (attested: buckets = \"delete\"). A versioned bucket keeps old versions: empty it in the console first.".to_string()],
                        commands: vec![Command::Aws(vec!["s3".into(), "rb".into(), format!("s3://{bucket}"), "--force".into()])],
                    },
                ),
            })
            .collect()
    }
}

/// The role the runbook offers as a way in after the move.
pub(crate) const BREAK_GLASS_ROLE: &str = "BreakGlassAdmin";

const NOT_READ: &str = "The facts have no cleanup details for this resource (a snapshot collected without `--runbook`): the helper lists and removes, when run, what AWS wants gone first.";

/// The management account of the new organization, when the account is in it or has its
/// invitation.
fn new_org_management(facts: &AccountFacts, ctx: &Context<'_>) -> Option<String> {
    let new_org = ctx.new_org?;
    if let Ok(Membership::Member(org)) = facts.organization()
        && org.id == new_org
    {
        return Some(org.management_account_id.clone());
    }
    facts.handshakes().ok()?.iter().find_map(|h| {
        (h.organization_id.as_deref() == Some(new_org))
            .then(|| h.management_account_id.clone())
            .flatten()
    })
}

fn stage_of(check: &str) -> Stage {
    if rank(check) >= rank(iam_federation::ID) {
        Stage::AfterTheMove
    } else {
        Stage::BeforeTheMove
    }
}

/// The comments above a policy rewrite: who goes, and whether anything is left.
fn policy_notes(closed: &Closed) -> Vec<String> {
    let mut notes = vec![format!("Takes out: {}", closed.removed.join("; "))];
    if closed.after.is_none() {
        notes.push("Nothing is left of it.".to_string());
    }
    notes
}

/// The policy before → after, as a unified diff.
fn policy_diff(closed: &Closed) -> Vec<String> {
    // Both end in a newline, so the diff has no "\ No newline" lines.
    let before = format!("{}\n", closed.before);
    let after = closed
        .after
        .as_deref()
        .map(|a| format!("{a}\n"))
        .unwrap_or_default();
    let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
    diff.unified_diff()
        .context_radius(3)
        .to_string()
        .lines()
        .map(str::to_string)
        .collect()
}

/// A pretty-printed document on one line, as a command argument.
fn compact(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| document.to_string())
}

/// The last part of an ARN.
fn short(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

impl AccountRunbook {
    pub(crate) fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.account_id),
            None => self.account_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::checks::{CHECKS, Severity};
    use crate::facts::NamedEntity;
    use crate::report::Text;

    fn marked_role(status: Status) -> CheckResult {
        CheckResult {
            id: Text::Borrowed(iam_reseller_roles::ID),
            title: Text::Borrowed("roles"),
            severity: Severity::High,
            status,
            summary: "1 role named with CTL: CTL-Admin".into(),
            resources: vec![format!("arn:aws:iam::{ACCOUNT}:role/CTL-Admin")],
            remediation: Text::Borrowed(""),
            waived: vec![],
            items: vec![crate::checks::Item::new(
                iam_reseller_roles::MARKED_ROLE,
                "CTL-Admin",
            )],
        }
    }

    fn account(checks: Vec<CheckResult>) -> AccountReport {
        AccountReport {
            account_id: ACCOUNT.into(),
            name: None,
            ready: false,
            error: None,
            organization: None,
            moving: None,
            checks,
        }
    }

    fn commands(book: &AccountRunbook) -> Vec<Command> {
        book.steps
            .iter()
            .flat_map(|s| match &s.action {
                Action::Commands { commands, .. } => commands.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_failed_read_of_the_details_leaves_the_listing_to_the_script_and_says_why() {
        let setup = Setup::new(Phase::Post);
        let ctx = setup.ctx();
        let facts = AccountFacts {
            roles: Some(Fact::Ok(vec![])),
            cleanup: Some(Fact::Error("iam:ListRolePolicies: AccessDenied".into())),
            ..facts()
        };
        let book = account_runbook(
            &account(vec![marked_role(Status::Fail)]),
            Some(&facts),
            &ctx,
        );
        assert_eq!(
            commands(&book),
            [
                Command::Helper("empty_role", vec!["CTL-Admin".into()]),
                Command::aws(&["iam", "delete-role", "--role-name", "CTL-Admin"]),
            ]
        );
        let Action::Commands { notes, .. } = &book.steps[0].action else {
            panic!("{:?}", book.steps[0]);
        };
        assert!(
            notes[0].contains("iam:ListRolePolicies: AccessDenied"),
            "{notes:?}"
        );
    }

    /// Deleting the role orgexit came in through says what that means for the next audit.
    #[test]
    fn deleting_the_audits_own_way_in_says_so() {
        let setup = Setup::new(Phase::Post);
        let ctx = setup.ctx();
        let facts = AccountFacts {
            roles: Some(Fact::Ok(vec![])),
            reached_through: Some(crate::facts::ReachedThrough {
                role: "CTL-Admin".into(),
                from_account: "123456789012".into(),
            }),
            ..facts()
        };
        let book = account_runbook(
            &account(vec![marked_role(Status::Fail)]),
            Some(&facts),
            &ctx,
        );
        let Action::Commands { notes, .. } = &book.steps[0].action else {
            panic!("{:?}", book.steps[0]);
        };
        assert!(
            notes[0].contains("orgexit reached this account through CTL-Admin"),
            "{notes:?}"
        );
    }

    #[test]
    fn read_details_become_the_exact_chain() {
        let setup = Setup::new(Phase::Post);
        let ctx = setup.ctx();
        let mut cleanup = Cleanup::default();
        cleanup.roles.insert(
            "CTL-Admin".into(),
            crate::facts::RoleCleanup {
                attached_policies: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
                inline_policies: vec!["inline".into()],
                instance_profiles: vec!["profile".into()],
            },
        );
        let facts = AccountFacts {
            roles: Some(Fact::Ok(vec![])),
            policies: Some(Fact::Ok(Vec::<NamedEntity>::new())),
            cleanup: Some(Fact::Ok(cleanup)),
            ..facts()
        };
        let book = account_runbook(
            &account(vec![marked_role(Status::Fail)]),
            Some(&facts),
            &ctx,
        );
        let verbs: Vec<String> = commands(&book)
            .into_iter()
            .map(|c| match c {
                Command::Aws(args) => args[1].clone(),
                Command::Helper(name, _) => name.to_string(),
            })
            .collect();
        assert_eq!(
            verbs,
            [
                "detach-role-policy",
                "delete-role-policy",
                "remove-role-from-instance-profile",
                "delete-role"
            ]
        );
    }

    /// A bucket whose region was not read gets no made-up `--region`; the reseller's only
    /// statement gone, its policy is deleted.
    #[test]
    fn a_bucket_door_is_closed_without_guessing_its_region() {
        let setup = Setup::new(Phase::Post);
        let ctx = setup.ctx();
        let door = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-reseller001"}}}]}"#;
        let facts = AccountFacts {
            organization: Some(Fact::Ok(crate::facts::Membership::Member(
                crate::facts::Organization {
                    id: "o-reseller001".into(),
                    management_account_id: RESELLER_MGMT.into(),
                    management_account_email: None,
                },
            ))),
            roles: Some(Fact::Ok(vec![])),
            bucket_policies: Some(Fact::Ok(vec![crate::facts::BucketPolicy {
                bucket: "acme-logs".into(),
                region: None,
                policy: Fact::Ok(Some(door.into())),
            }])),
            ..facts()
        };
        let check = CheckResult {
            id: Text::Borrowed(resource_policies::ID),
            title: Text::Borrowed("policies"),
            severity: Severity::High,
            status: Status::Fail,
            summary: "a door".into(),
            resources: vec!["arn:aws:s3:::acme-logs".into()],
            remediation: Text::Borrowed(""),
            waived: vec![],
            items: vec![
                crate::checks::Item::new(
                    resource_policies::RESELLER_DOOR,
                    "arn:aws:s3:::acme-logs",
                )
                .with_reason("its region unknown"),
            ],
        };
        let book = account_runbook(&account(vec![check]), Some(&facts), &ctx);
        assert_eq!(
            commands(&book),
            [Command::aws(&[
                "s3api",
                "delete-bucket-policy",
                "--bucket",
                "acme-logs"
            ])]
        );
    }

    /// Every check of the catalog has its place in the departure's order, so none falls
    /// to the end as an afterthought.
    #[test]
    fn every_check_has_its_place_in_the_order() {
        for check in CHECKS {
            assert!(
                rank(check.id()) < ORDER.len(),
                "{} has no place",
                check.id()
            );
        }
        assert_eq!(ORDER.len(), CHECKS.len());
    }
}
