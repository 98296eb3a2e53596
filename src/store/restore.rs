//! Checks a backup before `statusd restore` replaces anything: the file must be a whole
//! redb file of this or an older schema whose every table reads.

use super::Store;
use crate::error::{AppError, AppResult};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// The first bytes of every redb file.
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// Writes a checked, migrated copy of the backup at `source` to the new file `dest`.
/// The source is only read: a scratch copy beside `dest` is opened, migrated and
/// read table by table, so a damaged or foreign file never reaches the data file.
pub fn checked_copy(source: &Path, dest: &Path) -> AppResult<()> {
    let refuse = |why: String| AppError::invalid("FILE", format!("{}: {why}", source.display()));
    let mut head = [0u8; REDB_MAGIC.len()];
    let mut f = std::fs::File::open(source).map_err(|e| refuse(format!("cannot read it: {e}")))?;
    let len = f
        .metadata()
        .map_err(|e| refuse(format!("cannot read it: {e}")))?
        .len();
    if len == 0 {
        return Err(refuse(
            "the file is empty (0 bytes); it is not a backup".into(),
        ));
    }
    if f.read_exact(&mut head).is_err() || head != REDB_MAGIC {
        return Err(refuse(
            "not a statusd data file (no redb header); give a file written by `statusd backup`"
                .into(),
        ));
    }
    let scratch = dest.with_extension("restore-check");
    let _ = std::fs::remove_file(&scratch);
    super::create_private(&scratch)?;
    let result = std::fs::copy(source, &scratch)
        .map_err(|e| AppError::Storage(format!("copying {}: {e}", source.display())))
        .and_then(|_| open_and_copy(&scratch, dest));
    let _ = std::fs::remove_file(&scratch);
    result.map_err(|e| {
        let _ = std::fs::remove_file(dest);
        let msg = e
            .to_string()
            .replace(&scratch.display().to_string(), "the backup");
        AppError::Storage(format!(
            "{} is not a usable backup: {msg}",
            source.display()
        ))
    })
}

/// Opens (and so migrates) the scratch copy and copies every table into `dest`; redb
/// asserts on some damaged files, so a panic becomes an error here.
fn open_and_copy(scratch: &Path, dest: &Path) -> AppResult<()> {
    let hook = std::panic::take_hook();
    // The assertion text is for redb's developers; the error below is for the operator.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let store = Store::open(scratch)?;
        store.backup_to(dest)
    }));
    std::panic::set_hook(hook);
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unreadable");
            Err(AppError::Storage(format!(
                "the backup is truncated or damaged ({why}); use a complete backup file"
            )))
        }
    }
}
