//! Secrets: argon2id password hashes, random tokens, token hashes and sessions.
//! Plain helpers with no web framework, usable from every layer.

use crate::domain::Session;
use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 14;

/// Hashes a password with argon2id (the crate's default parameters: 19 MiB, t=2).
pub fn hash_password(password: &str) -> AppResult<String> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a stored argon2 hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256, used to store tokens without storing the tokens.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A new API token (`sd_...`), its hash and a short display prefix.
pub fn new_api_token() -> (String, String, String) {
    let token = format!("sd_{}", random_token());
    let hash = sha256_hex(&token);
    let prefix = token.chars().take(8).collect();
    (token, hash, prefix)
}

/// Constant-time string comparison for tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A new session for a user: the cookie value and the record to store.
pub fn new_session(user_id: &str) -> (String, Session) {
    let now = Utc::now();
    let session = Session {
        user_id: user_id.to_string(),
        csrf: random_token(),
        created_at: now,
        expires_at: now + Duration::days(SESSION_DAYS),
        id: ulid::Ulid::new().to_string(),
        last_seen_at: Some(now),
        client: String::new(),
        user_agent: String::new(),
    };
    (random_token(), session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_is_argon2id_and_verifies() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (t1, h1, p1) = new_api_token();
        let (t2, _, _) = new_api_token();
        assert_ne!(t1, t2);
        assert_eq!(h1, sha256_hex(&t1));
        assert!(t1.starts_with(&p1) && t1.len() > 40);
    }
}
