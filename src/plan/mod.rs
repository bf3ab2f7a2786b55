//! The validated plan of one run: what the user typed ([`crate::cli`]) checked once, by
//! [`Plan::from_command`], and turned into the values the subcommands work with. Each
//! subcommand receives its plan; nothing past this point sees raw input. (The files a plan
//! names, a snapshot or a report, are read where they are used, and a fault in them is an
//! input error all the same.)

pub(crate) mod criteria;
mod output;
mod targets;

pub use criteria::{Criteria, needs_of, select_checks};
pub use output::{Outputs, not_a_format_name, writable};
pub use targets::{
    AccountsFile, AccountsFileEntry, CleanupSelector, Source, Targets, account_list, accounts_file,
};

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::attestations::{Attestations, Leaver, Leavers};
use crate::checks::{CHECKS, Check};
use crate::cli::{
    AttestArgs, AuditArgs, CollectArgs, Command, DiffArgs, DiffFormat, ListFormat, ManArgs,
    PolicyCmdArgs, PolicyFor, PolicyFormat, RunbookArgs, RunbookFormat, TicketArgs,
};
use crate::facts::FactKind;
use crate::input::{AccountId, InputError, parse_partition};
use crate::reseller::Reseller;

/// One subcommand and its validated input.
#[derive(Debug)]
pub(crate) enum Plan {
    Audit(Box<AuditPlan>),
    Collect(CollectPlan),
    Checks(ListFormat),
    Explain(&'static dyn Check),
    Policy(PolicyPlan),
    Ticket(TicketPlan),
    Runbook(Box<RunbookPlan>),
    Diff(DiffPlan),
    Attest(AttestPlan),
    Schema,
    Completions(clap_complete::Shell),
    Man(ManPlan),
}

impl Plan {
    /// Checks everything the command line gave; the first fault is the error (exit 2).
    pub(crate) fn from_command(command: Command) -> Result<Plan, InputError> {
        Ok(match command {
            Command::Audit(args) => Plan::Audit(Box::new(AuditPlan::from_args(&args)?)),
            Command::Collect(args) => Plan::Collect(CollectPlan::from_args(&args)?),
            Command::Checks(args) => Plan::Checks(args.format),
            Command::Explain { check_id } => Plan::Explain(find_check(&check_id, None)?),
            Command::Policy(args) => Plan::Policy(PolicyPlan::from_args(&args)?),
            Command::Ticket(args) => Plan::Ticket(TicketPlan::from_args(&args)?),
            Command::Runbook(args) => Plan::Runbook(Box::new(RunbookPlan::from_args(&args)?)),
            Command::Diff(args) => Plan::Diff(DiffPlan::from_args(&args)?),
            Command::Attest(args) => Plan::Attest(AttestPlan::from_args(&args)?),
            Command::Schema => Plan::Schema,
            Command::Completions { shell } => Plan::Completions(shell),
            Command::Man(args) => Plan::Man(ManPlan::from_args(&args)?),
        })
    }
}

/// The check of this id, or an error naming the known ids (`flag`: the option it came
/// from, `None` for a positional argument).
pub(crate) fn find_check(id: &str, flag: Option<&str>) -> Result<&'static dyn Check, InputError> {
    crate::checks::find(id).ok_or_else(|| {
        let known: Vec<_> = CHECKS.iter().map(|c| c.id()).collect();
        InputError::new(format_args!(
            "{}unknown check id {id:?}; known ids: {}",
            flag.map(|f| format!("{f}: ")).unwrap_or_default(),
            known.join(", ")
        ))
    })
}

/// Everything `orgexit audit` needs.
#[derive(Debug, Clone)]
pub(crate) struct AuditPlan {
    pub targets: Targets,
    pub criteria: Criteria,
    pub outputs: Outputs,
}

impl AuditPlan {
    pub(crate) fn from_args(args: &AuditArgs) -> Result<AuditPlan, InputError> {
        let mut criteria = Criteria::from_args(&args.criteria, &args.selection)?;
        if !args.status.is_empty() || args.min_severity.is_some() {
            let mut statuses = args.status.clone();
            statuses.sort_by_key(|s| crate::checks::Status::ALL.iter().position(|a| a == s));
            statuses.dedup();
            criteria.shown = Some(crate::report::Shown {
                statuses,
                min_severity: args.min_severity,
            });
        }
        let targets = Targets {
            leavers: criteria.leavers(),
            needs_by_account: criteria.needs_by_account(),
            ..Targets::from_args(&args.accounts)?
        };
        let outputs = Outputs::from_args(args)?;
        Ok(AuditPlan {
            targets,
            criteria,
            outputs,
        })
    }
}

/// Everything `orgexit collect` needs.
#[derive(Debug, Clone)]
pub(crate) struct CollectPlan {
    pub targets: Targets,
    /// Every fact the selected checks read in any phase, with or without `--new-org`: the
    /// snapshot is audited later, under criteria not known now.
    pub needs: BTreeSet<FactKind>,
    pub output: PathBuf,
}

