//! `orgexit schema`: the JSON Schema of the report.

use super::*;
use crate::engine::RunError;
use crate::exit::Exit;
use crate::report;

pub(super) fn schema() -> Result<Exit, RunError> {
    emit(&report::schema::render(), None)?;
    Ok(Exit::Success)
}
