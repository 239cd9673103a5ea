//! The parser: a direct recursive descent with a depth limit, enough for the
//! small, shallow documents here; it never panics on any input.

use super::Value;
use crate::core::text::parse_u64;
use std::fmt;

/// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Why a body is not JSON; the position helps when debugging a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}", self.offset)
    }
}

/// Parses a complete JSON document (a UTF-8 BOM and surrounding white space allowed).
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    parse_with(bytes, false)
}

/// Parses what `src/js/lib/boundary.js` writes: JSON, plus the `NaN`, `Infinity`
/// and `-Infinity` that JS numbers can be, so the rules that read a caller's
/// value can name a non-finite number's field. Never for a service's bodies.
pub fn parse_from_js(bytes: &[u8]) -> Result<Value, ParseError> {
    parse_with(bytes, true)
}

fn parse_with(bytes: &[u8], non_finite: bool) -> Result<Value, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError { offset: e.valid_up_to() })?;
    let mut parser = Parser { text, pos: 0, non_finite };
    let value = parser.value(0)?;
    parser.skip_ws();
    if parser.pos == text.len() {
        Ok(value)
    } else {
        Err(parser.error())
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Whether `NaN`, `Infinity` and `-Infinity` are numbers here.
    non_finite: bool,
}

impl Parser<'_> {
    fn error(&self) -> ParseError {
        ParseError { offset: self.pos }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'N') if self.non_finite => self.literal("NaN", Value::Number(f64::NAN)),
            Some(b'I') if self.non_finite => self.literal("Infinity", Value::Number(f64::INFINITY)),
            Some(b'-') if self.non_finite && self.text[self.pos..].starts_with("-I") => {
                self.literal("-Infinity", Value::Number(f64::NEG_INFINITY))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.eat(b'{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.eat(b':')?;
            members.push((key, self.value(depth + 1)?));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits = |pos: &mut usize| {
            let from = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos > from
        };
        let mut pos = self.pos;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        if bytes.get(pos) == Some(&b'0') {
            pos += 1;
        } else if !digits(&mut pos) {
            return Err(ParseError { offset: pos });
        }
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            if !digits(&mut pos) {
                return Err(ParseError { offset: pos });
            }
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            if !digits(&mut pos) {
                return Err(ParseError { offset: pos });
            }
        }
        self.pos = pos;
        parse_number(&self.text[start..pos]).map(Value::Number).ok_or(ParseError { offset: start })
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            // Runs between quotes, backslashes and control bytes are copied
            // whole; all three are ASCII, so a run ends on a char boundary.
            let rest = &self.text.as_bytes()[self.pos..];
            let run = rest.iter().position(|&b| matches!(b, b'"' | b'\\' | ..=0x1f));
            let run = run.ok_or(ParseError { offset: self.text.len() })?;
            out.push_str(&self.text[self.pos..self.pos + run]);
            self.pos += run;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let simple = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                out.push(self.unicode_escape()?);
                return Ok(());
            }
            _ => return Err(self.error()),
        };
        self.pos += 1;
        out.push(simple);
        Ok(())
    }

    /// A `\uXXXX` escape, joining surrogate pairs; a lone surrogate becomes U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        if !(0xD800..0xDC00).contains(&first) {
            return Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        if !self.text[self.pos..].starts_with("\\u") {
            return Ok(char::REPLACEMENT_CHARACTER);
        }
        let save = self.pos;
        self.pos += 2;
        let second = self.hex4()?;
        if (0xDC00..0xE000).contains(&second) {
            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
        } else {
            self.pos = save;
            Ok(char::REPLACEMENT_CHARACTER)
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.text.get(self.pos..self.pos + 4).ok_or(self.error())?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error());
        }
        self.pos += 4;
        parse_u64(digits, 16).map(|n| n as u32).ok_or(self.error())
    }
}

