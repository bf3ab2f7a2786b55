//! What the regional checks share: the regions a regional fact could not read (each an
//! `error` item naming its region, never an empty region), and the enabled regions
//! `--regions` left out (said in the summary, never silently).

use super::{Item, count};
use crate::facts::{Regional, Unread};

/// The regions of one regional fact that were not read, as the finding says them.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    /// One `error` item per region that did not answer.
    pub items: Vec<Item>,
    /// The regions that did not answer, by the reason they gave.
    unread: std::collections::BTreeMap<String, Vec<String>>,
    /// Enabled regions not read because `--regions` left them out.
    left_out: Vec<String>,
    /// Regions that answered.
    pub read: usize,
}

impl Coverage {
    pub(crate) fn of<T>(regional: &Regional<T>) -> Coverage {
        let mut coverage = Coverage {
            left_out: regional.left_out.clone(),
            ..Coverage::default()
        };
        coverage.add(regional);
        coverage
    }

    /// Adds another regional fact's regions (a check that reads two).
    pub(crate) fn add<T>(&mut self, regional: &Regional<T>) {
        for (region, reason) in regional.failed() {
            self.items.push(Item::unread(
                Unread::of(reason),
                &format!("{region}: {reason}"),
            ));
            self.unread
                .entry(reason.to_string())
                .or_default()
                .push(region.to_string());
        }
        for region in &regional.left_out {
            if !self.left_out.contains(region) {
                self.left_out.push(region.clone());
            }
        }
        self.read = self.read.max(regional.answered().count());
    }

    /// Whether some region did not answer (the check is then `error`, unless it fails).
    pub(crate) fn incomplete(&self) -> bool {
        !self.unread.is_empty()
    }

    /// The summary's parts about regions not read: the ones that failed, then the ones
    /// `--regions` left out.
    pub(crate) fn parts(&self) -> Vec<String> {
        let mut parts = Vec::new();
        // Regions that failed alike are said once: "not read in 3 regions (…): reason".
        let failed: usize = self.unread.values().map(Vec::len).sum();
        for (reason, regions) in &self.unread {
            if regions.len() == failed && self.read == 0 && failed > 1 {
                parts.push(format!("not read in any of its {failed} regions: {reason}"));
            } else {
                parts.push(format!(
                    "not read in {} ({}): {reason}",
                    count(regions.len(), "region", "regions"),
                    regions.join(", ")
                ));
            }
        }
        if !self.left_out.is_empty() {
            parts.push(format!(
                "{} left out by --regions: {}",
                count(self.left_out.len(), "enabled region", "enabled regions"),
                self.left_out.join(", ")
            ));
        }
        parts
    }

    /// "in 17 regions", for a summary that found nothing.
    pub(crate) fn where_read(&self) -> String {
        format!("in {}", count(self.read, "region", "regions"))
    }
}
