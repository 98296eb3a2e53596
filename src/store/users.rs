//! Users, sessions and API keys.

use super::tokens::sweep_expired;
use super::{Store, all, get, new_id, tables};
use crate::domain::team::{UserChange, keeps_an_owner};
use crate::domain::{ApiKey, Role, Session, User, validate};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

/// Refuses (409) a change that would leave no enabled owner.
pub(super) fn check_owner_kept(
    txn: &WriteTransaction,
    target: &User,
    change: UserChange,
) -> AppResult<()> {
    let users: Vec<User> = all(&txn.open_table(tables::USERS)?)?;
    keeps_an_owner(&users, target, change).map_err(AppError::Conflict)
}

impl Store {
    pub fn user_count(&self) -> AppResult<u64> {
        Ok(self.read()?.open_table(tables::USERS)?.len()?)
    }

    pub fn list_users(&self) -> AppResult<Vec<User>> {
        all(&self.read()?.open_table(tables::USERS)?)
    }

    pub fn get_user(&self, id: &str) -> AppResult<User> {
        get(&self.read()?.open_table(tables::USERS)?, id)?
            .ok_or_else(|| AppError::NotFound(format!("user {id}")))
    }

    pub fn user_by_email(&self, email: &str) -> AppResult<Option<User>> {
        let txn = self.read()?;
        let key = email.trim().to_lowercase();
        let Some(id) = txn
            .open_table(tables::USER_EMAILS)?
            .get(key.as_str())?
            .map(|v| v.value().to_string())
        else {
            return Ok(None);
        };
        get(&txn.open_table(tables::USERS)?, &id)
    }

    /// Adds a user. `only_if_first` makes it the setup step: it fails once any user exists,
    /// so two racing setup requests cannot both create an owner.
    pub fn create_user(
        &self,
        email: &str,
        password_hash: String,
        role: Role,
        only_if_first: bool,
    ) -> AppResult<User> {
        let email = validate::email(email).map_err(|m| AppError::invalid("email", m))?;
        self.write(|txn| {
            if only_if_first && txn.open_table(tables::USERS)?.len()? > 0 {
                return Err(AppError::Conflict(
                    "setup is already done; sign in instead".into(),
                ));
            }
            insert_user(txn, &email, password_hash, role, self.now())
        })
    }

    /// Changes a user's role; the last owner cannot be demoted. A change ends the user's
    /// sessions, so no cookie issued under the old role lives on.
    pub fn set_user_role(&self, id: &str, role: Role) -> AppResult<User> {
        self.write(|txn| {
            let mut u: User = get(&txn.open_table(tables::USERS)?, id)?
                .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
            check_owner_kept(txn, &u, UserChange::SetRole(role))?;
            let mut users = txn.open_table(tables::USERS)?;
            if u.role == role {
                return Ok(u);
            }
            u.role = role;
            users.insert(id, &u)?;
            drop_sessions_of(txn, id)?;
            Ok(u)
        })
    }

    /// Sets a new password hash and signs the user out everywhere.
    pub fn set_user_password(&self, id: &str, password_hash: String) -> AppResult<()> {
        self.write(|txn| {
            let mut users = txn.open_table(tables::USERS)?;
            let mut u: User =
                get(&users, id)?.ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
            u.password_hash = password_hash;
            users.insert(id, &u)?;
            drop_sessions_of(txn, id)
        })
    }

    pub fn delete_user(&self, id: &str) -> AppResult<()> {
        self.write(|txn| {
            let u: User = get(&txn.open_table(tables::USERS)?, id)?
                .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
            check_owner_kept(txn, &u, UserChange::Delete)?;
            let mut users = txn.open_table(tables::USERS)?;
            users.remove(id)?;
            txn.open_table(tables::USER_EMAILS)?
                .remove(u.email.as_str())?;
            drop_sessions_of(txn, id)
        })
    }

    pub fn record_login(&self, id: &str) -> AppResult<()> {
        self.write(|txn| {
            let mut users = txn.open_table(tables::USERS)?;
            if let Some(mut u) = get::<User, _>(&users, id)? {
                u.last_login_at = Some(self.now());
                users.insert(id, &u)?;
            }
            Ok(())
        })
    }

    pub fn create_session(&self, token_hash: &str, session: &Session) -> AppResult<()> {
        self.write(|txn| {
            let mut sessions = txn.open_table(tables::SESSIONS)?;
            // Expired sessions are swept here, on sign-in, so the table stays small.
            sweep_expired(&mut sessions, self.now())?;
            sessions.insert(token_hash, session)?;
            Ok(())
        })
    }

