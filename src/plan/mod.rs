//! The validated plan of one run: what the user typed ([`crate::cli`]) checked once and
//! turned into the values the engine works with. Nothing past this point sees raw input.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

// What the plan is made of, re-exported for the callers that build a plan.
pub use crate::input::{
    AccountId, InputError, PARTITIONS, line_column, one_line, parse_date, parse_partition,
    read_file,
};
pub use crate::policy::{
    AccountAttestations, Attestations, Attested, BucketDecision, LEAVER_FORMS, Leaver, Leavers,
    Reseller, TicketWords, Waiver,
};

use crate::aws::config::AwsOptions;
use crate::checks::{CHECKS, Check, Context, Phase};
use crate::cli::{AccountArgs, AuditArgs, CheckSelection, PolicyArgs};
use crate::facts::FactKind;

/// Where facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Live AWS, read-only.
    Aws(AwsOptions),
    /// A snapshot written by `orgexit collect`.
    Fixture(PathBuf),
}

/// The accounts to audit and how to reach them.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Deduplicated and sorted; empty means "every account the source has" (a snapshot's,
    /// or the caller's own).
    pub accounts: Vec<AccountId>,
    pub source: Source,
    pub concurrency: usize,
    /// Limit for one account as a whole, so one hung account cannot hold the run.
    pub account_deadline: Duration,
    /// Whose permission to leave is simulated, per account (`leave-permission`).
    pub leavers: Leavers,
}

/// What the checks are evaluated against.
#[derive(Debug, Clone)]
pub struct Policy {
    pub phase: Phase,
    pub reseller: Reseller,
    pub new_org: Option<String>,
    pub target_date: Option<time::Date>,
    pub today: time::Date,
    pub attestations: Attestations,
    /// `--leaver`: who leaves in every account without a `leaver` attestation.
    pub leaver: Option<Leaver>,
    pub checks: Vec<&'static dyn Check>,
}

static NO_ATTESTATIONS: std::sync::LazyLock<AccountAttestations> =
    std::sync::LazyLock::new(AccountAttestations::default);

impl Policy {
    /// The facts the selected checks need: the collector fetches exactly these.
    pub fn needs(&self) -> BTreeSet<FactKind> {
        self.checks
            .iter()
            .filter(|c| c.reads_under(self.phase, self.new_org.as_deref()))
            .flat_map(|c| c.needs().iter().copied())
            .collect()
    }

    /// Who leaves in each account: the attestations' `leaver`, else `--leaver`.
    pub fn leavers(&self) -> Leavers {
        Leavers::of(self.leaver.clone(), &self.attestations)
    }

    pub fn context<'a>(&'a self, account_id: &str, audited: &'a BTreeSet<String>) -> Context<'a> {
        let attestations = self
            .attestations
            .for_account(account_id)
            .unwrap_or(&NO_ATTESTATIONS);
        Context {
            phase: self.phase,
            reseller: &self.reseller,
            new_org: self.new_org.as_deref(),
            target_date: self.target_date,
            today: self.today,
            leaver: attestations.leaver.as_ref().or(self.leaver.as_ref()),
            attestations,
            audited,
        }
    }
}

