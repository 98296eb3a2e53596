//! What an update does to an incident's status: a note on a resolved incident stays a
//! note; only an explicit status reopens it.

use super::IncidentStatus;

/// The status an update records. Without a requested status it is a note: an open
/// incident keeps its status, a resolved one (or one with a postmortem) stays resolved
/// and may not change its components. Errors name the field at fault.
pub fn update_status(
    current: IncidentStatus,
    requested: Option<IncidentStatus>,
    changes_components: bool,
) -> Result<IncidentStatus, (&'static str, &'static str)> {
    match requested {
        Some(s) => Ok(s),
        None if current.is_open() => Ok(current),
        None if changes_components => Err((
            "components",
            "a note on a resolved incident cannot change its components; give a status to reopen it",
        )),
        None => Ok(IncidentStatus::Resolved),
    }
}

#[cfg(test)]
mod tests {
    use super::IncidentStatus::*;
    use super::*;

    #[test]
    fn update_status_table() {
        // (current, requested, components given, want)
        type Case = (
            IncidentStatus,
            Option<IncidentStatus>,
            bool,
            Result<IncidentStatus, &'static str>,
        );
        let cases: [Case; 8] = [
            (Investigating, None, false, Ok(Investigating)),
            (Monitoring, None, true, Ok(Monitoring)),
            (Identified, Some(Resolved), true, Ok(Resolved)),
            (Resolved, None, false, Ok(Resolved)),
            (Postmortem, None, false, Ok(Resolved)),
            (Resolved, None, true, Err("components")),
            (Resolved, Some(Investigating), false, Ok(Investigating)),
            (Postmortem, Some(Identified), true, Ok(Identified)),
        ];
        for (current, requested, comps, want) in cases {
            let got = update_status(current, requested, comps).map_err(|(field, _)| field);
            assert_eq!(got, want, "{current:?} {requested:?} {comps}");
        }
    }
}