impl CollectPlan {
    pub(crate) fn from_args(args: &CollectArgs) -> Result<CollectPlan, InputError> {
        // Who leaves, as `audit` will read it: the attestations' `leaver`, else --leaver.
        let every = args
            .leaver
            .as_deref()
            .map(|l| Leaver::parse_relative(l, "--leaver"))
            .transpose()?;
        let attestations = match &args.attestations {
            Some(path) => Attestations::load(path)?,
            None => Attestations::default(),
        };
        let targets = Targets {
            leavers: Leavers::of(every, &attestations),
            ..Targets::from_args(&args.accounts)?
        };
        let checks = select_checks(&args.selection)?;
        writable(&args.output, "--output")?;
        let targets = if args.runbook {
            // What the runbook will name: the leftovers as an audit after the move sees
            // them, under this reseller and these attestations.
            let mut criteria = Criteria::new(
                crate::checks::Phase::Post,
                time::OffsetDateTime::now_utc().date(),
                CHECKS.to_vec(),
            );
            criteria.reseller = criteria::reseller_of(&args.reseller, &args.reseller_account)?;
            criteria.attestations = attestations;
            Targets {
                cleanup: Some(cleanup_selector(criteria, &targets.accounts)),
                ..targets
            }
        } else {
            targets
        };
        Ok(CollectPlan {
            targets,
            needs: needs_of(&checks, None),
            output: args.output.clone(),
        })
    }
}

/// Everything `orgexit policy` needs.
#[derive(Debug, Clone)]
pub(crate) struct PolicyPlan {
    pub format: PolicyFormat,
    pub checks: Vec<&'static dyn Check>,
    /// `--for runbook`: the runbook's reads too.
    pub runbook: bool,
    /// The account that may assume the audit role (its trust policy).
    pub trust: Option<AccountId>,
    pub external_id: Option<String>,
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: Option<&'static str>,
}

impl PolicyPlan {
    pub(crate) fn from_args(args: &PolicyCmdArgs) -> Result<PolicyPlan, InputError> {
        let checks = select_checks(&args.selection)?;
        let trust = args
            .trust_account
            .as_deref()
            .map(|id| AccountId::parse(id, "--trust-account"))
            .transpose()?;
        if args.format == PolicyFormat::Json && args.external_id.is_some() && trust.is_none() {
            return Err(InputError::new(
                "--external-id goes into the trust policy: give --trust-account ID too (the account that runs orgexit), or --format cloudformation|terraform",
            ));
        }
        let partition = args
            .partition
            .as_deref()
            .map(|p| parse_partition(p, "--partition"))
            .transpose()?;
        Ok(PolicyPlan {
            format: args.format,
            checks,
            runbook: args.for_command == PolicyFor::Runbook,
            trust,
            external_id: args.external_id.clone(),
            partition,
        })
    }
}

/// Everything `orgexit runbook` needs: an audit's plan, with the runbook's reads.
#[derive(Debug, Clone)]
pub(crate) struct RunbookPlan {
    pub targets: Targets,
    pub criteria: Criteria,
    pub format: RunbookFormat,
    pub output: Option<PathBuf>,
}

impl RunbookPlan {
    pub(crate) fn from_args(args: &RunbookArgs) -> Result<RunbookPlan, InputError> {
        let criteria = Criteria::from_args(&args.criteria, &args.selection)?;
        let accounts = Targets::from_args(&args.accounts)?;
        let targets = Targets {
            leavers: criteria.leavers(),
            needs_by_account: criteria.needs_by_account(),
            cleanup: Some(cleanup_selector(criteria.clone(), &accounts.accounts)),
            ..accounts
        };
        if let Some(path) = &args.output {
            writable(path, "--output")?;
        }
        Ok(RunbookPlan {
            targets,
            criteria,
            format: args.format,
            output: args.output.clone(),
        })
    }
}

/// Which resources of an account the runbook reads the cleanup details of: those its
/// findings under `criteria` name.
fn cleanup_selector(criteria: Criteria, accounts: &[AccountId]) -> CleanupSelector {
    let audited: BTreeSet<String> = accounts.iter().map(|a| a.to_string()).collect();
    CleanupSelector(std::sync::Arc::new(move |facts| {
        let report = crate::engine::evaluate::account_report(&criteria, facts, &audited);
        crate::runbook::targets(&report, facts)
    }))
}

