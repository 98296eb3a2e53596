//! Shields-style SVG badges: a grey label and a coloured message, text in Verdana
//! 11 px with widths estimated per character (no font file needed).

use crate::domain::{ComponentStatus, Indicator};
use maud::{Markup, html};

/// Message background colours; each keeps white 11 px text above 4.5:1 contrast.
pub const GREEN: &str = "#1f7a35";
pub const YELLOW: &str = "#8a6100";
pub const ORANGE: &str = "#b34700";
pub const RED: &str = "#b42318";
pub const BLUE: &str = "#175cd3";
pub const GREY: &str = "#555";

/// The words and colour of a component status.
pub fn status_message(status: ComponentStatus) -> (&'static str, &'static str) {
    match status {
        ComponentStatus::Operational => ("operational", GREEN),
        ComponentStatus::DegradedPerformance => ("degraded", YELLOW),
        ComponentStatus::PartialOutage => ("partial outage", ORANGE),
        ComponentStatus::MajorOutage => ("major outage", RED),
        ComponentStatus::UnderMaintenance => ("maintenance", BLUE),
    }
}

/// The words and colour of a page's overall indicator.
pub fn overall_message(indicator: Indicator) -> (&'static str, &'static str) {
    match indicator {
        Indicator::None => ("operational", GREEN),
        Indicator::Minor => ("degraded", YELLOW),
        Indicator::Major => ("partial outage", ORANGE),
        Indicator::Critical => ("major outage", RED),
        Indicator::Maintenance => ("maintenance", BLUE),
    }
}

/// Uptime in percent as text ("99.95%") and a colour by how good it is; `None` is
/// "no data".
pub fn uptime_message(uptime: Option<f64>) -> (String, &'static str) {
    match uptime {
        None => ("no data".into(), GREY),
        Some(u) => {
            let colour = match u {
                u if u >= 99.9 => GREEN,
                u if u >= 99.0 => YELLOW,
                u if u >= 95.0 => ORANGE,
                _ => RED,
            };
            let text = if u >= 100.0 {
                "100%".to_string()
            } else {
                // Never round up to 100 % what was not.
                format!("{:.2}%", (u * 100.0).floor() / 100.0)
            };
            (text, colour)
        }
    }
}

/// Approximate advance of one character in Verdana 11 px, in tenths of a pixel.
fn char_width(c: char) -> u32 {
    match c {
        'i' | 'l' | 'j' | '\'' | '|' | '.' | ',' | ':' | ';' | '!' => 34,
        'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | 'I' => 47,
        'm' | 'w' | 'M' | 'W' | '%' => 100,
        c if c.is_ascii_uppercase() => 75,
        c if c.is_ascii_digit() => 70,
        _ => 65,
    }
}

/// Width of `s` in pixels, rounded up.
pub fn text_width(s: &str) -> u32 {
    s.chars()
        .map(char_width)
        .fold(0u32, u32::saturating_add)
        .div_ceil(10)
}

/// A badge reading `label | message` with the message on `colour`.
pub fn badge(label: &str, message: &str, colour: &str) -> Markup {
    let lw = text_width(label).saturating_add(10);
    let mw = text_width(message).saturating_add(10);
    let w = lw.saturating_add(mw);
    let title = format!("{label}: {message}");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(w) height="20" role="img" aria-label=(title) {
            title { (title) }
            linearGradient id="s" x2="0" y2="100%" {
                stop offset="0" stop-color="#bbb" stop-opacity=".1" {}
                stop offset="1" stop-opacity=".1" {}
            }
            clipPath id="r" { rect width=(w) height="20" rx="3" fill="#fff" {} }
            g clip-path="url(#r)" {
                rect width=(lw) height="20" fill=(GREY) {}
                rect x=(lw) width=(mw) height="20" fill=(colour) {}
                rect width=(w) height="20" fill="url(#s)" {}
            }
            g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11" {
                text x=(f64::from(lw) / 2.0) y="14" { (label) }
                text x=(f64::from(lw) + f64::from(mw) / 2.0) y="14" { (message) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_text_and_colour() {
        for (u, text, colour) in [
            (None, "no data", GREY),
            (Some(100.0), "100%", GREEN),
            (Some(99.999), "99.99%", GREEN),
            (Some(99.95), "99.95%", GREEN),
            (Some(99.5), "99.50%", YELLOW),
            (Some(97.0), "97.00%", ORANGE),
            (Some(12.345), "12.34%", RED),
        ] {
            assert_eq!(uptime_message(u), (text.to_string(), colour), "{u:?}");
        }
    }

    #[test]
    fn badges_escape_text_and_grow_with_it() {
        let svg = badge("a<b", "x&y", RED).into_string();
        assert!(svg.contains("a&lt;b") && svg.contains("x&amp;y"), "{svg}");
        assert!(!svg.contains("a<b"), "{svg}");
        let short = text_width("up");
        let long = text_width("partial outage");
        assert!(short < long && long < 100, "{short} {long}");
        for status in ComponentStatus::ALL {
            let (text, colour) = status_message(status);
            assert!(!text.is_empty() && colour.starts_with('#'));
        }
    }
}
