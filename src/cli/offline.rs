//! Offline commands that open the data file (users, keys, backup, restore) and the
//! server-side helpers (healthcheck, test mail).

use crate::config::Config;
use crate::domain::{Role, validate};
use crate::error::{AppError, AppResult};
use crate::secret;
use crate::store::Store;
use clap::Subcommand;
use std::io::{BufRead, Write};

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. The password is read from stdin with --password-stdin, else generated and printed.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "editor")]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Set a new password (from stdin with --password-stdin, else generated and printed).
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Create an API key and print only its token.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "editor")]
        role: String,
    },
    /// List API keys (no tokens).
    List,
    /// Revoke an API key by id.
    Revoke { id: String },
}

fn read_password(from_stdin: bool, email: &str) -> AppResult<(String, bool)> {
    if !from_stdin {
        return Ok((secret::random_token()[..20].to_string(), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| AppError::invalid("password", format!("cannot read stdin: {e}")))?;
    let pw = line.trim_end_matches(['\n', '\r']).to_string();
    validate::password(&pw, email).map_err(|m| AppError::invalid("password", m))?;
    Ok((pw, false))
}

pub(super) fn user(config: &Config, command: UserCommand) -> AppResult<()> {
    let store = Store::open(&config.data)?;
    match command {
        UserCommand::Add {
            email,
            role,
            password_stdin,
        } => {
            let role: Role = role
                .parse()
                .map_err(|m: String| AppError::invalid("role", m))?;
            let (pw, generated) = read_password(password_stdin, &email)?;
            let u = store.create_user(&email, secret::hash_password(&pw)?, role, false)?;
            println!("added {} ({})", u.email, u.role);
            if generated {
                println!("password: {pw}");
            }
        }
        UserCommand::List => {
            for u in store.list_users()? {
                let last = u
                    .last_login_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_else(|| "never".into());
                println!("{}\t{}\t{}\tlast sign-in {}", u.id, u.email, u.role, last);
            }
        }
        UserCommand::ResetPassword {
            email,
            password_stdin,
        } => {
            let u = store
                .user_by_email(&email)?
                .ok_or_else(|| AppError::invalid("email", format!("no user with email {email}")))?;
            let (pw, generated) = read_password(password_stdin, &u.email)?;
            store.set_user_password(&u.id, secret::hash_password(&pw)?)?;
            println!(
                "password of {} reset; their sessions were signed out",
                u.email
            );
            if generated {
                println!("password: {pw}");
            }
        }
    }
    Ok(())
}

pub(super) fn key(config: &Config, command: KeyCommand) -> AppResult<()> {
    let store = Store::open(&config.data)?;
    match command {
        KeyCommand::Create { name, role } => {
            let role: Role = role
                .parse()
                .map_err(|m: String| AppError::invalid("role", m))?;
            let (token, hash, prefix) = secret::new_api_token();
            store.create_key(&name, role, hash, prefix, Some("cli".into()))?;
            println!("{token}");
        }
        KeyCommand::List => {
            for k in store.list_keys()? {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{}…\t{}", k.id, k.name, k.role, k.prefix, state);
            }
        }
        KeyCommand::Revoke { id } => {
            let k = store.revoke_key(&id)?;
            println!("revoked {}", k.name);
        }
    }
    Ok(())
}

fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into()
}

pub(super) fn backup(
    config: &Config,
    file: &std::path::Path,
    url: Option<String>,
    token: Option<String>,
) -> AppResult<()> {
    if file.exists() {
        return Err(AppError::invalid(
            "FILE",
            format!("{} already exists; choose a new file name", file.display()),
        ));
    }
    if let Some(url) = url.filter(|u| !u.is_empty()) {
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| {
            AppError::invalid(
                "--token",
                "give an owner API token (--token or STATUSD_TOKEN) to back up through the server",
            )
        })?;
        let url = format!("{}/api/v1/backup", url.trim_end_matches('/'));
        let mut resp = http_agent()
            .get(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|e| AppError::Internal(format!("GET {url}: {e}")))?;
        if resp.status() != 200 {
            let body = resp.body_mut().read_to_string().unwrap_or_default();
            return Err(AppError::Internal(format!(
                "GET {url}: {} {body}",
                resp.status()
            )));
        }
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|e| AppError::Internal(format!("reading backup: {e}")))?;
        crate::store::create_private(file).and_then(|mut f| {
            f.write_all(&bytes)
                .and_then(|_| f.sync_all())
                .map_err(|e| AppError::Storage(format!("writing {}: {e}", file.display())))
        })?;
        println!(
            "backup written to {} ({} bytes, via {url})",
            file.display(),
            bytes.len()
        );
        return Ok(());
    }
    Store::open(&config.data)?.backup_to(file)?;
    println!("backup written to {}", file.display());
    Ok(())
}

pub(super) fn restore(config: &Config, file: &std::path::Path, force: bool) -> AppResult<()> {
    if !file.exists() {
        return Err(AppError::invalid(
            "FILE",
            format!("{} does not exist", file.display()),
        ));
    }
    let target = &config.data;
    let mut held = None;
    if target.exists() {
        if !force {
            return Err(AppError::invalid(
                "data",
                format!(
                    "{} exists; pass --force to replace it (stop the server first)",
                    target.display()
                ),
            ));
        }
        // Holding the lock until the swap keeps a server from starting on the old file.
        held = Some(Store::open(target)?);
    }
    let staging = target.with_extension("restore-tmp");
    let _ = std::fs::remove_file(&staging);
    crate::store::checked_copy(file, &staging)?;
    let mut kept = None;
    if target.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let old = target.with_file_name(format!("{name}.before-restore-{stamp}"));
        std::fs::rename(target, &old)
            .map_err(|e| AppError::Storage(format!("moving {} aside: {e}", target.display())))?;
        kept = Some(old);
    }
    std::fs::rename(&staging, target)
        .map_err(|e| AppError::Storage(format!("moving into {}: {e}", target.display())))?;
    drop(held);
    println!("restored {} into {}", file.display(), target.display());
    if let Some(old) = kept {
        println!("the replaced data file was kept as {}", old.display());
    }
    Ok(())
}

pub(super) fn healthcheck(base: &str) -> AppResult<()> {
    let url = format!("{}/healthz", base.trim_end_matches('/'));
    let resp = http_agent()
        .get(&url)
        .call()
        .map_err(|e| AppError::Internal(format!("GET {url}: {e}")))?;
    if resp.status() == 200 {
        println!("ok");
        Ok(())
    } else {
        Err(AppError::Internal(format!("GET {url}: {}", resp.status())))
    }
}

pub(super) fn send_test_email(config: &Config, address: &str) -> AppResult<()> {
    let address = validate::email(address).map_err(|m| AppError::invalid("ADDRESS", m))?;
    let settings = crate::notify::Settings::from_config(config)?;
    let smtp = settings.smtp.clone().ok_or_else(|| {
        AppError::invalid(
            "smtp_url",
            "is not set; set STATUSD_SMTP_URL (e.g. smtp://127.0.0.1:25 or smtps://user:pass@mail.example.com)",
        )
    })?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Internal(format!("starting the runtime: {e}")))?;
    let mailer = crate::notify::smtp::Mailer::new(smtp.clone(), &settings.host);
    let mail = crate::notify::render::test_mail(&address, &settings);
    let out = crate::notify::render::encode(&mail, "test", &settings);
    rt.block_on(mailer.send_now(out))
        .map_err(|e| AppError::Internal(format!("sending to {address} via {smtp}: {e}")))?;
    println!(
        "sent a test mail to {address} via {smtp} (from {})",
        settings.from
    );
    Ok(())
}
