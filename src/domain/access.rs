//! Who may open a page: the one access rule that every channel of a page asks (HTML,
//! incidents, history, uptime, feeds, v2 JSON, badge, widget), and the customer
//! allowlist rules (which addresses an allowlist admits, which entries it accepts).

use super::{Audience, Page};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A customer's session on one page, started by pressing Continue on a mailed link.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CustomerSession {
    pub id: String,
    pub page_id: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A mailed sign-in link (stored by the hash of its token), single use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SignInLink {
    pub page_id: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A per-page read token for machines (feed readers, scripts); only its hash is kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReadToken {
    pub id: String,
    pub page_id: String,
    pub name: String,
    pub token_hash: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub created_by: Option<String>,
}

/// A refused customer sign-in request (shown to the team, never to the visitor).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RefusedSignIn {
    pub id: String,
    pub page_id: String,
    pub email: String,
    pub at: DateTime<Utc>,
    pub client: String,
}

/// Who is asking for a page, as far as the request proves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visitor<'a> {
    /// Nobody proven.
    Anonymous,
    /// A team member (session of any role, or an API key).
    Team,
    /// A customer session: started on page `page_id` by the email-link sign-in of `email`.
    Customer { page_id: &'a str, email: &'a str },
    /// A live read token of page `page_id`.
    ReadToken { page_id: &'a str },
}

/// What a request for a page gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Granted,
    /// Refused; the visitor may sign in with the team's sign-in form.
    TeamSignIn,
    /// Refused; the visitor may ask for a customer sign-in link of this page.
    CustomerSignIn,
}

/// The access rule. Public pages are open to all; internal pages to the team; customer
/// pages to the team, to a read token of that page, and to a customer session of that page
/// whose address the page's allowlist admits *now* (a removed domain ends access at once).
pub fn page_access(page: &Page, visitor: Visitor) -> Access {
    match (page.audience, visitor) {
        (Audience::Public, _) | (_, Visitor::Team) => Access::Granted,
        (Audience::Internal, _) => Access::TeamSignIn,
        (Audience::Customer, Visitor::ReadToken { page_id }) if page_id == page.id => {
            Access::Granted
        }
        (Audience::Customer, Visitor::Customer { page_id, email })
            if page_id == page.id && email_allowed(&page.allowed_domains, email) =>
        {
            Access::Granted
        }
        (Audience::Customer, _) => Access::CustomerSignIn,
    }
}

/// Whether an allowlist admits an address: `acme.com` admits `@acme.com` only,
/// `*.acme.com` admits addresses at any subdomain of acme.com (not acme.com itself).
pub fn email_allowed(allowlist: &[String], email: &str) -> bool {
    let Some((_, domain)) = email.trim().rsplit_once('@') else {
        return false;
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    allowlist
        .iter()
        .any(|entry| match entry.strip_prefix("*.") {
            Some(parent) => domain
                .strip_suffix(parent)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => domain == *entry,
        })
}

/// Whether a page may mail this address: a customer page only mails addresses its
/// allowlist admits, asked when signing up and again when notices are written, so
/// removing a domain stops its subscribers' mail. Other pages and URL subscribers pass.
pub fn page_may_mail(page: &Page, email: Option<&str>) -> bool {
    match email {
        Some(e) if page.audience == Audience::Customer => email_allowed(&page.allowed_domains, e),
        _ => true,
    }
}

/// Mail providers anyone can get an address at: an allowlist entry for one of them would
/// open the page to the world. `*` ends a name whose country endings vary (gmx.*).
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.*",
    "hotmail.com",
    "hotmail.*",
    "live.com",
    "live.*",
    "msn.com",
    "yahoo.com",
    "yahoo.*",
    "ymail.com",
    "rocketmail.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "protonmail.ch",
    "pm.me",
    "tutanota.com",
    "tutanota.de",
    "tuta.io",
    "gmx.*",
    "web.de",
    "mail.com",
    "mail.ru",
    "inbox.ru",
    "bk.ru",
    "list.ru",
    "yandex.*",
    "ya.ru",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "laposte.net",
    "orange.fr",
    "free.fr",
    "libero.it",
    "naver.com",
    "rediffmail.com",
];

/// Whether `domain` (lowercase) is a public mail provider by the shipped list or `extra`
/// (config `public_mail_domains`, same syntax).
pub fn is_public_mail_domain(domain: &str, extra: &[String]) -> bool {
    let hit = |pattern: &str| match pattern.strip_suffix(".*") {
        Some(stem) => domain
            .strip_prefix(stem)
            .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1),
        None => domain == pattern,
    };
    PUBLIC_MAIL_DOMAINS.iter().any(|p| hit(p)) || extra.iter().any(|p| hit(p))
}

/// Checks one allowlist entry (`acme.com`, `@acme.com` or `*.acme.com`) and returns it
/// lowercased, or says why it is refused.
pub fn allowlist_entry(entry: &str, extra_public: &[String]) -> Result<String, String> {
    let e = entry.trim().trim_start_matches('@').to_ascii_lowercase();
    let (wild, domain) = match e.strip_prefix("*.") {
        Some(d) => (true, d),
        None => (false, e.as_str()),
    };
    let host = super::validate::hostname(domain).map_err(|_| {
        format!("{entry:?} is not a domain; write it as acme.com, or *.acme.com for its subdomains")
    })?;
    if !host.contains('.') {
        return Err(format!(
            "{entry:?} is a top-level name, not a domain; write it as acme.com"
        ));
    }
    if is_public_mail_domain(&host, extra_public) {
        return Err(format!(
            "{host} is a public mail provider: anyone can get an address there, so the page would be open to everyone"
        ));
    }
    Ok(if wild { format!("*.{host}") } else { host })
}

