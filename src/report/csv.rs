//! `--format csv`: one row per account and check, for a tracking spreadsheet. RFC 4180
//! (a header row, CRLF line ends, a cell quoted when it holds a comma, a quote or a line
//! break).
//!
//! Resource and account names come from IAM and from the accounts file, and IAM names may
//! begin with `=`, `+`, `-` or `@`: a spreadsheet would run such a cell as a formula (CSV
//! injection). As OWASP's guidance says, a cell that begins with one of those characters,
//! a tab or a carriage return gets a leading `'`, so it is shown as the text it is.

use super::Report;

/// The columns, in order.
pub(crate) const HEADER: [&str; 7] = [
    "account_id",
    "name",
    "check",
    "status",
    "severity",
    "summary",
    "first_resource",
];

pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(HEADER)?;
    for account in report.accounts.iter() {
        let name = account.name.as_deref().unwrap_or_default();
        for check in &account.checks {
            writer.write_record([
                &neutralised(&account.account_id),
                &neutralised(name),
                &neutralised(&check.id),
                &neutralised(check.status.as_str()),
                &neutralised(check.severity.as_str()),
                &neutralised(&check.summary),
                &neutralised(check.resources.first().map_or("", String::as_str)),
            ])?;
        }
    }
    writer.flush()
}

/// The cell as a spreadsheet must show it: text, never a formula.
pub(crate) fn neutralised(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_the_rest_stays() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-role", "'-role"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("CTL-Admin", "CTL-Admin"),
            ("", ""),
        ] {
            assert_eq!(neutralised(cell), shown);
        }
    }
}
