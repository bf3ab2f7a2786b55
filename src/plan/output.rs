//! Where `audit` writes its report, checked before a run: a long run never ends in "cannot
//! write".

use std::path::{Path, PathBuf};

use crate::cli::{AuditArgs, Format};
use crate::input::{InputError, directory_of};

/// The report's formats and files.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub format: Format,
    /// `None`: stdout.
    pub output: Option<PathBuf>,
    /// `--also FORMAT=FILE`, in the order given.
    pub also: Vec<(Format, PathBuf)>,
    /// `--all`: the table lists passing and skipped checks too.
    pub all: bool,
}

impl Outputs {
    pub(crate) fn from_args(args: &AuditArgs) -> Result<Outputs, InputError> {
        if let Some(path) = &args.output {
            not_a_format_name(path)?;
            writable(path, "--output")?;
        }
        for (_, path) in &args.also {
            writable(path, "--also")?;
        }
        // Two outputs into one file: the last written would silently replace the other.
        let mut files: Vec<(String, &Path)> = Vec::new();
        if let Some(path) = &args.output {
            files.push(("--output".to_string(), path));
        }
        for (format, path) in &args.also {
            files.push((format!("--also {}=", format.name()), path));
        }
        for (i, (first, path)) in files.iter().enumerate() {
            if let Some((second, _)) = files[i + 1..].iter().find(|(_, p)| same_file(p, path)) {
                return Err(InputError::new(format_args!(
                    "{first} and {second} both write {}: each output needs a file of its own",
                    path.display()
                )));
            }
        }
        Ok(Outputs {
            format: args.format,
            output: args.output.clone(),
            also: args.also.clone(),
            all: args.all,
        })
    }
}

/// Whether two paths name one file (as given, or once both exist, on disk).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => {
                let full = |p: &Path| {
                    directory_of(p)
                        .canonicalize()
                        .ok()
                        .map(|d| d.join(p.file_name().unwrap_or_default()))
                };
                full(a).is_some() && full(a) == full(b)
            }
        }
}

/// A file to write must be in a directory that exists: said before a long run, not after.
pub fn writable(path: &Path, flag: &str) -> Result<(), InputError> {
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
pub fn not_a_format_name(path: &Path) -> Result<(), InputError> {
    let name = path.to_string_lossy();
    // The report's formats (from `Format` itself), and the AWS CLI's other output names.
    let formats = Format::names();
    let named = formats.iter().find(|f| name.eq_ignore_ascii_case(f));
    let aws_cli = ["text", "yaml"]
        .iter()
        .any(|f| name.eq_ignore_ascii_case(f));
    let use_instead = match (named, aws_cli) {
        (Some(format), _) => format.clone(),
        (None, true) => formats.join("|"),
        (None, false) => return Ok(()),
    };
    Err(InputError::new(format_args!(
        "--output {name}: --output names the file to write; for the report format use --format {use_instead} (e.g. --format json --output report.json)"
    )))
}