#[cfg(test)]
mod tests {
    #[test]
    fn customer_pages_mail_only_allowlisted_addresses() {
        let acme = page(Audience::Customer, &["acme.com"]);
        let public = page(Audience::Public, &[]);
        let cases = [
            (&acme, Some("ann@acme.com"), true),
            (&acme, Some("ann@evil.com"), false),
            (&acme, None, true),
            (&page(Audience::Customer, &[]), Some("ann@acme.com"), false),
            (&public, Some("ann@evil.com"), true),
        ];
        for (p, email, want) in cases {
            assert_eq!(page_may_mail(p, email), want, "{email:?}");
        }
    }

    use super::*;
    use chrono::Utc;

    fn page(audience: Audience, domains: &[&str]) -> Page {
        Page {
            id: "acme".into(),
            slug: "acme".into(),
            title: "Acme".into(),
            audience,
            time_zone: "UTC".into(),
            custom_host: None,
            allowed_domains: domains.iter().map(|d| d.to_string()).collect(),
            theme: String::new(),
            accent_color: None,
            logo: None,
            managed_by_config: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn who_may_open_which_page() {
        use Access::*;
        use Audience::*;
        let ann = Visitor::Customer {
            page_id: "acme",
            email: "ann@acme.com",
        };
        let ann_elsewhere = Visitor::Customer {
            page_id: "globex",
            email: "ann@acme.com",
        };
        let eve = Visitor::Customer {
            page_id: "acme",
            email: "eve@evil.com",
        };
        let token = Visitor::ReadToken { page_id: "acme" };
        let other_token = Visitor::ReadToken { page_id: "globex" };
        let cases = [
            (Public, Visitor::Anonymous, Granted),
            (Public, ann_elsewhere, Granted),
            (Internal, Visitor::Anonymous, TeamSignIn),
            (Internal, Visitor::Team, Granted),
            (Internal, ann, TeamSignIn),
            (Internal, token, TeamSignIn),
            (Customer, Visitor::Anonymous, CustomerSignIn),
            (Customer, Visitor::Team, Granted),
            (Customer, ann, Granted),
            (Customer, ann_elsewhere, CustomerSignIn),
            (Customer, eve, CustomerSignIn),
            (Customer, token, Granted),
            (Customer, other_token, CustomerSignIn),
        ];
        for (audience, visitor, want) in cases {
            assert_eq!(
                page_access(&page(audience, &["acme.com"]), visitor),
                want,
                "{audience:?} page, {visitor:?}"
            );
        }
        // The allowlist is read at each request: a removed domain refuses the same session.
        assert_eq!(page_access(&page(Customer, &[]), ann), CustomerSignIn);
    }

    #[test]
    fn allowlists_admit_exact_domains_and_starred_subdomains() {
        let cases = [
            (&["acme.com"][..], "ann@acme.com", true),
            (&["acme.com"][..], "ANN@Acme.COM", true),
            (&["acme.com"][..], "ann@eu.acme.com", false),
            (&["acme.com"][..], "ann@notacme.com", false),
            (&["acme.com"][..], "ann@acme.com.evil.net", false),
            (&["*.acme.com"][..], "ann@eu.acme.com", true),
            (&["*.acme.com"][..], "ann@a.b.acme.com", true),
            (&["*.acme.com"][..], "ann@acme.com", false),
            (&["*.acme.com"][..], "ann@evilacme.com", false),
            (&["acme.com", "*.acme.com"][..], "ann@acme.com", true),
            (&[][..], "ann@acme.com", false),
            (&["acme.com"][..], "not-an-address", false),
        ];
        for (list, email, want) in cases {
            let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            assert_eq!(email_allowed(&list, email), want, "{list:?} {email}");
        }
    }

    #[test]
    fn allowlist_entries_refuse_public_and_malformed_domains() {
        let extra = vec!["corpmail.example".to_string()];
        let cases = [
            ("acme.com", Ok("acme.com")),
            ("  @Acme.COM ", Ok("acme.com")),
            ("*.acme.com", Ok("*.acme.com")),
            ("gmail.com", Err("public mail provider")),
            ("GMX.de", Err("public mail provider")),
            ("gmx.net", Err("public mail provider")),
            ("yandex.ru", Err("public mail provider")),
            ("163.com", Err("public mail provider")),
            ("*.gmail.com", Err("public mail provider")),
            ("corpmail.example", Err("public mail provider")),
            ("gmxhosting.com", Ok("gmxhosting.com")),
            ("com", Err("top-level")),
            ("acme..com", Err("not a domain")),
            ("acme com", Err("not a domain")),
            ("*acme.com", Err("not a domain")),
            ("", Err("not a domain")),
        ];
        for (input, want) in cases {
            let got = allowlist_entry(input, &extra);
            match (want, &got) {
                (Ok(w), Ok(g)) => assert_eq!(g, w, "{input:?}"),
                (Err(w), Err(g)) => assert!(g.contains(w), "{input:?}: {g}"),
                _ => panic!("{input:?}: got {got:?}, want {want:?}"),
            }
        }
    }
}
