//! `--format json`: the report as docs/reference.md's *JSON report* documents it, for the support ticket and
//! for machines.

use super::Report;

/// The report, written to `out` as it is serialized: a report of thousands of accounts
/// is never held as one string.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
