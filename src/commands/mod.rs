//! The subcommands, each a function from its validated arguments to an exit status.

mod attest;
mod man;
pub mod progress;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::aws::guard::ReadOnlyGuard;
use crate::checks::{CHECKS, Check, Severity};
use crate::cli::{
    AuditArgs, ChecksArgs, Cli, CollectArgs, ColorChoice, Command, Format, ListFormat,
    PolicyCmdArgs, PolicyFormat, TicketArgs,
};
use crate::engine::evaluate::Evaluator;
use crate::engine::{RunError, gather_into, gather_with_progress};
use crate::exit::Exit;
use crate::facts::AccountFacts;
use crate::plan::{Attestations, AuditPlan, InputError, Leaver, Leavers, Targets, select_checks};
use crate::report::{self, Report};
use crate::snapshot::Snapshot;

/// What every subcommand may need of the global flags.
#[derive(Debug, Clone, Copy)]
struct Ui {
    color: ColorChoice,
    quiet: bool,
}

pub fn run(cli: Cli) -> ExitCode {
    let verbosity = if cli.debug { DEBUG } else { cli.verbose };
    init_logging(verbosity, cli.quiet, cli.color);
    let ui = Ui {
        color: cli.color,
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Audit(args) => block_on(audit(args, ui)),
        Command::Collect(args) => block_on(collect(args, ui)),
        Command::Checks(args) => checks(&args),
        Command::Explain { check_id } => explain(&check_id),
        Command::Policy(args) => policy(&args),
        Command::Ticket(args) => ticket(&args),
        Command::Attest(args) => attest::attest(&args),
        Command::Schema => schema(),
        Command::Completions { shell } => completions(shell),
        Command::Man(args) => man::man(&args),
    };
    match result {
        Ok(exit) => ExitCode::from(exit),
        Err(RunError::Input(err)) => {
            eprintln!("orgexit: error: {err}");
            ExitCode::from(Exit::Usage)
        }
        Err(RunError::Unreachable(err)) => {
            eprintln!("orgexit: error: {err}");
            ExitCode::from(Exit::Error)
        }
    }
}

/// `--debug`: the verbosity of `-vvv`.
const DEBUG: u8 = 3;

/// Logs go to stderr, coloured as `--color` and NO_COLOR say. `--quiet` leaves only
/// errors, whatever RUST_LOG says: the flag is the more deliberate of the two.
fn init_logging(verbose: u8, quiet: bool, color: ColorChoice) {
    // By default only orgexit's own warnings: the SDK's warnings repeat, in its own
    // words and with debug dumps, what orgexit says once in a sentence (-v shows them).
    let default = match verbose {
        0 => "orgexit=warn,error",
        1 => "orgexit=info,warn",
        2 => "orgexit=debug,aws_config=info,warn",
        // --debug: the SDK's own debug log too (each request, its endpoint and answer).
        _ => "orgexit=trace,debug",
    };
    let filter = if quiet {
        tracing_subscriber::EnvFilter::new("error")
    } else {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default))
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| progress::LogWriter)
        .with_ansi(use_color(color, std::io::stderr().is_terminal()))
        .with_target(false)
        .try_init();
}

fn block_on<F: Future<Output = Result<Exit, RunError>>>(future: F) -> Result<Exit, RunError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError::Unreachable(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}

/// Writes `text` to FILE atomically (temporary file + rename), or to stdout.
pub fn emit(text: &str, output: Option<&Path>) -> Result<(), InputError> {
    emit_with(output, |out| out.write_all(text.as_bytes()))
}

/// [`emit`] for output written piece by piece (a large report is never one string).
pub fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), InputError> {
    match output {
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = write(&mut stdout).and_then(|()| stdout.flush());
            Ok(())
        }
        Some(path) => write_atomic_with(path, write),
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), InputError> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), InputError> {
    let fail = |e: &dyn std::fmt::Display| {
        InputError::new(format_args!("cannot write {}: {e}", path.display()))
    };
    let file = tempfile::NamedTempFile::new_in(directory_of(path)).map_err(|e| fail(&e))?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| fail(&e))?;
    let file = out.into_inner().map_err(|e| fail(e.error()))?;
    file.as_file().sync_all().map_err(|e| fail(&e))?;
    file.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// Whether to style output. An explicit `--color always` wins over NO_COLOR (no-color.org:
/// a command-line flag may override it); `auto` styles a terminal unless NO_COLOR is set.
fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Width of the table when it does not go to a terminal and COLUMNS does not say.
const FILE_WIDTH: u16 = 140;

/// The columns the table fits: COLUMNS when set (a positive number), as `ls` and most
/// tools read it; else the terminal's own width (`None`), or [`FILE_WIDTH`] for a file,
/// pipe or CI log rather than one endless line.
fn table_width(to_terminal: bool) -> Option<u16> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|n| *n > 0);
    match columns {
        Some(n) => Some(n),
        None if to_terminal => None,
        None => Some(FILE_WIDTH),
    }
}

