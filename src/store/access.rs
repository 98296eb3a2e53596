//! Customer access: mailed sign-in links, customer sessions, per-page read tokens and the
//! refused sign-in requests the team sees.

use super::tokens::{sweep_expired, take_live};
use super::{Store, all, get, new_id, tables};
use crate::domain::access::{CustomerSession, ReadToken, RefusedSignIn, SignInLink};
use crate::domain::{Audience, Page, access, validate};
use crate::error::{AppError, AppResult};
use chrono::Duration;
use redb::{ReadableTable, WriteTransaction};

/// Refused sign-in requests kept per page (the newest).
const REFUSED_KEPT: usize = 200;

/// Why a sign-in link did not start a session (the visitor sees one message for all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Unknown, already used, or expired.
    Spent,
    /// The page is gone, no longer a customer page, or no longer admits the address.
    NoAccess,
}

impl Store {
    /// Writes a sign-in link for `email` on `page_id`, valid for `ttl`; sweeps expired links.
    pub fn create_signin_link(
        &self,
        token_hash: &str,
        page_id: &str,
        email: &str,
        ttl: Duration,
    ) -> AppResult<()> {
        let now = self.now();
        let link = SignInLink {
            page_id: page_id.into(),
            email: email.into(),
            created_at: now,
            expires_at: now.checked_add_signed(ttl).unwrap_or(now),
        };
        self.write_quiet(|txn| {
            let mut links = txn.open_table(tables::SIGNIN_LINKS)?;
            sweep_expired(&mut links, now)?;
            links.insert(token_hash, &link)?;
            Ok(())
        })
    }

    /// The page a still-valid link is for (to show its Continue page), without using it up.
    pub fn peek_signin_link(&self, token_hash: &str) -> AppResult<Option<SignInLink>> {
        let link: Option<SignInLink> =
            get(&self.read()?.open_table(tables::SIGNIN_LINKS)?, token_hash)?;
        Ok(link.filter(|l| l.expires_at >= self.now()))
    }

    /// Uses a link up and starts a customer session stored under `session_hash`, in one
    /// transaction; the page must still admit the address.
    pub fn redeem_signin_link(
        &self,
        token_hash: &str,
        session_hash: &str,
        session_days: u32,
    ) -> AppResult<Result<CustomerSession, LinkRefusal>> {
        let now = self.now();
        self.write_quiet(|txn| {
            let Some(link) =
                take_live(&mut txn.open_table(tables::SIGNIN_LINKS)?, token_hash, now)?
            else {
                return Ok(Err(LinkRefusal::Spent));
            };
            open_session(
                txn,
                &link.page_id,
                &link.email,
                session_hash,
                session_days,
                now,
            )
        })
    }

    /// Starts a customer session for an address a single sign-on verified, in one
    /// transaction; the page must be a customer page whose allowlist admits the address.
    pub fn start_customer_session(
        &self,
        page_id: &str,
        email: &str,
        session_hash: &str,
        session_days: u32,
    ) -> AppResult<Result<CustomerSession, LinkRefusal>> {
        let now = self.now();
        self.write_quiet(|txn| open_session(txn, page_id, email, session_hash, session_days, now))
    }

    /// A live customer session; notes when it was last seen at most once a minute.
    pub fn customer_session(&self, session_hash: &str) -> AppResult<Option<CustomerSession>> {
        let found: Option<CustomerSession> = get(
            &self.read()?.open_table(tables::CUSTOMER_SESSIONS)?,
            session_hash,
        )?;
        let now = self.now();
        let Some(mut s) = found.filter(|s| s.expires_at >= now) else {
            return Ok(None);
        };
        if now - s.last_seen_at > Duration::seconds(60) {
            s.last_seen_at = now;
            let seen = s.clone();
            self.write_quiet(|txn| {
                let mut sessions = txn.open_table(tables::CUSTOMER_SESSIONS)?;
                // Only if it was not revoked meanwhile.
                if sessions.get(session_hash)?.is_some() {
                    sessions.insert(session_hash, &seen)?;
                }
                Ok(())
            })?;
        }
        Ok(Some(s))
    }

