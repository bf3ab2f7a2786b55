//! `orgexit explain <check>`: a check's documentation, severity, reads and item kinds.

use super::*;
use crate::checks::Check;
use crate::engine::RunError;
use crate::exit::Exit;

pub(super) fn explain(check: &dyn Check) -> Result<Exit, RunError> {
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