/// Writes the report in `format`; JSON as it is serialized, never as one string (tens of
/// kilobytes per account).
fn render(
    report: &Report,
    format: Format,
    look: report::table::Look,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let text = match format {
        Format::Json => return report::json::write(report, out),
        Format::Junit => report::junit::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Table => report::table::render(report, look),
    };
    out.write_all(text.as_bytes())
}

/// The directory a file is written in (`report.json` is in `.`).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A file to write must be in a directory that exists: said before a long run, not after.
fn writable(path: &Path, flag: &str) -> Result<(), InputError> {
    let dir = directory_of(path);
    if dir.is_dir() && !path.is_dir() {
        Ok(())
    } else {
        Err(InputError::new(format_args!(
            "{flag}: cannot write {}: {}",
            path.display(),
            if path.is_dir() {
                "it is a directory; give a file name".to_string()
            } else {
                format!("the directory {} does not exist", dir.display())
            }
        )))
    }
}

/// `--output json` is the AWS CLI's spelling of `--format json`: a bare format name is
/// refused (it would write the table to a file called `json` and print nothing).
fn not_a_format_name(path: &Path) -> Result<(), InputError> {
    let name = path.to_string_lossy();
    let format = ["table", "json", "junit", "markdown", "text", "yaml"]
        .into_iter()
        .find(|f| name.eq_ignore_ascii_case(f));
    match format {
        Some(format) => Err(InputError::new(format_args!(
            "--output {name}: --output names the file to write; for the report format use --format {} (e.g. --format json --output report.json)",
            if format == "text" || format == "yaml" {
                "table|json|junit|markdown"
            } else {
                format
            }
        ))),
        None => Ok(()),
    }
}

