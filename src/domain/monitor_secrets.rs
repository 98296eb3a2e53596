//! Monitor credentials are write-only: the API and the admin show a mask in place of a
//! saved basic-auth password, bearer token or header value, and an update that leaves a
//! secret out or sends the mask back keeps the saved one.

use serde_json::{Map, Value};

/// What is shown in place of a saved secret.
pub const SECRET_MASK: &str = "********";

/// The check settings as anyone may see them: every secret replaced by the mask.
pub fn masked_check(check: &Value) -> Value {
    let mut v = check.clone();
    let Some(o) = v.as_object_mut() else {
        return v;
    };
    mask(o.get_mut("bearer_token"));
    if let Some(b) = o.get_mut("basic_auth").and_then(Value::as_object_mut) {
        mask(b.get_mut("password"));
    }
    if let Some(h) = o.get_mut("headers").and_then(Value::as_object_mut) {
        h.values_mut().for_each(|v| mask(Some(v)));
    }
    v
}

fn mask(v: Option<&mut Value>) {
    if let Some(v) = v
        && v.as_str().is_some_and(|s| !s.is_empty())
    {
        *v = Value::String(SECRET_MASK.into());
    }
}

/// Puts the saved secrets of `old` into new check settings where they are left out or
/// masked; an explicit `null` or `""` removes a secret.
pub fn keep_secrets(new: &mut Value, old: &Value) {
    let (Some(n), Some(o)) = (new.as_object_mut(), old.as_object()) else {
        return;
    };
    keep(n, o, "bearer_token");
    match (n.get_mut("basic_auth"), o.get("basic_auth")) {
        (Some(Value::Object(nb)), Some(Value::Object(ob))) => keep(nb, ob, "password"),
        (None, Some(ob)) => {
            n.insert("basic_auth".into(), ob.clone());
        }
        _ => {}
    }
    match (n.get_mut("headers"), o.get("headers")) {
        (Some(Value::Object(nh)), Some(Value::Object(oh))) => {
            for (name, v) in nh.iter_mut() {
                if *v == SECRET_MASK
                    && let Some(saved) = oh.get(name)
                {
                    *v = saved.clone();
                }
            }
        }
        (None, Some(oh)) => {
            n.insert("headers".into(), oh.clone());
        }
        _ => {}
    }
}

fn keep(new: &mut Map<String, Value>, old: &Map<String, Value>, key: &str) {
    let keep = match new.get(key) {
        None => true,
        Some(v) => *v == SECRET_MASK,
    };
    if keep && let Some(saved) = old.get(key) {
        new.insert(key.into(), saved.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn saved() -> Value {
        json!({"method": "GET", "bearer_token": "tok", "basic_auth": {"username": "u", "password": "pw"},
               "headers": {"X-Key": "k", "Accept": "text/plain"}})
    }

    #[test]
    fn masks_every_secret_and_nothing_else() {
        let m = masked_check(&saved());
        assert_eq!(
            m,
            json!({"method": "GET", "bearer_token": SECRET_MASK,
                   "basic_auth": {"username": "u", "password": SECRET_MASK},
                   "headers": {"X-Key": SECRET_MASK, "Accept": SECRET_MASK}})
        );
        assert_eq!(masked_check(&Value::Null), Value::Null);
        assert_eq!(
            masked_check(&json!({"bearer_token": ""}))["bearer_token"],
            ""
        );
    }

    #[test]
    fn updates_keep_saved_secrets_table() {
        let cases = [
            // Sending back what was shown keeps everything.
            (masked_check(&saved()), saved()),
            // Leaving the secrets out keeps them.
            (json!({"method": "HEAD"}), {
                let mut v = saved();
                v["method"] = json!("HEAD");
                v
            }),
            // A new value replaces; null removes; a new username keeps the password.
            (
                json!({"bearer_token": "new", "basic_auth": {"username": "u2"}, "headers": {"X-Key": SECRET_MASK, "X-New": "n"}}),
                json!({"bearer_token": "new", "basic_auth": {"username": "u2", "password": "pw"}, "headers": {"X-Key": "k", "X-New": "n"}}),
            ),
            (
                json!({"bearer_token": null, "basic_auth": null, "headers": {}}),
                json!({"bearer_token": null, "basic_auth": null, "headers": {}}),
            ),
        ];
        for (mut new, want) in cases {
            let sent = new.clone();
            keep_secrets(&mut new, &saved());
            assert_eq!(new, want, "update {sent}");
        }
    }
}