    /// A live session and its (enabled) user; notes when it was last seen at most once a
    /// minute so page views do not turn into a stream of durable writes.
    pub fn session(&self, token_hash: &str) -> AppResult<Option<(Session, User)>> {
        let found = {
            let txn = self.read()?;
            let Some(s) = get::<Session, _>(&txn.open_table(tables::SESSIONS)?, token_hash)? else {
                return Ok(None);
            };
            get::<User, _>(&txn.open_table(tables::USERS)?, &s.user_id)?.map(|u| (s, u))
        };
        let now = self.now();
        let Some((mut s, u)) = found.filter(|(s, u)| s.expires_at >= now && !u.disabled) else {
            return Ok(None);
        };
        if s.last_seen_at
            .is_none_or(|t| now - t > Duration::seconds(60))
        {
            s.last_seen_at = Some(now);
            let seen = s.clone();
            self.write_quiet(|txn| {
                let mut sessions = txn.open_table(tables::SESSIONS)?;
                // Only if it was not ended meanwhile.
                if sessions.get(token_hash)?.is_some() {
                    sessions.insert(token_hash, &seen)?;
                }
                Ok(())
            })?;
        }
        Ok(Some((s, u)))
    }

    pub fn delete_session(&self, token_hash: &str) -> AppResult<()> {
        self.write(|txn| {
            txn.open_table(tables::SESSIONS)?.remove(token_hash)?;
            Ok(())
        })
    }

    pub fn list_keys(&self) -> AppResult<Vec<ApiKey>> {
        all(&self.read()?.open_table(tables::API_KEYS)?)
    }

    pub fn create_key(
        &self,
        name: &str,
        role: Role,
        token_hash: String,
        prefix: String,
        created_by: Option<String>,
    ) -> AppResult<ApiKey> {
        let name = validate::name(name, 100).map_err(|m| AppError::invalid("name", m))?;
        let key = ApiKey {
            id: new_id(),
            name,
            role,
            token_hash,
            prefix,
            created_at: self.now(),
            created_by,
            last_used_at: None,
            revoked_at: None,
        };
        self.write(|txn| {
            txn.open_table(tables::API_KEYS)?
                .insert(key.id.as_str(), &key)?;
            txn.open_table(tables::API_KEY_HASHES)?
                .insert(key.token_hash.as_str(), key.id.as_str())?;
            Ok(())
        })?;
        Ok(key)
    }

    pub fn revoke_key(&self, id: &str) -> AppResult<ApiKey> {
        self.write(|txn| {
            let mut keys = txn.open_table(tables::API_KEYS)?;
            let mut k: ApiKey =
                get(&keys, id)?.ok_or_else(|| AppError::NotFound(format!("API key {id}")))?;
            if k.revoked_at.is_none() {
                k.revoked_at = Some(self.now());
                keys.insert(id, &k)?;
                txn.open_table(tables::API_KEY_HASHES)?
                    .remove(k.token_hash.as_str())?;
            }
            Ok(k)
        })
    }

    /// The live key with this token hash; notes its use at most once a minute so API
    /// traffic does not turn into a stream of durable writes.
    pub fn key_by_hash(&self, token_hash: &str) -> AppResult<Option<ApiKey>> {
        let key = {
            let txn = self.read()?;
            let Some(id) = txn
                .open_table(tables::API_KEY_HASHES)?
                .get(token_hash)?
                .map(|v| v.value().to_string())
            else {
                return Ok(None);
            };
            get::<ApiKey, _>(&txn.open_table(tables::API_KEYS)?, &id)?
        };
        let Some(mut key) = key.filter(|k| k.revoked_at.is_none()) else {
            return Ok(None);
        };
        if self.creator_disabled(&key)? {
            return Ok(None);
        }
        let now = self.now();
        if key
            .last_used_at
            .is_none_or(|t: DateTime<Utc>| now - t > Duration::seconds(60))
        {
            key.last_used_at = Some(now);
            let k = key.clone();
            self.write(|txn| {
                txn.open_table(tables::API_KEYS)?
                    .insert(k.id.as_str(), &k)?;
                Ok(())
            })?;
        }
        Ok(Some(key))
    }
}

pub(super) fn drop_sessions_of(txn: &WriteTransaction, user_id: &str) -> AppResult<()> {
    let mut sessions = txn.open_table(tables::SESSIONS)?;
    let mine: Vec<String> = sessions
        .iter()?
        .filter_map(|r| r.ok())
        .filter(|(_, v)| v.value().user_id == user_id)
        .map(|(k, _)| k.value().to_string())
        .collect();
    for k in mine {
        sessions.remove(k.as_str())?;
    }
    Ok(())
}

/// Adds a user in `txn`; the email (already validated) must be free.
pub(super) fn insert_user(
    txn: &WriteTransaction,
    email: &str,
    password_hash: String,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<User> {
    let mut emails = txn.open_table(tables::USER_EMAILS)?;
    if emails.get(email)?.is_some() {
        return Err(AppError::invalid(
            "email",
            format!("a user with email {email} already exists"),
        ));
    }
    let user = User {
        id: new_id(),
        email: email.to_string(),
        password_hash,
        role,
        created_at: now,
        last_login_at: None,
        disabled: false,
    };
    txn.open_table(tables::USERS)?
        .insert(user.id.as_str(), &user)?;
    emails.insert(email, user.id.as_str())?;
    Ok(user)
}
