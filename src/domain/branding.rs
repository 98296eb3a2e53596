//! A page's logo and accent colour: which images are accepted (sniffed from their bytes,
//! never from a file name), the hashed name they are served under, and which colours
//! keep text and buttons readable (WCAG AA, 4.5:1) in light and dark mode.

use crate::error::{AppError, AppResult};
use sha2::{Digest, Sha256};

/// The largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

/// The light theme's accent when a page sets none (`--accent` in style.css).
pub const DEFAULT_ACCENT: &str = "#1f5fc4";

/// The least contrast text needs against its background (WCAG AA, normal text).
pub const MIN_CONTRAST: f64 = 4.5;

/// The light theme's backgrounds (`--card`, `--bg` in style.css) that accent text sits on.
const LIGHT_BACKGROUNDS: [Rgb; 2] = [Rgb(0xff, 0xff, 0xff), Rgb(0xf7, 0xf8, 0xfa)];
/// The dark theme's backgrounds (`--card`, `--bg`).
const DARK_BACKGROUNDS: [Rgb; 2] = [Rgb(0x17, 0x1b, 0x21), Rgb(0x0f, 0x12, 0x16)];

/// An accepted logo format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoKind {
    Png,
    Jpeg,
    Webp,
}

impl LogoKind {
    pub fn ext(self) -> &'static str {
        match self {
            LogoKind::Png => "png",
            LogoKind::Jpeg => "jpg",
            LogoKind::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Jpeg => "image/jpeg",
            LogoKind::Webp => "image/webp",
        }
    }

    /// The kind a served file name ends with.
    pub fn from_ext(ext: &str) -> Option<LogoKind> {
        [LogoKind::Png, LogoKind::Jpeg, LogoKind::Webp]
            .into_iter()
            .find(|k| k.ext() == ext)
    }
}

