//! Team accounts: invitations, password resets, one's own sessions, disabling a user.

use super::tokens::{sweep_expired, take_live};
use super::users::{check_owner_kept, drop_sessions_of, insert_user};
use super::{Store, all, get, new_id, tables};
use crate::domain::team::{INVITE_HOURS, Invite, PasswordReset, RESET_MINUTES, UserChange};
use crate::domain::{ApiKey, Role, Session, User, validate};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use redb::{ReadableTable, WriteTransaction};

fn later(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now.checked_add_signed(d).unwrap_or(now)
}

/// The invitation with this id and the hash it is stored under.
fn invite_by_id(txn: &WriteTransaction, id: &str) -> AppResult<(String, Invite)> {
    all_invites(txn)?
        .into_iter()
        .find(|(_, i)| i.id == id)
        .ok_or_else(|| AppError::NotFound(format!("invitation {id}")))
}

fn all_invites(txn: &WriteTransaction) -> AppResult<Vec<(String, Invite)>> {
    Ok(txn
        .open_table(tables::INVITES)?
        .iter()?
        .filter_map(|r| r.ok())
        .map(|(k, v)| (k.value().to_string(), v.value()))
        .collect())
}

/// Ends every session of a user but the one stored under `keep`.
fn drop_other_sessions(txn: &WriteTransaction, user_id: &str, keep: &str) -> AppResult<usize> {
    let mut sessions = txn.open_table(tables::SESSIONS)?;
    let others: Vec<String> = sessions
        .iter()?
        .filter_map(|r| r.ok())
        .filter(|(k, v)| v.value().user_id == user_id && k.value() != keep)
        .map(|(k, _)| k.value().to_string())
        .collect();
    for k in &others {
        sessions.remove(k.as_str())?;
    }
    Ok(others.len())
}

impl Store {
    /// Writes an invitation for `email` with `role`, valid 72 hours; refused when the
    /// address has an account or a pending invitation.
    pub fn create_invite(
        &self,
        token_hash: &str,
        email: &str,
        role: Role,
        invited_by: &str,
    ) -> AppResult<Invite> {
        let email = validate::email(email).map_err(|m| AppError::invalid("email", m))?;
        let now = self.now();
        self.write_quiet(|txn| {
            if txn
                .open_table(tables::USER_EMAILS)?
                .get(email.as_str())?
                .is_some()
            {
                return Err(AppError::invalid(
                    "email",
                    format!("{email} already has an account"),
                ));
            }
            let mut invites = txn.open_table(tables::INVITES)?;
            sweep_expired(&mut invites, now)?;
            drop(invites);
            if all_invites(txn)?.iter().any(|(_, i)| i.email == email) {
                return Err(AppError::invalid(
                    "email",
                    format!("{email} is already invited; resend or revoke that invitation below"),
                ));
            }
            let invite = Invite {
                id: new_id(),
                email: email.clone(),
                role,
                invited_by: invited_by.into(),
                created_at: now,
                expires_at: later(now, Duration::hours(INVITE_HOURS)),
            };
            txn.open_table(tables::INVITES)?
                .insert(token_hash, &invite)?;
            Ok(invite)
        })
    }

    /// Pending (unexpired) invitations, oldest first.
    pub fn list_invites(&self) -> AppResult<Vec<Invite>> {
        let now = self.now();
        let mut out: Vec<Invite> = all::<Invite, _>(&self.read()?.open_table(tables::INVITES)?)?
            .into_iter()
            .filter(|i| i.expires_at >= now)
            .collect();
        out.sort_by_key(|i| i.created_at);
        Ok(out)
    }