async fn audit(args: AuditArgs, ui: Ui) -> Result<Exit, RunError> {
    let plan = AuditPlan::from_args(&args)?;
    if let Some(path) = &args.output {
        not_a_format_name(path)?;
        writable(path, "--output")?;
    }
    for (_, path) in &args.also {
        writable(path, "--also")?;
    }
    // Each account is evaluated as it finishes; its facts are not kept.
    let mut builder = Evaluator::new(&plan.policy);
    builder.names(plan.targets.names.clone());
    let interrupted = {
        let bar = progress::Bar::for_stderr(ui.quiet, ui.color);
        gather_into(
            &plan.targets,
            &plan.policy.needs(),
            ReadOnlyGuard::new(),
            &bar,
            &mut builder,
        )
        .await?
    };
    let report = builder.finish(time::OffsetDateTime::now_utc());
    if !ui.quiet {
        for note in &report.notes {
            eprintln!("orgexit: warning: {note}");
        }
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let look = report::table::Look {
        color: use_color(ui.color, to_terminal),
        width: table_width(to_terminal),
        all: args.all,
    };
    if look.color {
        // The colours, not only the bold: crossterm, which paints them, obeys NO_COLOR on
        // its own unless told that we decided.
        crossterm::style::force_color_output(true);
    }
    // Every output is attempted: one that cannot be written does not cost the others.
    let plain = report::table::Look {
        color: false,
        width: table_width(false),
        all: args.all,
    };
    let mut failed: Vec<InputError> =
        std::iter::once(emit_with(args.output.as_deref(), |out| {
            render(&report, args.format, look, out)
        }))
        .chain(args.also.iter().map(|(format, path)| {
            write_atomic_with(path, |out| render(&report, *format, plain, out))
        }))
        .filter_map(Result::err)
        .collect();
    if let Some(last) = failed.pop() {
        for err in &failed {
            eprintln!("orgexit: error: {err}");
        }
        return Err(last.into());
    }
    if interrupted {
        eprintln!(
            "orgexit: interrupted: the report covers the accounts that finished; the rest are marked error"
        );
        return Ok(report.exit_code().max(Exit::Error));
    }
    Ok(report.exit_code())
}

async fn collect(args: CollectArgs, ui: Ui) -> Result<Exit, RunError> {
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
    let needs = checks
        .iter()
        .flat_map(|c| c.needs().iter().copied())
        .collect();
    let gathered = {
        let bar = progress::Bar::for_stderr(ui.quiet, ui.color);
        gather_with_progress(&targets, &needs, ReadOnlyGuard::new(), &bar).await?
    };
    let unreachable = gathered.facts.iter().filter(|f| f.error.is_some()).count();
    let failed_reads: usize = gathered.facts.iter().map(AccountFacts::failed_reads).sum();
    let snapshot = Snapshot::new(gathered.facts, time::OffsetDateTime::now_utc());
    write_atomic(&args.output, snapshot.to_json().as_bytes())?;
    let mut problems = Vec::new();
    if unreachable > 0 {
        problems.push(format!("{unreachable} could not be reached"));
    }
    if failed_reads > 0 {
        problems.push(format!(
            "{failed_reads} reads failed and are recorded as errors"
        ));
    }
    if gathered.interrupted {
        problems.push("interrupted".to_string());
    }
    // Problems are printed even with --quiet: the snapshot is incomplete.
    if !ui.quiet || !problems.is_empty() {
        eprintln!(
            "orgexit: wrote {} account{} to {}{}",
            snapshot.accounts.len(),
            if snapshot.accounts.len() == 1 {
                ""
            } else {
                "s"
            },
            args.output.display(),
            if problems.is_empty() {
                String::new()
            } else {
                format!(" ({})", problems.join("; "))
            }
        );
    }
    // The snapshot is written either way; the status tells a script it is incomplete.
    Ok(if problems.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}

/// The AWS actions a check's facts take (from the read-only guard's allow-list).
fn actions(check: &dyn Check) -> Vec<&'static str> {
    check
        .needs()
        .iter()
        .flat_map(|kind| crate::aws::guard::operations_for(*kind))
        .map(|op| op.action)
        .collect()
}

/// What a check reads, in words: the attestation it takes, then its AWS actions. The
/// one source of `checks` and `explain`, so they cannot say different things.
fn reads(check: &dyn Check) -> Vec<String> {
    check
        .attestation()
        .map(|field| format!("attestation ({field})"))
        .into_iter()
        .chain(actions(check).into_iter().map(str::to_string))
        .collect()
}

/// Severities, one a line: what each puts at stake.
fn severities() -> String {
    let mut text = String::from(
        "Severity ranks what is at stake when a check does not pass; the status alone decides readiness and the exit status.\n",
    );
    for severity in Severity::ALL {
        text.push_str(&format!(
            "  {:<8}  {}\n",
            severity.as_str(),
            severity.meaning()
        ));
    }
    text
}

fn checks(args: &ChecksArgs) -> Result<Exit, RunError> {
    let text = match args.format {
        ListFormat::Json => {
            let list: Vec<_> = CHECKS
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id(), "title": c.title(), "severity": c.severity(),
                        "reads": actions(*c), "attestation": c.attestation(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).expect("serializes") + "\n"
        }
        ListFormat::Table => {
            let mut table = comfy_table::Table::new();
            table
                .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_header(["Id", "Title", "Severity", "Reads"]);
            for c in CHECKS {
                table.add_row([
                    c.id(),
                    c.title(),
                    c.severity().as_str(),
                    &reads(*c).join("\n"),
                ]);
            }
            format!("{table}\n{}", severities())
        }
    };
    emit(&text, None)?;
    Ok(Exit::Success)
}

fn explain(id: &str) -> Result<Exit, RunError> {
    let check = crate::checks::find(id).ok_or_else(|| {
        let known: Vec<_> = CHECKS.iter().map(|c| c.id()).collect();
        InputError::new(format_args!(
            "unknown check id {id:?}; known ids: {}",
            known.join(", ")
        ))
    })?;
    let mut text = format!("{}\n", check.doc().trim_end());
    text.push_str(&format!(
        "\n## Severity\n\n{}: {}.\nA severity ranks checks; the status alone decides readiness and the exit status.\n\n## Reads\n\n{}\n",
        check.severity().as_str(),
        check.severity().meaning(),
        reads(check).join(", ")
    ));
    if !check.item_kinds().is_empty() {
        text.push_str("\n## Item kinds (JSON `items[].kind`)\n\n");
        for kind in check.item_kinds() {
            text.push_str(&format!("- `{kind}`\n"));
        }
    }
    emit(&text, None)?;
    Ok(Exit::Success)
}

fn policy(args: &PolicyCmdArgs) -> Result<Exit, RunError> {
    let checks = select_checks(&args.selection)?;
    let trust = args
        .trust_account
        .as_deref()
        .map(|id| crate::plan::AccountId::parse(id, "--trust-account"))
        .transpose()?;
    if args.format == PolicyFormat::Json && args.external_id.is_some() && trust.is_none() {
        return Err(InputError::new(
            "--external-id goes into the trust policy: give --trust-account ID too (the account that runs orgexit), or --format cloudformation|terraform",
        )
        .into());
    }
    let partition = args
        .partition
        .as_deref()
        .map(|p| crate::plan::parse_partition(p, "--partition"))
        .transpose()?;
    let text = crate::permissions::render_as(
        args.format,
        &checks,
        trust.as_ref(),
        args.external_id.as_deref(),
        partition,
    );
    emit(&text, None)?;
    Ok(Exit::Success)
}

fn ticket(args: &TicketArgs) -> Result<Exit, RunError> {
    let report = report::load::load(&args.report)?;
    let words = match &args.reseller {
        None => report::ticket::words_for(&report),
        Some(name_or_path) => {
            let reseller = crate::plan::Reseller::load(name_or_path)?;
            if reseller.name != report.reseller {
                return Err(InputError::new(format_args!(
                    "--reseller: {name_or_path} defines reseller {:?}, but the report was made with {:?}",
                    reseller.name, report.reseller
                ))
                .into());
            }
            reseller.ticket
        }
    };
    emit(
        &report::ticket::render(&report, &words),
        args.output.as_deref(),
    )?;
    Ok(Exit::Success)
}

fn schema() -> Result<Exit, RunError> {
    emit(&report::schema::render(), None)?;
    Ok(Exit::Success)
}

fn completions(shell: clap_complete::Shell) -> Result<Exit, RunError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::definition(), "orgexit", &mut script);
    emit(&String::from_utf8_lossy(&script), None)?;
    Ok(Exit::Success)
}