    /// The live sessions of a page, newest first.
    pub fn list_customer_sessions(&self, page_id: &str) -> AppResult<Vec<CustomerSession>> {
        let now = self.now();
        let mut out: Vec<CustomerSession> =
            all::<CustomerSession, _>(&self.read()?.open_table(tables::CUSTOMER_SESSIONS)?)?
                .into_iter()
                .filter(|s| s.page_id == page_id && s.expires_at >= now)
                .collect();
        out.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(out)
    }

    /// Ends one customer session of a page (by its id, not its cookie hash).
    pub fn revoke_customer_session(&self, page_id: &str, id: &str) -> AppResult<CustomerSession> {
        self.write_quiet(|txn| {
            let mut sessions = txn.open_table(tables::CUSTOMER_SESSIONS)?;
            let found = sessions
                .iter()?
                .filter_map(|r| r.ok())
                .map(|(k, v)| (k.value().to_string(), v.value()))
                .find(|(_, s)| s.id == id && s.page_id == page_id);
            let (key, s) =
                found.ok_or_else(|| AppError::NotFound(format!("customer session {id}")))?;
            sessions.remove(key.as_str())?;
            Ok(s)
        })
    }

    /// Ends a customer session by its cookie hash (sign-out).
    pub fn delete_customer_session(&self, session_hash: &str) -> AppResult<()> {
        self.write_quiet(|txn| {
            txn.open_table(tables::CUSTOMER_SESSIONS)?
                .remove(session_hash)?;
            Ok(())
        })
    }

    /// Notes a sign-in request the page refused, keeping the newest per page.
    pub fn record_refused_signin(&self, page_id: &str, email: &str, client: &str) -> AppResult<()> {
        let row = RefusedSignIn {
            id: new_id(),
            page_id: page_id.into(),
            email: email.chars().take(254).collect(),
            at: self.now(),
            client: client.into(),
        };
        self.write_quiet(|txn| {
            let mut t = txn.open_table(tables::REFUSED_SIGNINS)?;
            t.insert(row.id.as_str(), &row)?;
            let mine: Vec<String> = all::<RefusedSignIn, _>(&t)?
                .into_iter()
                .filter(|r| r.page_id == page_id)
                .map(|r| r.id)
                .collect();
            for id in mine.iter().take(mine.len().saturating_sub(REFUSED_KEPT)) {
                t.remove(id.as_str())?;
            }
            Ok(())
        })
    }

    /// Refused sign-in requests of a page, newest first.
    pub fn list_refused_signins(&self, page_id: &str) -> AppResult<Vec<RefusedSignIn>> {
        let mut out: Vec<RefusedSignIn> =
            all::<RefusedSignIn, _>(&self.read()?.open_table(tables::REFUSED_SIGNINS)?)?
                .into_iter()
                .filter(|r| r.page_id == page_id)
                .collect();
        out.reverse();
        Ok(out)
    }

    /// Creates a read token for a page; the caller shows the token once.
    pub fn create_read_token(
        &self,
        page_id: &str,
        name: &str,
        token_hash: String,
        prefix: String,
        created_by: Option<String>,
    ) -> AppResult<ReadToken> {
        let name = validate::name(name, 100).map_err(|m| AppError::invalid("name", m))?;
        let token = ReadToken {
            id: new_id(),
            page_id: page_id.into(),
            name,
            token_hash,
            prefix,
            created_at: self.now(),
            created_by,
        };
        self.write_quiet(|txn| {
            get::<Page, _>(&txn.open_table(tables::PAGES)?, page_id)?
                .ok_or_else(|| AppError::NotFound(format!("page {page_id}")))?;
            txn.open_table(tables::READ_TOKENS)?
                .insert(token.id.as_str(), &token)?;
            txn.open_table(tables::READ_TOKEN_HASHES)?
                .insert(token.token_hash.as_str(), token.id.as_str())?;
            Ok(())
        })?;
        Ok(token)
    }

