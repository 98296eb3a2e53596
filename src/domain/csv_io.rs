//! CSV through the `csv` crate: one formula-safe writer for every export, and the
//! record reader behind imports.

use std::borrow::Cow;

/// First characters that make a spreadsheet run a cell as a formula (or hide its start).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet shows as text: a leading `'` when it would start a formula.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`defuse`], so an export imports back to the same values.
pub fn undefuse(cell: &str) -> &str {
    cell.strip_prefix('\'')
        .filter(|rest| rest.starts_with(FORMULA_START))
        .unwrap_or(cell)
}

/// Writes a header and rows as CSV (quoted where needed, `\n` line ends), every cell
/// passed through [`defuse`]. Every export goes through here.
pub fn write_safe<R, C>(header: &[&str], rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    // Flexible, and into memory: the writer has no error left to report.
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut put = |cells: Vec<String>| {
        w.write_record(&cells).expect("CSV into memory cannot fail");
    };
    put(header.iter().map(|h| defuse(h).into_owned()).collect());
    for row in rows {
        put(row
            .into_iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect());
    }
    let bytes = w.into_inner().expect("CSV into memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
}

/// One record read from CSV: its line number and its fields.
pub type Record = (usize, Vec<String>);

/// Reads CSV records with their 1-based line numbers: fields trimmed, blank lines
/// skipped, a byte-order mark ignored. A field running over a line end (an unclosed
/// quote, as addresses never hold line breaks) is an error naming its line.
pub fn read_records(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in r.records() {
        let line = |pos: Option<&csv::Position>| {
            pos.and_then(|p| usize::try_from(p.line()).ok())
                .unwrap_or(0)
        };
        let rec = rec.map_err(|e| (line(e.position()), e.to_string()))?;
        let no = line(rec.position());
        if rec.iter().any(|f| f.contains(['\n', '\r'])) {
            return Err((no, "a quoted field is not closed on this line".into()));
        }
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue;
        }
        out.push((
            no,
            rec.iter().map(|f| undefuse(f.trim()).to_string()).collect(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_read_back() {
        for (cell, want) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            (
                "-2+3+cmd|'/Ccalc'!A0@example.org",
                "'-2+3+cmd|'/Ccalc'!A0@example.org",
            ),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a@example.org", "a@example.org"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(defuse(cell), want, "{cell:?}");
            assert_eq!(undefuse(&defuse(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn writer_quotes_and_defuses_every_cell() {
        let csv = write_safe(
            &["name", "note"],
            [["API \"v2\", EU", "=HYPERLINK(\"x\")"], ["plain", ""]],
        );
        assert_eq!(
            csv,
            "name,note\n\"API \"\"v2\"\", EU\",\"'=HYPERLINK(\"\"x\"\")\"\nplain,\n"
        );
    }

    #[test]
    fn reader_lines_blank_lines_bom_and_open_quotes() {
        let recs = read_records("\u{feff}a, b \n\n  \n\"c,d\",'=x\n").unwrap();
        assert_eq!(
            recs,
            [
                (1, vec!["a".to_string(), "b".to_string()]),
                (4, vec!["c,d".to_string(), "=x".to_string()]),
            ]
        );
        assert_eq!(read_records("email\n\"open\nnext\n").unwrap_err().0, 2);
        assert_eq!(read_records("email\n\"open\n").unwrap_err().0, 2);
    }
}
