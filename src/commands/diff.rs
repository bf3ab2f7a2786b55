//! `orgexit diff OLD.json NEW.json`: what changed between two reports.

use super::*;
use crate::cli::DiffFormat;
use crate::engine::RunError;
use crate::exit::Exit;
use crate::plan::DiffPlan;
use crate::report::{self, diff};

pub(super) fn diff(plan: &DiffPlan) -> Result<Exit, RunError> {
    let old = report::load::load(&plan.old)?;
    let new = report::load::load(&plan.new)?;
    let diff = diff::compare(
        &old,
        &report::load::name(&plan.old),
        &new,
        &report::load::name(&plan.new),
    );
    let text = match plan.format {
        DiffFormat::Table => diff::render_text(&diff),
        DiffFormat::Markdown => diff::render_markdown(&diff),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(&diff).expect("a diff serializes");
            json.push('\n');
            json
        }
    };
    emit(&text, plan.output.as_deref())?;
    Ok(diff.exit_code())
}