    pub fn list_read_tokens(&self, page_id: &str) -> AppResult<Vec<ReadToken>> {
        Ok(
            all::<ReadToken, _>(&self.read()?.open_table(tables::READ_TOKENS)?)?
                .into_iter()
                .filter(|t| t.page_id == page_id)
                .collect(),
        )
    }

    /// Revokes (deletes) a read token of a page.
    pub fn revoke_read_token(&self, page_id: &str, id: &str) -> AppResult<ReadToken> {
        self.write_quiet(|txn| {
            let mut tokens = txn.open_table(tables::READ_TOKENS)?;
            let t: ReadToken = get(&tokens, id)?
                .filter(|t: &ReadToken| t.page_id == page_id)
                .ok_or_else(|| AppError::NotFound(format!("read token {id}")))?;
            tokens.remove(id)?;
            txn.open_table(tables::READ_TOKEN_HASHES)?
                .remove(t.token_hash.as_str())?;
            Ok(t)
        })
    }

    /// The page id a live read token opens.
    pub fn read_token_page(&self, token_hash: &str) -> AppResult<Option<String>> {
        let txn = self.read()?;
        let Some(id) = txn
            .open_table(tables::READ_TOKEN_HASHES)?
            .get(token_hash)?
            .map(|v| v.value().to_string())
        else {
            return Ok(None);
        };
        Ok(get::<ReadToken, _>(&txn.open_table(tables::READ_TOKENS)?, &id)?.map(|t| t.page_id))
    }
}

/// Removes everything that opens a page (sessions, links, read tokens): run when the page
/// is deleted, in the same transaction.
pub(super) fn drop_page_access(txn: &WriteTransaction, page_id: &str) -> AppResult<()> {
    let mut sessions = txn.open_table(tables::CUSTOMER_SESSIONS)?;
    let doomed: Vec<String> = sessions
        .iter()?
        .filter_map(|r| r.ok())
        .filter(|(_, v)| v.value().page_id == page_id)
        .map(|(k, _)| k.value().to_string())
        .collect();
    for k in doomed {
        sessions.remove(k.as_str())?;
    }
    let mut links = txn.open_table(tables::SIGNIN_LINKS)?;
    let doomed: Vec<String> = links
        .iter()?
        .filter_map(|r| r.ok())
        .filter(|(_, v)| v.value().page_id == page_id)
        .map(|(k, _)| k.value().to_string())
        .collect();
    for k in doomed {
        links.remove(k.as_str())?;
    }
    let mut tokens = txn.open_table(tables::READ_TOKENS)?;
    let mut hashes = txn.open_table(tables::READ_TOKEN_HASHES)?;
    let doomed: Vec<ReadToken> = all::<ReadToken, _>(&tokens)?
        .into_iter()
        .filter(|t| t.page_id == page_id)
        .collect();
    for t in doomed {
        tokens.remove(t.id.as_str())?;
        hashes.remove(t.token_hash.as_str())?;
    }
    Ok(())
}

/// Writes a session of `email` on `page_id` when the page still admits the address.
fn open_session(
    txn: &WriteTransaction,
    page_id: &str,
    email: &str,
    session_hash: &str,
    session_days: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Result<CustomerSession, LinkRefusal>> {
    let page: Option<Page> = get(&txn.open_table(tables::PAGES)?, page_id)?;
    let admitted = page.is_some_and(|p| {
        p.audience == Audience::Customer && access::email_allowed(&p.allowed_domains, email)
    });
    if !admitted {
        return Ok(Err(LinkRefusal::NoAccess));
    }
    let session = CustomerSession {
        id: new_id(),
        page_id: page_id.into(),
        email: email.into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now
            .checked_add_signed(Duration::days(i64::from(session_days)))
            .unwrap_or(now),
    };
    let mut sessions = txn.open_table(tables::CUSTOMER_SESSIONS)?;
    sweep_expired(&mut sessions, now)?;
    sessions.insert(session_hash, &session)?;
    Ok(Ok(session))
}
