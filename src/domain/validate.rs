//! Input rules shared by forms, the API and the CLI. Each returns the cleaned value
//! or a message; callers attach the field name.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The years a client may name: RFC 3339's four digits, from the Unix epoch on, so that
/// adding any duration statusd allows stays inside what chrono holds.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// An instant sent by a client (start, end, `since`, `from`, `to`).
pub fn moment(t: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if YEARS.contains(&t.year()) {
        Ok(t)
    } else {
        Err(format!("{t} is outside the years 1970 to 9999"))
    }
}

/// A calendar day sent by a client (report ranges).
pub fn day(d: NaiveDate) -> Result<NaiveDate, String> {
    if YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("{d} is outside the years 1970 to 9999"))
    }
}

/// A display name: trimmed, 1..=max characters, no control characters.
pub fn name(value: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("must not be empty".into());
    }
    if v.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if v.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(v.to_string())
}

/// Free text such as a description: may be empty, bounded length.
pub fn text(value: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(v.to_string())
}

/// A URL slug: 1..=64 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn slug(value: &str) -> Result<String, String> {
    let v = value.trim();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if v.is_empty() || v.len() > 64 || !ok_chars || v.starts_with('-') || v.ends_with('-') {
        return Err(format!(
            "{v:?} is not a valid slug: use 1-64 lowercase letters, digits and dashes"
        ));
    }
    Ok(v.to_string())
}

/// A slug derived from a name ("Checkout API" → "checkout-api"), for objects made without one.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(64).collect();
    match out.trim_end_matches('-') {
        "" => "item".to_string(),
        s => s.to_string(),
    }
}

/// An IANA time zone name such as `Europe/Berlin`.
pub fn time_zone(value: &str) -> Result<String, String> {
    let v = value.trim();
    v.parse::<chrono_tz::Tz>()
        .map(|_| v.to_string())
        .map_err(|_| {
            format!("unknown time zone {v:?}; use an IANA name such as Europe/Berlin or UTC")
        })
}

/// Characters of an RFC 5322 `atext` besides letters and digits.
const ATEXT_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";

/// An email address by the RFC 5322 `addr-spec` grammar, restricted to what mail
/// headers carry safely: a dot-atom local part (no quoted strings, comments or
/// angle brackets) and a DNS host name with a dot; lowercased.
pub fn email(value: &str) -> Result<String, String> {
    let v = value.trim().to_lowercase();
    let bad = |why: &str| Err(format!("{v:?} is not an email address: {why}"));
    if v.len() > 254 {
        return bad("longer than 254 characters");
    }
    let Some((local, domain)) = v.rsplit_once('@') else {
        return bad("it has no @");
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || ATEXT_SPECIALS.contains(c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext));
    if !local_ok {
        return bad(
            "the part before @ may hold letters, digits, dots (not leading, trailing or doubled) and ! # $ % & ' * + - / = ? ^ _ ` { | } ~",
        );
    }
    if hostname(domain).is_err() || !domain.contains('.') {
        return bad("the part after @ must be a domain such as example.com");
    }
    Ok(v)
}

/// Common passwords of 10 or more characters, lowercased (shorter ones fail the length
/// rule anyway): Django's list (BSD-3-Clause, (c) Django Software Foundation).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// What the password forms say about the rule.
pub const PASSWORD_RULE: &str = "10+ characters, not a common password and not your email address";

