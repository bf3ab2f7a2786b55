//! `orgexit policy`: the audit role's policy (IAM JSON, CloudFormation, Terraform).

use super::*;
use crate::engine::RunError;
use crate::exit::Exit;
use crate::plan::PolicyPlan;

pub(super) fn policy(plan: &PolicyPlan) -> Result<Exit, RunError> {
    let actions: Vec<&str> = crate::audit_role::actions(&plan.checks, plan.runbook)
        .into_iter()
        .collect();
    let text = crate::audit_role::render_as(
        plan.format,
        &actions,
        plan.trust.as_ref(),
        plan.external_id.as_deref(),
        plan.partition,
    );
    emit(&text, None)?;
    Ok(Exit::Success)
}