impl Targets {
    pub fn from_args(args: &AccountArgs) -> Result<Targets, InputError> {
        let mut accounts = BTreeSet::new();
        for value in args.accounts.iter().flat_map(|v| v.split(',')) {
            if value.trim().is_empty() {
                continue;
            }
            accounts.insert(AccountId::parse(value, "--accounts")?);
        }
        if let Some(path) = &args.accounts_file {
            let text = read_file(path, "accounts file")?;
            for (n, line) in text.lines().enumerate() {
                let value = line.split('#').next().unwrap_or("").trim();
                if value.is_empty() {
                    continue;
                }
                let origin = format!("accounts file {}, line {}", path.display(), n + 1);
                accounts.insert(AccountId::parse(value, &origin)?);
            }
            if accounts.is_empty() {
                return Err(InputError::new(format_args!(
                    "accounts file {}: lists no account ID (one 12-digit ID a line, # for comments)",
                    path.display()
                )));
            }
        }
        let source = match &args.fixture {
            Some(path) => {
                if args.role_name.is_some() || args.profile.is_some() {
                    return Err(InputError::new(
                        "--fixture reads a snapshot and calls no AWS API: drop --role-name/--profile, or drop --fixture",
                    ));
                }
                Source::Fixture(path.clone())
            }
            None => {
                if args.role_name.is_none() && accounts.len() > 1 {
                    return Err(InputError::new(format_args!(
                        "--accounts lists {} accounts, but without --role-name only the caller's own account can be audited: give --role-name NAME (a role in each account)",
                        accounts.len()
                    )));
                }
                if let Some(name) = &args.role_name
                    && (name.is_empty()
                        || name.contains(|c: char| {
                            !(c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
                        }))
                {
                    return Err(InputError::new(format_args!(
                        "--role-name: invalid role name {name:?}: use letters, digits and +=,.@_-"
                    )));
                }
                Source::Aws(AwsOptions {
                    profile: args.profile.clone(),
                    region: args.region.clone(),
                    role_name: args.role_name.clone(),
                    external_id: args.external_id.clone(),
                    operation_timeout: Duration::from_secs(args.timeout),
                    max_attempts: args.max_attempts,
                    ..AwsOptions::default()
                })
            }
        };
        Ok(Targets {
            accounts: accounts.into_iter().collect(),
            source,
            concurrency: usize::from(args.concurrency),
            account_deadline: Duration::from_secs(args.timeout.saturating_mul(4).max(30)),
            leavers: Leavers::default(),
        })
    }
}

/// The checks that `--select` and `--skip` leave, in catalog order.
pub fn select_checks(selection: &CheckSelection) -> Result<Vec<&'static dyn Check>, InputError> {
    let parse = |values: &[String], flag: &str| -> Result<BTreeSet<&'static str>, InputError> {
        let mut ids = BTreeSet::new();
        for id in values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            let check = crate::checks::find(id).ok_or_else(|| {
                let known: Vec<_> = CHECKS.iter().map(|c| c.id()).collect();
                InputError::new(format_args!(
                    "{flag}: unknown check id {id:?}; known ids: {}",
                    known.join(", ")
                ))
            })?;
            ids.insert(check.id());
        }
        Ok(ids)
    };
    let select = parse(&selection.select, "--select")?;
    let skip = parse(&selection.skip, "--skip")?;
    let checks: Vec<_> = CHECKS
        .iter()
        .copied()
        .filter(|c| select.is_empty() || select.contains(c.id()))
        .filter(|c| !skip.contains(c.id()))
        .collect();
    if checks.is_empty() {
        return Err(InputError::new("--select/--skip leave no check to run"));
    }
    Ok(checks)
}

impl Policy {
    pub fn from_args(args: &PolicyArgs, selection: &CheckSelection) -> Result<Policy, InputError> {
        let mut reseller = Reseller::load(&args.reseller)?;
        for value in args.reseller_account.iter().flat_map(|v| v.split(',')) {
            let id = AccountId::parse(value, "--reseller-account")?.to_string();
            reseller.accounts.insert(id.clone());
            reseller.accounts_given.insert(id);
        }
        if let Some(org) = &args.new_org {
            let body = org.strip_prefix("o-").unwrap_or("");
            let valid = (10..=32).contains(&body.len())
                && body
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !valid {
                return Err(InputError::new(format_args!(
                    "--new-org: invalid organization ID {org:?}: expected o- followed by 10 to 32 lower-case letters or digits, e.g. o-a1b2c3d4e5"
                )));
            }
        }
        let today = match &args.today {
            Some(value) => parse_date(value, "--today")?,
            None => time::OffsetDateTime::now_utc().date(),
        };
        Ok(Policy {
            phase: args.phase,
            reseller,
            new_org: args.new_org.clone(),
            target_date: args
                .target_date
                .as_deref()
                .map(|d| parse_date(d, "--target-date"))
                .transpose()?,
            today,
            attestations: match &args.attestations {
                Some(path) => Attestations::load(path)?,
                None => Attestations::default(),
            },
            leaver: args
                .leaver
                .as_deref()
                .map(|l| Leaver::parse_relative(l, "--leaver"))
                .transpose()?,
            checks: select_checks(selection)?,
        })
    }
}

/// Everything `orgexit audit` needs.
#[derive(Debug, Clone)]
pub struct AuditPlan {
    pub targets: Targets,
    pub policy: Policy,
}

impl AuditPlan {
    pub fn from_args(args: &AuditArgs) -> Result<AuditPlan, InputError> {
        let policy = Policy::from_args(&args.policy, &args.selection)?;
        let targets = Targets {
            leavers: policy.leavers(),
            ..Targets::from_args(&args.accounts)?
        };
        Ok(AuditPlan { targets, policy })
    }
}

impl std::fmt::Debug for dyn Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