/// The kind of an uploaded logo from its first bytes; SVG is refused because it can
/// carry scripts, and anything else unknown is refused by name.
pub fn sniff_logo(bytes: &[u8]) -> AppResult<LogoKind> {
    if bytes.is_empty() {
        return Err(AppError::invalid("logo", "The logo file is empty."));
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(AppError::PayloadTooLarge(MAX_LOGO_BYTES));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(LogoKind::Png);
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok(LogoKind::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(LogoKind::Webp);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    if head.contains("<svg") || head.trim_start().starts_with("<?xml") {
        return Err(AppError::invalid(
            "logo",
            "SVG logos are refused because they can carry scripts; upload a PNG, JPEG or WebP image.",
        ));
    }
    Err(AppError::invalid(
        "logo",
        "The logo must be a PNG, JPEG or WebP image.",
    ))
}

/// The name a logo is served under: a prefix of its SHA-256 and its kind's extension, so
/// its URL changes whenever its bytes do and browsers may keep it forever.
pub fn logo_name(bytes: &[u8], kind: LogoKind) -> String {
    let digest = Sha256::digest(bytes);
    format!("{}.{}", hex::encode(&digest[..8]), kind.ext())
}

/// A colour as red, green and blue bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` (or `rrggbb`, any case).
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.x).
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// This colour mixed `t` (0..=1) of the way towards white.
    fn towards_white(self, t: f64) -> Rgb {
        let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn worst_contrast(c: Rgb, backgrounds: &[Rgb]) -> f64 {
    backgrounds
        .iter()
        .map(|b| contrast(c, *b))
        .fold(f64::INFINITY, f64::min)
}

/// A page's accent colour as each theme uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accent {
    /// The chosen colour: links and buttons (white text) in light mode.
    pub light: Rgb,
    /// The chosen colour lightened until it reads on the dark backgrounds (dark text on
    /// buttons), so one choice serves both themes.
    pub dark: Rgb,
}

impl Accent {
    /// The style that sets the accent for both themes (one custom property each).
    pub fn css(&self) -> String {
        format!(
            ":root{{--accent:{}}}@media (prefers-color-scheme: dark){{:root{{--accent:{}}}}}",
            self.light.hex(),
            self.dark.hex()
        )
    }

    /// The CSP source that allows exactly [`Accent::css`] as an inline `<style>`.
    pub fn csp_source(&self) -> String {
        use base64::Engine as _;
        let digest = Sha256::digest(self.css().as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    }
}

/// The accent a page shows: its own when it has a valid one.
pub fn page_accent(page: &super::Page) -> Option<Accent> {
    page.accent_color
        .as_deref()
        .and_then(|c| accent(c).ok().flatten())
}

/// Which of the edit form's two accent inputs was changed: the text field wins; the
/// colour picker (which always sends a value) counts only when moved off what it showed.
pub fn chosen_accent(current: &str, text: &str, picker: &str) -> String {
    let shown = if current.is_empty() {
        DEFAULT_ACCENT
    } else {
        current
    };
    let text = text.trim();
    if !text.eq_ignore_ascii_case(current) {
        text.to_string()
    } else if !picker.is_empty() && !picker.eq_ignore_ascii_case(shown) {
        picker.to_string()
    } else {
        current.to_string()
    }
}

/// Checks an accent colour: it must read as text on the light backgrounds and carry
/// white button text (4.5:1); the dark theme gets it lightened until it reads there.
/// An empty value means the default accent. Errors say the ratio and what to choose.
pub fn accent(value: &str) -> AppResult<Option<Accent>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let Some(light) = Rgb::parse(value) else {
        return Err(AppError::invalid(
            "accent_color",
            format!("Accent colour {value:?} is not a colour: write it as #rrggbb, e.g. #1f5fc4."),
        ));
    };
    // White is among the light backgrounds, so this also covers white button text.
    let ratio = worst_contrast(light, &LIGHT_BACKGROUNDS);
    if ratio < MIN_CONTRAST {
        return Err(AppError::invalid(
            "accent_color",
            format!(
                "Accent colour {} is too light: its contrast with the light background is {:.2}:1, and links and buttons need at least 4.5:1 (WCAG AA). Choose a darker colour.",
                light.hex(),
                (ratio * 100.0).floor() / 100.0
            ),
        ));
    }
    let dark = (0..=100)
        .map(|step| light.towards_white(f64::from(step) / 100.0))
        .find(|c| worst_contrast(*c, &DARK_BACKGROUNDS) >= MIN_CONTRAST)
        .unwrap_or(Rgb(0xff, 0xff, 0xff));
    Ok(Some(Accent { light, dark }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_sniffed_from_their_bytes() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_LOGO_BYTES + 1, 0);
        let mut webp = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
        webp.resize(40, 0);
        let cases: [(&[u8], Result<LogoKind, &str>); 8] = [
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Ok(LogoKind::Png)),
            (&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10], Ok(LogoKind::Jpeg)),
            (&webp, Ok(LogoKind::Webp)),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", Err("SVG")),
            (b"  <?xml version=\"1.0\"?><svg/>", Err("SVG")),
            (b"GIF89a....", Err("PNG, JPEG or WebP")),
            (b"", Err("empty")),
            (&big, Err("too large")),
        ];
        for (bytes, want) in cases {
            match (sniff_logo(bytes), want) {
                (Ok(k), Ok(w)) => assert_eq!(k, w),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{e} vs {w}"),
                (got, want) => panic!("{got:?} vs {want:?}"),
            }
        }
    }

    #[test]
    fn logo_names_follow_the_bytes() {
        let a = logo_name(b"one", LogoKind::Png);
        assert_eq!(a.len(), 16 + 4);
        assert!(a.ends_with(".png"));
        assert_eq!(a, logo_name(b"one", LogoKind::Png));
        assert_ne!(a, logo_name(b"two", LogoKind::Png));
        assert_eq!(LogoKind::from_ext("webp"), Some(LogoKind::Webp));
        assert_eq!(LogoKind::from_ext("svg"), None);
    }

    #[test]
    fn accents_keep_aa_contrast_in_both_themes() {
        // (input, accepted light colour or an error fragment)
        let cases = [
            ("", Ok(None)),
            ("#1f5fc4", Ok(Some("#1f5fc4"))),
            ("7A1FA2", Ok(Some("#7a1fa2"))),
            ("#000000", Ok(Some("#000000"))),
            (
                "#ffcc00",
                Err("too light: its contrast with the light background is 1."),
            ),
            ("#1f8fff", Err("too light")),
            ("#ffffff", Err("1.00:1")),
            ("blue", Err("write it as #rrggbb")),
            ("#12345", Err("write it as #rrggbb")),
        ];
        for (input, want) in cases {
            match (accent(input), want) {
                (Ok(got), Ok(w)) => {
                    assert_eq!(got.as_ref().map(|a| a.light.hex()).as_deref(), w, "{input}");
                    if let Some(a) = got {
                        assert!(worst_contrast(a.light, &LIGHT_BACKGROUNDS) >= MIN_CONTRAST);
                        assert!(contrast(a.light, Rgb(255, 255, 255)) >= MIN_CONTRAST);
                        assert!(worst_contrast(a.dark, &DARK_BACKGROUNDS) >= MIN_CONTRAST);
                        assert!(a.css().contains(&a.light.hex()));
                        assert!(a.css().contains(&a.dark.hex()));
                    }
                }
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{input}: {e}"),
                (got, want) => panic!("{input}: {got:?} vs {want:?}"),
            }
        }
    }

    #[test]
    fn the_changed_accent_input_wins() {
        // (current, text field, colour picker, chosen)
        let cases = [
            ("", "", "#1f5fc4", ""),
            ("", "#7a1fa2", "#1f5fc4", "#7a1fa2"),
            ("", "", "#7a1fa2", "#7a1fa2"),
            ("#7a1fa2", "#7A1FA2", "#7a1fa2", "#7a1fa2"),
            ("#7a1fa2", "", "#7a1fa2", ""),
            ("#7a1fa2", "#7a1fa2", "#006400", "#006400"),
            ("#7a1fa2", "#123456", "#006400", "#123456"),
        ];
        for (current, text, picker, want) in cases {
            assert_eq!(
                chosen_accent(current, text, picker),
                want,
                "{current} {text} {picker}"
            );
        }
    }

    #[test]
    fn the_style_hash_is_the_hash_of_the_style() {
        let a = accent("#1f5fc4").unwrap().unwrap();
        assert!(a.csp_source().starts_with("'sha256-"));
        assert_ne!(
            a.csp_source(),
            accent("#7a1fa2").unwrap().unwrap().csp_source()
        );
    }

    #[test]
    fn contrast_matches_known_ratios() {
        let white = Rgb(255, 255, 255);
        assert!((contrast(Rgb(0, 0, 0), white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // The default light accent in style.css.
        assert!(contrast(Rgb(0x1f, 0x5f, 0xc4), white) > 5.0);
    }
}
