//! A page's logo and accent colour: upload through the API and the admin form, the
//! hashed URL with its cache header, removal, and refused images and colours.

mod common;

use base64::Engine as _;
use common::*;
use reqwest::blocking::Client;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A valid 1×1 PNG.
const PNG_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(PNG_B64)
        .unwrap()
}

fn put_logo(
    server: &Server,
    token: &str,
    ct: &str,
    body: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    json(
        server
            .api(Method::PUT, "/api/v1/pages/default/logo", token)
            .header("content-type", ct)
            .body(body)
            .send()
            .unwrap(),
    )
}

fn home(server: &Server) -> String {
    text(server.get("/")).1
}

#[test]
fn a_logo_set_through_the_api_is_served_at_its_hash_and_removed() {
    let (_dir, data) = temp_data();
    let token = offline_key(&data, "editor");
    let server = Server::start(&data);

    let (status, page) = put_logo(&server, &token, "image/png", png());
    assert_eq!(status, StatusCode::OK, "{page}");
    let name = page["logo"].as_str().expect("logo name").to_string();
    let hash = hex::encode(&Sha256::digest(png())[..8]);
    assert_eq!(name, format!("{hash}.png"));

    let resp = server.get(&format!("/logo/{name}"));
    assert_eq!(resp.status(), StatusCode::OK);
    let header = |r: &reqwest::blocking::Response, h: &str| {
        r.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header(&resp, "content-type"), "image/png");
    assert_eq!(
        header(&resp, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(resp.bytes().unwrap().to_vec(), png());
    let html = home(&server);
    assert!(
        html.contains(&format!(
            r#"<img class="logo" src="/logo/{name}" alt="Status">"#
        )),
        "{html}"
    );

    // Refused: too large, SVG, an unknown format under an image type, a non-image type.
    let mut big = png();
    big.resize(256 * 1024 + 1, 0);
    let (status, err) = put_logo(&server, &token, "image/png", big);
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let (status, err) = put_logo(&server, &token, "image/svg+xml", svg.to_vec());
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SVG logos are refused"),
        "{err}"
    );
    let (status, err) = put_logo(&server, &token, "image/png", b"GIF89a\x01\0\x01\0".to_vec());
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("PNG, JPEG or WebP"),
        "{err}"
    );
    let (status, err) = put_logo(&server, &token, "text/plain", png());
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{err}");
    let (_, page) = server.api_get("/api/v1/pages/default", &token);
    assert_eq!(
        page["logo"],
        json!(name),
        "refusals leave the logo as it was"
    );

    let (status, page) = json(
        server
            .api(Method::DELETE, "/api/v1/pages/default/logo", &token)
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["logo"], json!(null));
    assert_eq!(
        server.get(&format!("/logo/{name}")).status(),
        StatusCode::NOT_FOUND
    );
    assert!(!home(&server).contains("class=\"logo\""));
    assert_eq!(
        server.get("/logo/nothing.svg").status(),
        StatusCode::NOT_FOUND
    );
}

/// A multipart form as a browser sends it: the CSRF field, then the file.
fn upload(
    server: &Server,
    owner: &Client,
    page_id: &str,
    filename: &str,
    bytes: &[u8],
) -> reqwest::blocking::Response {
    let csrf = server.session_csrf(owner);
    let b = "statusd-test-boundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    owner
        .post(server.url(&format!("/admin/pages/{page_id}/logo")))
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(body)
        .send()
        .unwrap()
}

