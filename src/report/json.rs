//! `--format json`: the report as the README's *JSON report* section documents it, for the support ticket and
//! for machines.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("a report always serializes");
    text.push('\n');
    text
}
