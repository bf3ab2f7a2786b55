//! Where a command's output goes: stdout or a file written atomically, the table's width
//! and colour. (What `--output` may name is checked by the plan, before a run.)

use std::io::Write;
use std::path::Path;

use crate::cli::{ColorChoice, Format};
use crate::input::InputError;
use crate::report::{self, Report};

/// Writes `text` to FILE atomically (temporary file + rename), or to stdout.
pub(crate) fn emit(text: &str, output: Option<&Path>) -> Result<(), InputError> {
    emit_with(output, |out| out.write_all(text.as_bytes()))
}

/// [`emit`] for output written piece by piece (a large report is never one string).
pub(crate) fn emit_with(
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

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), InputError> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

pub(super) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), InputError> {
    let fail = |e: &dyn std::fmt::Display| {
        InputError::new(format_args!("cannot write {}: {e}", path.display()))
    };
    let file =
        tempfile::NamedTempFile::new_in(crate::input::directory_of(path)).map_err(|e| fail(&e))?;
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
pub(super) fn use_color(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Width of the table when it does not go to a terminal and COLUMNS does not say.
pub(super) const FILE_WIDTH: u16 = 140;

/// The columns the table fits: COLUMNS when set (a positive number), as `ls` and most
/// tools read it; else the terminal's own width (`None`), or [`FILE_WIDTH`] for a file,
/// pipe or CI log rather than one endless line.
pub(super) fn table_width(to_terminal: bool) -> Option<u16> {
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
pub(super) fn render(
    report: &Report,
    format: Format,
    look: report::table::Look,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let text = match format {
        Format::Json => return report::json::write(report, out),
        Format::Csv => return report::csv::write(report, out),
        Format::Junit => report::junit::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Table => report::table::render(report, look),
    };
    out.write_all(text.as_bytes())
}