/// Everything `orgexit ticket` needs.
#[derive(Debug, Clone)]
pub(crate) struct TicketPlan {
    /// The JSON report (`-`: stdin), read by the command.
    pub report: PathBuf,
    /// `--reseller`, loaded, and how it was given (the report must have been made with it).
    pub reseller: Option<(Reseller, String)>,
    /// `--since`: the earlier report to compare with, read by the command.
    pub since: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

impl TicketPlan {
    pub(crate) fn from_args(args: &TicketArgs) -> Result<TicketPlan, InputError> {
        let reseller = args
            .reseller
            .as_deref()
            .map(|given| Ok::<_, InputError>((Reseller::load(given)?, given.to_string())))
            .transpose()?;
        if let Some(path) = &args.output {
            writable(path, "--output")?;
        }
        if args.since.as_deref() == Some(std::path::Path::new("-"))
            && args.report == std::path::Path::new("-")
        {
            return Err(InputError::new(
                "--since - and --report - both read stdin: give one of them as a file",
            ));
        }
        Ok(TicketPlan {
            report: args.report.clone(),
            reseller,
            since: args.since.clone(),
            output: args.output.clone(),
        })
    }
}

/// Everything `orgexit diff` needs.
#[derive(Debug, Clone)]
pub(crate) struct DiffPlan {
    /// The two JSON reports (`-`: stdin, for one of them), read by the command.
    pub old: PathBuf,
    pub new: PathBuf,
    pub format: DiffFormat,
    pub output: Option<PathBuf>,
}

impl DiffPlan {
    pub(crate) fn from_args(args: &DiffArgs) -> Result<DiffPlan, InputError> {
        let stdin = std::path::Path::new("-");
        if args.old == stdin && args.new == stdin {
            return Err(InputError::new(
                "OLD.json and NEW.json are both - (stdin): give one of them as a file",
            ));
        }
        if let Some(path) = &args.output {
            writable(path, "--output")?;
        }
        Ok(DiffPlan {
            old: args.old.clone(),
            new: args.new.clone(),
            format: args.format,
            output: args.output.clone(),
        })
    }
}

/// Everything `orgexit attest` needs.
#[derive(Debug, Clone)]
pub(crate) struct AttestPlan {
    /// The accounts audited: never empty.
    pub accounts: BTreeSet<AccountId>,
    /// Their names from the accounts file, by ID.
    pub names: std::collections::BTreeMap<String, String>,
    pub action: AttestAction,
}

/// What `orgexit attest` does.
#[derive(Debug, Clone)]
pub(crate) enum AttestAction {
    /// `--init`: write the skeleton to this new file, or stdout.
    Init(Option<PathBuf>),
    /// `--check FILE`: check the attestations file against the accounts.
    Check(PathBuf),
}

impl AttestPlan {
    pub(crate) fn from_args(args: &AttestArgs) -> Result<AttestPlan, InputError> {
        let (accounts, names) = targets::named_account_list(&args.list)?;
        if accounts.is_empty() {
            return Err(InputError::new(
                "no account: give --accounts-file FILE (or --accounts ID,...), the list you audit",
            ));
        }
        let action = match &args.check {
            Some(path) => AttestAction::Check(path.clone()),
            None => {
                if let Some(path) = &args.output {
                    if path.exists() {
                        return Err(InputError::new(format_args!(
                            "--output {}: the file exists, and attest --init never overwrites one (it may be filled in): remove it or give another name",
                            path.display()
                        )));
                    }
                    writable(path, "--output")?;
                }
                AttestAction::Init(args.output.clone())
            }
        };
        Ok(AttestPlan {
            accounts,
            names,
            action,
        })
    }
}

/// Everything `orgexit man` needs.
#[derive(Debug, Clone)]
pub(crate) struct ManPlan {
    /// Write every page into this directory (it exists); `None`: the main page to stdout.
    pub dir: Option<PathBuf>,
}

impl ManPlan {
    pub(crate) fn from_args(args: &ManArgs) -> Result<ManPlan, InputError> {
        if let Some(dir) = &args.dir
            && !dir.is_dir()
        {
            return Err(InputError::new(format_args!(
                "--dir {}: not a directory; create it first (mkdir -p {})",
                dir.display(),
                dir.display()
            )));
        }
        Ok(ManPlan {
            dir: args.dir.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The plan is the only validator: no code outside `cli.rs` and `plan/` names one of
    /// the command line's argument structs (`AuditArgs`, `AccountList`, …), so nothing
    /// past a plan can read a raw argument.
    #[test]
    fn only_the_plan_reads_the_command_lines_arguments() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let cli = std::fs::read_to_string(src.join("cli.rs")).unwrap();
        let raw: Vec<&str> = cli
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub struct "))
            .map(|rest| rest.split(|c: char| !c.is_alphanumeric()).next().unwrap())
            .filter(|name| *name != "Cli")
            .collect();
        assert!(
            raw.contains(&"AuditArgs") && raw.contains(&"AccountList"),
            "{raw:?}"
        );
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut readers = Vec::new();
        for path in files
            .iter()
            .filter(|p| !p.starts_with(src.join("plan")) && **p != src.join("cli.rs"))
        {
            let text = std::fs::read_to_string(path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for name in &raw {
                let named = code.match_indices(name).any(|(at, _)| {
                    let before = code[..at].chars().next_back();
                    let after = code[at + name.len()..].chars().next();
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                });
                if named {
                    readers.push(format!("{}: {name}", path.display()));
                }
            }
        }
        assert!(
            readers.is_empty(),
            "take the value from the subcommand's plan:\n{}",
            readers.join("\n")
        );
    }
}
