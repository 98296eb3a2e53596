//! Dependencies run one way: domain ← store ← probe/notify/alerts ← worker ← web. A file under
//! a lower folder that names a higher module (or actix) fails this test with its line.

use std::path::{Path, PathBuf};

/// Modules every layer may use: errors, configuration, secrets and embedded assets.
const LEAVES: &[&str] = &["error", "config", "secret", "assets"];

/// Each checked folder and the top-level modules its files may name besides the leaves.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &["domain"]),
    ("views", &["views", "domain"]),
    ("store", &["store", "domain"]),
    ("probe", &["probe", "store", "domain"]),
    ("notify", &["notify", "store", "domain", "views"]),
    ("alerts", &["alerts", "store", "domain"]),
    (
        "worker",
        &[
            "worker", "probe", "notify", "alerts", "store", "domain", "views",
        ],
    ),
];

/// Leaves themselves may only name the bottom layer and each other.
const LEAF_MAY_USE: &[&str] = &["domain", "error"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line without its `//` comment (doc comments may mention any layer).
fn code(line: &str) -> &str {
    match line.trim_start().starts_with("//") {
        true => "",
        false => line,
    }
}

/// Top-level modules a line names through `crate::x` or `crate::{x, y::z}`.
fn crate_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                item.push(ch);
            }
            out.push(item);
        } else {
            out.push(rest.to_string());
        }
    }
    out.iter()
        .map(|s| {
            s.trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|s| !s.is_empty() && s != "self")
        .collect()
}

/// Whether a line names the web framework.
fn names_actix(line: &str) -> bool {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .any(|word| word == "actix" || word.starts_with("actix_") || word.starts_with("actix::"))
}

/// Every line of `files` that names a module outside `allowed`, or actix.
fn violations(files: &[PathBuf], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let line = code(line);
            let bad: Vec<String> = crate_modules(line)
                .into_iter()
                .filter(|m| !allowed.contains(&m.as_str()))
                .collect();
            if !bad.is_empty() || names_actix(line) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn lower_layers_do_not_name_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (folder, may_use) in LAYERS {
        let mut files = Vec::new();
        rust_files(&src.join(folder), &mut files);
        assert!(!files.is_empty(), "src/{folder} has no files");
        let allowed: Vec<&str> = may_use.iter().chain(LEAVES).copied().collect();
        found.extend(violations(&files, &allowed));
    }
    let leaves: Vec<PathBuf> = LEAVES.iter().map(|l| src.join(format!("{l}.rs"))).collect();
    let allowed: Vec<&str> = LEAF_MAY_USE.iter().chain(LEAVES).copied().collect();
    found.extend(violations(&leaves, &allowed));
    assert!(
        found.is_empty(),
        "these lines reach up a layer (domain ← store ← probe/notify ← worker ← web):\n{}",
        found.join("\n")
    );
}

#[test]
fn only_web_names_actix() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let web = src.join("web");
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&web))
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines()
                .enumerate()
                .filter(|(_, l)| names_actix(code(l)))
                .map(|(n, l)| format!("{}:{}: {}", f.display(), n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        outside.is_empty(),
        "actix outside src/web:\n{}",
        outside.join("\n")
    );
}

#[test]
fn the_checker_sees_every_form_of_import() {
    let cases: [(&str, &[&str]); 6] = [
        ("use crate::web::auth::Actor;", &["web"]),
        (
            "use crate::{domain::Page, store::{Store, tables}};",
            &["domain", "store"],
        ),
        ("    let x = crate::worker::prober::handle();", &["worker"]),
        ("use crate::{self as c};", &[]),
        ("use super::Store;", &[]),
        ("// crate::web in a comment is prose", &[]),
    ];
    for (line, want) in cases {
        assert_eq!(crate_modules(code(line)), want.to_vec(), "{line}");
    }
    assert!(names_actix("use actix_web::HttpResponse;"));
    assert!(names_actix("impl actix_web::ResponseError for X {}"));
    assert!(!names_actix("fn reactix() {}"));
}