/// A password for the account with this email: 10..=1024 characters, not in the list of
/// common passwords, and not the email address itself.
pub fn password(value: &str, email: &str) -> Result<(), String> {
    let n = value.chars().count();
    if n < 10 {
        return Err("must be at least 10 characters".into());
    }
    if n > 1024 {
        return Err("must be at most 1024 characters".into());
    }
    let lower = value.trim().to_lowercase();
    if COMMON_PASSWORDS.lines().any(|l| l == lower) {
        return Err("is one of the most common passwords; choose a less guessable one (several unrelated words work well)".into());
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if !email.is_empty() && (lower == email || lower == local) {
        return Err("must not be your email address".into());
    }
    Ok(())
}

/// A DNS host name (custom page host, allowlisted email domain); lowercased.
pub fn hostname(value: &str) -> Result<String, String> {
    let v = value.trim().trim_end_matches('.').to_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if v.is_empty() || v.len() > 253 || !v.split('.').all(label_ok) {
        return Err(format!("{v:?} is not a valid host name"));
    }
    Ok(v)
}

/// Where sign-in may send a browser back to: an admin path on this site, never another
/// host (`//evil`, `/\\evil`, `https://…`), never the sign-in form itself.
pub fn local_admin_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix("/admin")?;
    let clean = clean_path(next)
        && (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        && !rest.starts_with("/login")
        && !rest.starts_with("/logout");
    clean.then_some(next)
}

/// A path on this site sign-in may return to: an admin page or a status page's document
/// (an internal page sends its visitors to the team sign-in), never another host.
pub fn local_path(next: &str) -> Option<&str> {
    let page = next == "/"
        || ["/p/", "/incidents/", "/history", "/uptime", "/subscribe"]
            .iter()
            .any(|p| next.starts_with(p));
    local_admin_path(next).or_else(|| (page && clean_path(next)).then_some(next))
}

/// Short, one line, and no way to name another host (`//evil`, `/\\evil`).
fn clean_path(next: &str) -> bool {
    next.starts_with('/')
        && next.len() <= 2000
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_table() {
        let cases = [
            ("API", Ok("API")),
            ("  spaced  ", Ok("spaced")),
            ("", Err("must not be empty")),
            ("   ", Err("must not be empty")),
            ("a\u{7}b", Err("must not contain control characters")),
        ];
        for (input, want) in cases {
            assert_eq!(
                name(input, 10).as_deref(),
                want.map_err(|e| e.to_string()).as_deref(),
                "{input:?}"
            );
        }
        assert!(
            name(&"x".repeat(11), 10)
                .unwrap_err()
                .contains("at most 10")
        );
    }

    #[test]
    fn slugify_table() {
        for (name, want) in [
            ("Checkout API", "checkout-api"),
            ("  Web / CDN  ", "web-cdn"),
            ("Zürich DC", "z-rich-dc"),
            ("--", "item"),
            ("API v2.3", "api-v2-3"),
        ] {
            assert_eq!(slugify(name), want, "{name}");
            assert!(slug(&slugify(name)).is_ok(), "{name}");
        }
    }

    #[test]
    fn slug_table() {
        for ok in ["default", "api-2", "a"] {
            assert_eq!(slug(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "Upper",
            "-lead",
            "trail-",
            "sp ace",
            "ü",
            &"a".repeat(65),
        ] {
            assert!(slug(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn email_table() {
        assert_eq!(email(" Ops@Example.COM ").unwrap(), "ops@example.com");
        for bad in [
            "",
            "no-at",
            "a@b",
            "a@@b.c",
            "a b@c.d",
            "@c.d",
            "a@-x.com",
            "<script>@example.org",
            "\"quoted\"@example.org",
            "a\"b@example.org",
            "a..b@example.org",
            ".a@example.org",
            "a.@example.org",
            "a(b)@example.org",
            "a,b@example.org",
            "a;b@example.org",
            "ü@example.org",
            "a@example.org>, b@example.net",
        ] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
        for good in [
            "ops+status@example.org",
            "-2+3+cmd|'/ccalc'!a0@example.org",
            "first.last@mail.example.org",
            "o'brien@example.org",
            "x{y}~z@example.org",
        ] {
            assert_eq!(email(good).as_deref(), Ok(good));
        }
    }

    #[test]
    fn time_zone_table() {
        assert!(time_zone("Europe/Berlin").is_ok());
        assert!(time_zone("UTC").is_ok());
        assert!(
            time_zone("Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
    }

    #[test]
    fn password_and_host_table() {
        assert!(password("short", "").is_err());
        assert!(password("violet staple orbit", "a@example.com").is_ok());
        for common in ["aaaaaaaaaa", "Password123", "qwertyuiop", "1234567890"] {
            assert!(
                password(common, "a@example.com")
                    .unwrap_err()
                    .contains("common"),
                "{common:?} accepted"
            );
        }
        for own in [
            "longaddress@example.com",
            "LongAddress@Example.com",
            "longaddress",
        ] {
            assert!(
                password(own, "longaddress@example.com")
                    .unwrap_err()
                    .contains("email"),
                "{own:?} accepted"
            );
        }
        assert_eq!(
            hostname("Status.Example.com.").unwrap(),
            "status.example.com"
        );
        assert!(hostname("bad_host").is_err());
    }

    #[test]
    fn sign_in_returns_only_to_admin_paths_here() {
        for (next, ok) in [
            ("/admin", true),
            ("/admin/incidents/01H?tab=1", true),
            ("/admin/monitors", true),
            ("", false),
            ("/", false),
            ("/adminx", false),
            ("/admin.evil.com", false),
            ("//evil.com/admin", false),
            ("/admin//evil.com", false),
            ("/admin/\\evil.com", false),
            ("https://evil.com/admin", false),
            ("javascript:alert(1)", false),
            ("/admin/login", false),
            ("/admin/logout", false),
            ("/admin/x\nSet-Cookie:a", false),
            ("/admin/a b", false),
        ] {
            assert_eq!(local_admin_path(next).is_some(), ok, "{next:?}");
        }
    }

    #[test]
    fn sign_in_returns_to_local_pages_only() {
        for (next, ok) in [
            ("/p/team", true),
            ("/p/team/history?month=2026-11", true),
            ("/", true),
            ("/incidents/01H", true),
            ("/admin/monitors", true),
            ("", false),
            ("p/team", false),
            ("//evil.com/p/team", false),
            ("/p/team//evil.com", false),
            ("/\\evil.com", false),
            ("https://evil.com/p/team", false),
            ("/admin/login?next=/p/team", false),
            ("/admin/logout", false),
            ("/api/v1/pages", false),
            ("/adminx", false),
            ("/nowhere", false),
            ("/p/team\r\nSet-Cookie:a", false),
        ] {
            assert_eq!(local_path(next).is_some(), ok, "{next:?}");
        }
    }
}