#[test]
fn the_admin_uploads_a_logo_refuses_bad_ones_and_removes_it_after_confirming() {
    let (_dir, data) = temp_data();
    let token = offline_key(&data, "viewer");
    let server = Server::start(&data);
    let owner = server.setup_owner("owner@example.com", "owner password 1");
    let (_, page) = server.api_get("/api/v1/pages/default", &token);
    let id = page["id"].as_str().unwrap().to_string();
    let edit = format!("/admin/pages/{id}");

    // The file's name says SVG; its bytes are a PNG, and the bytes decide.
    let resp = upload(&server, &owner, &id, "logo.svg", &png());
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        resp.text().unwrap_or_default()
    );
    assert_eq!(location(&resp), edit);
    let (_, html) = text(owner.get(server.url(&edit)).send().unwrap());
    assert!(html.contains("Logo saved."), "{html}");
    assert!(
        html.contains(r#"<p class="logo-preview"><img src="/logo/"#),
        "{html}"
    );
    assert!(html.contains("Remove logo…"), "{html}");

    let mut big = png();
    big.resize(300 * 1024, 0);
    let resp = upload(&server, &owner, &id, "big.png", &big);
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = resp.text().unwrap();
    assert!(
        html.contains(r#"id="err-logo""#) && html.contains("larger than 256 KB"),
        "{html}"
    );
    let resp = upload(
        &server,
        &owner,
        &id,
        "logo.svg",
        b"<?xml version=\"1.0\"?><svg/>",
    );
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.text()
            .unwrap()
            .contains("SVG logos are refused because they can carry scripts")
    );

    // Without the form's CSRF token nothing changes.
    let b = "x";
    let resp = owner
        .post(server.url(&format!("/admin/pages/{id}/logo")))
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(format!("--{b}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"a.png\"\r\n\r\nx\r\n--{b}--\r\n"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let (status, confirm) = text(
        owner
            .get(server.url(&format!("{edit}/logo/remove")))
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::OK);
    assert!(
        confirm.contains("Remove the logo of “Status”?"),
        "{confirm}"
    );
    let resp = server.post_form(&owner, &format!("{edit}/logo/remove"), &[]);
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, html) = text(owner.get(server.url(&edit)).send().unwrap());
    assert!(
        html.contains("Logo removed.") && html.contains("No logo"),
        "{html}"
    );
    let (_, page) = server.api_get("/api/v1/pages/default", &token);
    assert_eq!(page["logo"], json!(null));
}

#[test]
fn an_accent_colour_themes_the_page_and_a_low_contrast_one_is_refused_in_words() {
    let (_dir, data) = temp_data();
    let token = offline_key(&data, "editor");
    let server = Server::start(&data);
    let patch = |v: &str| {
        server.api_send(
            Method::PATCH,
            "/api/v1/pages/default",
            &token,
            &json!({"accent_color": v}),
        )
    };
    let (status, err) = patch("#ffcc00");
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("too light") && msg.contains("at least 4.5:1"),
        "{msg}"
    );

    let (status, page) = patch("#7A1FA2");
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["accent_color"], json!("#7a1fa2"));
    let resp = server.get("/");
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let html = resp.text().unwrap();
    let start = html.find("<style>").expect("an accent style") + "<style>".len();
    let css = &html[start..start + html[start..].find("</style>").unwrap()];
    assert!(css.contains("--accent:#7a1fa2"), "{css}");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    assert!(
        csp.contains(&format!("style-src 'self' 'sha256-{hash}'")),
        "the CSP allows exactly this style: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert!(!html.contains(" style=\""), "no inline style attributes");

    // The admin form says what is wrong beside the field and keeps the accent.
    let owner = server.setup_owner("owner@example.com", "owner password 1");
    let id = page["id"].as_str().unwrap();
    let resp = server.post_form(
        &owner,
        &format!("/admin/pages/{id}"),
        &[
            ("slug", "default"),
            ("title", "Status"),
            ("time_zone", "UTC"),
            ("accent_color", "#eeeeee"),
            ("accent_pick", "#7a1fa2"),
        ],
    );
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().unwrap();
    assert!(
        html.contains(r#"id="err-accent_color""#) && html.contains("too light"),
        "{html}"
    );
    let (_, page) = server.api_get("/api/v1/pages/default", &token);
    assert_eq!(page["accent_color"], json!("#7a1fa2"));
    // Moving the picker alone changes it; emptying the text field restores the default.
    let resp = server.post_form(
        &owner,
        &format!("/admin/pages/{id}"),
        &[
            ("slug", "default"),
            ("title", "Status"),
            ("time_zone", "UTC"),
            ("accent_color", "#7a1fa2"),
            ("accent_pick", "#006400"),
        ],
    );
    assert!(resp.status().is_success() || resp.status() == StatusCode::SEE_OTHER);
    let (_, page) = server.api_get("/api/v1/pages/default", &token);
    assert_eq!(page["accent_color"], json!("#006400"));
    server.post_form(
        &owner,
        &format!("/admin/pages/{id}"),
        &[
            ("slug", "default"),
            ("title", "Status"),
            ("time_zone", "UTC"),
            ("accent_color", ""),
            ("accent_pick", "#006400"),
        ],
    );
    let (_, page) = server.api_get("/api/v1/pages/default", &token);
    assert_eq!(page["accent_color"], json!(null));
    assert!(!home(&server).contains("<style>"));
}
