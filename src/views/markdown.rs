//! Markdown of incident updates rendered to safe HTML: pulldown-cmark, then ammonia
//! strips anything that could run script or break the page.

use maud::{Markup, PreEscaped};

/// Renders Markdown to sanitized HTML.
pub fn render(text: &str) -> Markup {
    let parser = pulldown_cmark::Parser::new_ext(
        text,
        pulldown_cmark::Options::ENABLE_STRIKETHROUGH | pulldown_cmark::Options::ENABLE_TABLES,
    );
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string();
    PreEscaped(clean)
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_is_rendered_and_sanitized() {
        let cases = [
            ("**bold**", "<strong>bold</strong>", "<script"),
            ("<script>alert(1)</script>hi", "hi", "<script"),
            ("[x](javascript:alert(1))", "x", "javascript:"),
            ("<img src=x onerror=alert(1)>", "<img", "onerror"),
        ];
        for (input, must, must_not) in cases {
            let out = render(input).into_string();
            assert!(out.contains(must), "{input:?} → {out}");
            assert!(!out.contains(must_not), "{input:?} → {out}");
        }
    }
}