    /// A pending invitation by id.
    pub fn get_invite(&self, id: &str) -> AppResult<Invite> {
        self.list_invites()?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| AppError::NotFound(format!("invitation {id}")))
    }

    /// Gives an invitation a new token (the old link stops working) and 72 more hours.
    pub fn resend_invite(&self, id: &str, new_hash: &str) -> AppResult<Invite> {
        let now = self.now();
        self.write_quiet(|txn| {
            let (old, mut invite) = invite_by_id(txn, id)?;
            let mut invites = txn.open_table(tables::INVITES)?;
            invites.remove(old.as_str())?;
            invite.expires_at = later(now, Duration::hours(INVITE_HOURS));
            invites.insert(new_hash, &invite)?;
            Ok(invite)
        })
    }

    /// Withdraws an invitation; its link stops working.
    pub fn revoke_invite(&self, id: &str) -> AppResult<Invite> {
        self.write_quiet(|txn| {
            let (hash, invite) = invite_by_id(txn, id)?;
            txn.open_table(tables::INVITES)?.remove(hash.as_str())?;
            Ok(invite)
        })
    }

    /// The live invitation a link names, without using it up.
    pub fn peek_invite(&self, token_hash: &str) -> AppResult<Option<Invite>> {
        let found: Option<Invite> = get(&self.read()?.open_table(tables::INVITES)?, token_hash)?;
        Ok(found.filter(|i| i.expires_at >= self.now()))
    }

    /// Uses an invitation up and creates its account in one transaction; `None` when the
    /// link is unknown, used, revoked or expired.
    pub fn accept_invite(
        &self,
        token_hash: &str,
        password_hash: String,
    ) -> AppResult<Option<User>> {
        let now = self.now();
        self.write(|txn| {
            let Some(invite) = take_live(&mut txn.open_table(tables::INVITES)?, token_hash, now)?
            else {
                return Ok(None);
            };
            insert_user(txn, &invite.email, password_hash, invite.role, now).map(Some)
        })
    }

    /// Writes a reset link for a user, valid one hour.
    pub fn create_reset(&self, token_hash: &str, user_id: &str) -> AppResult<()> {
        let now = self.now();
        let reset = PasswordReset {
            user_id: user_id.into(),
            created_at: now,
            expires_at: later(now, Duration::minutes(RESET_MINUTES)),
        };
        self.write_quiet(|txn| {
            let mut resets = txn.open_table(tables::PASSWORD_RESETS)?;
            sweep_expired(&mut resets, now)?;
            resets.insert(token_hash, &reset)?;
            Ok(())
        })
    }

    /// The live reset a link names, without using it up.
    pub fn peek_reset(&self, token_hash: &str) -> AppResult<Option<PasswordReset>> {
        let found: Option<PasswordReset> = get(
            &self.read()?.open_table(tables::PASSWORD_RESETS)?,
            token_hash,
        )?;
        Ok(found.filter(|r| r.expires_at >= self.now()))
    }

    /// Uses a reset link up: sets the password, ends every session of the user and voids
    /// their other reset links, in one transaction. `None` when the link is spent or the
    /// user is gone or disabled.
    pub fn redeem_reset(&self, token_hash: &str, password_hash: String) -> AppResult<Option<User>> {
        let now = self.now();
        self.write_quiet(|txn| {
            let mut resets = txn.open_table(tables::PASSWORD_RESETS)?;
            let Some(reset) = take_live(&mut resets, token_hash, now)? else {
                return Ok(None);
            };
            let others: Vec<String> = resets
                .iter()?
                .filter_map(|r| r.ok())
                .filter(|(_, v)| v.value().user_id == reset.user_id)
                .map(|(k, _)| k.value().to_string())
                .collect();
            for k in others {
                resets.remove(k.as_str())?;
            }
            let mut users = txn.open_table(tables::USERS)?;
            let Some(mut user) = get::<User, _>(&users, &reset.user_id)?.filter(|u| !u.disabled)
            else {
                return Ok(None);
            };
            user.password_hash = password_hash;
            users.insert(user.id.as_str(), &user)?;
            drop_sessions_of(txn, &user.id)?;
            Ok(Some(user))
        })
    }

    /// Sets a user's own new password and ends their sessions but the current one.
    pub fn change_password(
        &self,
        user_id: &str,
        password_hash: String,
        keep_session: &str,
    ) -> AppResult<usize> {
        self.write_quiet(|txn| {
            let mut users = txn.open_table(tables::USERS)?;
            let mut u: User = get(&users, user_id)?
                .ok_or_else(|| AppError::NotFound(format!("user {user_id}")))?;
            u.password_hash = password_hash;
            users.insert(user_id, &u)?;
            drop_other_sessions(txn, user_id, keep_session)
        })
    }

    /// A user's live sessions, newest first, each marked whether it is `current` (a hash).
    pub fn user_sessions(&self, user_id: &str, current: &str) -> AppResult<Vec<(Session, bool)>> {
        let now = self.now();
        let mut out: Vec<(Session, bool)> = self
            .read()?
            .open_table(tables::SESSIONS)?
            .iter()?
            .filter_map(|r| r.ok())
            .map(|(k, v)| (v.value(), k.value() == current))
            .filter(|(s, _)| s.user_id == user_id && s.expires_at >= now)
            .collect();
        out.sort_by_key(|(s, _)| std::cmp::Reverse(s.created_at));
        Ok(out)
    }

    /// Ends one of a user's sessions by its id.
    pub fn revoke_user_session(&self, user_id: &str, session_id: &str) -> AppResult<Session> {
        self.write_quiet(|txn| {
            let mut sessions = txn.open_table(tables::SESSIONS)?;
            let found = sessions
                .iter()?
                .filter_map(|r| r.ok())
                .map(|(k, v)| (k.value().to_string(), v.value()))
                .find(|(_, s)| s.user_id == user_id && !s.id.is_empty() && s.id == session_id);
            let (key, s) =
                found.ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
            sessions.remove(key.as_str())?;
            Ok(s)
        })
    }

    /// Ends every session of a user but the one stored under `keep`; how many ended.
    pub fn end_other_sessions(&self, user_id: &str, keep: &str) -> AppResult<usize> {
        self.write_quiet(|txn| drop_other_sessions(txn, user_id, keep))
    }

    /// Disables or re-enables a user; disabling ends their sessions at once and never
    /// leaves the team without an enabled owner.
    pub fn set_user_disabled(&self, id: &str, disabled: bool) -> AppResult<User> {
        self.write(|txn| {
            let mut u: User = get(&txn.open_table(tables::USERS)?, id)?
                .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
            if disabled {
                check_owner_kept(txn, &u, UserChange::Disable)?;
            }
            let mut users = txn.open_table(tables::USERS)?;
            u.disabled = disabled;
            users.insert(id, &u)?;
            drop(users);
            if disabled {
                drop_sessions_of(txn, id)?;
            }
            Ok(u)
        })
    }

    /// Whether the user who created a key is disabled (their keys stop working with them).
    pub(super) fn creator_disabled(&self, key: &ApiKey) -> AppResult<bool> {
        let Some(by) = key.created_by.as_deref() else {
            return Ok(false);
        };
        Ok(self.user_by_email(by)?.is_some_and(|u| u.disabled))
    }
}