/// Parses a JSON number (`-?int(.frac)?(e±exp)?`) without `str::parse::<f64>`,
/// whose tables cost ≈15 KB of wasm. Mantissas of up to 19 digits with a
/// decimal exponent within ±22 are exact (one correctly rounded operation);
/// longer or larger ones, which no document here carries, may be off by an ulp.
pub fn parse_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, mut i) = match bytes.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let (mut mantissa, mut exponent, mut digits) = (0u64, 0i64, 0usize);
    let mut take = |b: u8, exponent: &mut i64, fraction: bool| {
        if mantissa < 1_000_000_000_000_000_000 {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            *exponent -= i64::from(fraction);
        } else {
            *exponent += i64::from(!fraction);
        }
    };
    let int_start = i;
    while let Some(b @ b'0'..=b'9') = bytes.get(i).copied() {
        take(b, &mut exponent, false);
        i += 1;
    }
    digits += i - int_start;
    if digits == 0 || (digits > 1 && bytes[int_start] == b'0') {
        return None;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while let Some(b @ b'0'..=b'9') = bytes.get(i).copied() {
            take(b, &mut exponent, true);
            i += 1;
        }
        if i == frac_start {
            return None;
        }
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        let sign = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let exp_start = i;
        let mut e = 0i64;
        while let Some(b @ b'0'..=b'9') = bytes.get(i).copied() {
            e = (e * 10 + i64::from(b - b'0')).min(100_000);
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        exponent += sign * e;
    }
    if i != bytes.len() {
        return None;
    }
    let value = scale(mantissa as f64, exponent);
    value.is_finite().then_some(if negative { -value } else { value })
}

/// `m × 10^e`, with a single rounding when `|e| ≤ 22` (powers of ten that
/// are exact in f64).
fn scale(m: f64, e: i64) -> f64 {
    const EXACT: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    if m == 0.0 {
        return 0.0;
    }
    match e {
        0..=22 => m * EXACT[e as usize],
        -22..=-1 => m / EXACT[(-e) as usize],
        _ if e > 0 => m * 10f64.powi(e.min(400) as i32),
        _ => m / 10f64.powi((-e).min(400) as i32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_job_document() {
        let v = parse(br#" {"id":"j1","n":-1.5e2,"ok":true,"none":null,"list":[1,"a"]} "#).unwrap();
        assert_eq!(v.get("id").and_then(Value::as_str), Some("j1"));
        assert_eq!(v.get("n").and_then(Value::as_f64), Some(-150.0));
        assert_eq!(v.get("ok"), Some(&Value::Bool(true)));
        assert_eq!(v.get_present("none"), None);
        assert_eq!(v.get("list").and_then(Value::as_array).map(<[Value]>::len), Some(2));
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let v = parse(br#""a\"\\\/\n\u00e9\ud83d\ude00\ud800x""#).unwrap();
        assert_eq!(v, Value::String("a\"\\/\n\u{e9}\u{1F600}\u{FFFD}x".into()));
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"id\": ",
            b"<html>",
            b"01",
            b"1.",
            b"-",
            b"[1,]",
            b"{\"a\":1,}",
            b"\"\x01\"",
            b"nul",
            b"1 2",
            b"\xff",
            b"1e400",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let deep = "[".repeat(100_000);
        assert!(parse(deep.as_bytes()).is_err());
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn non_finite_numbers_only_from_js() {
        let text = br#"[NaN, Infinity, -Infinity, -1]"#;
        assert!(parse(text).is_err());
        let Ok(Value::Array(items)) = parse_from_js(text) else { panic!("not parsed") };
        let numbers: Vec<f64> = items.iter().filter_map(Value::as_f64).collect();
        assert!(numbers[0].is_nan());
        assert_eq!(numbers[1..], [f64::INFINITY, f64::NEG_INFINITY, -1.0]);
        assert!(parse_from_js(b"-Inf").is_err() && parse_from_js(b"nan").is_err());
    }

    #[test]
    fn numbers_match_the_standard_parser() {
        for text in ["0", "-0", "7", "0.7", "19.99", "1e3", "2.5E-3", "123456789012345678", "0.1e-3", "4.35e+21"] {
            assert_eq!(parse_number(text), text.parse::<f64>().ok(), "{text}");
        }
        for bad in ["", "-", "1.", ".5", "1e", "0x10", "1e400", "+1", "1 "] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }
}
