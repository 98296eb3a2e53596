//! `GET /api/v1/backup` (owners only): a consistent copy of the data file.

use super::responses::ReadErrors;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::auth::Owner;
use actix_web::{HttpResponse, web};

/// Downloads a consistent copy of the data file (owners only).
#[utoipa::path(
    get, path = "/api/v1/backup", tag = "backup",
    responses(
        (status = 200, description = "A consistent copy of the data file (owners only)", content_type = "application/octet-stream", body = Vec<u8>),
        ReadErrors,
    ),
)]
pub async fn get_backup(
    state: web::Data<AppState>,
    Owner(actor): Owner,
) -> AppResult<HttpResponse> {
    let bytes = state
        .store
        .run(|s| {
            let dir = tempfile_dir()?;
            let path = dir.join("backup.redb");
            let result = s.backup_to(&path).and_then(|_| {
                std::fs::read(&path)
                    .map_err(|e| AppError::Storage(format!("reading the backup copy: {e}")))
            });
            let _ = std::fs::remove_dir_all(&dir);
            result
        })
        .await?;
    tracing::info!(by = %actor.name(), bytes = bytes.len(), "backup downloaded");
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"statusd-backup.redb\"",
        ))
        .insert_header(("Cache-Control", crate::web::cache::PRIVATE))
        .body(bytes))
}

fn tempfile_dir() -> AppResult<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("statusd-backup-{}", crate::store::new_id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::Storage(format!("creating {}: {e}", dir.display())))?;
    Ok(dir)
}
