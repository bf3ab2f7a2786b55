//! `orgexit policy`: the audit role's policy (IAM JSON, CloudFormation, Terraform).

use super::*;
use crate::cli::{PolicyCmdArgs, PolicyFormat};
use crate::engine::RunError;
use crate::exit::Exit;
use crate::plan::{InputError, select_checks};

pub(super) fn policy(args: &PolicyCmdArgs) -> Result<Exit, RunError> {
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
