//! The policy inputs the checks are judged against, apart from the plan that gathers them:
//! the reseller definition ([`Reseller`], `checks/<name>.toml`) and the customer's
//! attestations and waivers ([`Attestations`]). The checks read them; the plan loads and
//! validates them; neither depends on the other through here.

mod attestations;
mod leaver;
mod reseller;
pub mod skeleton;

pub use attestations::{
    AccountAttestations, Attestations, Attested, BucketDecision, Move, MoveKind, Waiver,
};
pub use leaver::{LEAVER_FORMS, Leaver, Leavers};
pub use reseller::{Reseller, TicketWords, words};
