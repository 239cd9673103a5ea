//! The writer: values as compact JSON text (RFC 8259), built in one `String`.

use super::number::write_number;
use super::Value;

impl Value {
    /// This value as JSON text. Duplicate keys are written as they are
    /// (`JSON.parse` keeps the last).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self);
        out
    }
}

/// `text` as a JSON string literal, quotes included.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_string(&mut out, text);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => write_list(out, ['[', ']'], items, write_value),
        Value::Object(members) => write_list(out, ['{', '}'], members, |out, (key, item)| {
            write_string(out, key);
            out.push(':');
            write_value(out, item);
        }),
    }
}

/// `items` between `brackets`, separated by commas.
fn write_list<T>(out: &mut String, brackets: [char; 2], items: &[T], write: impl Fn(&mut String, &T)) {
    out.push(brackets[0]);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item);
    }
    out.push(brackets[1]);
}

/// Escapes only what JSON requires (quotes, backslashes, control characters),
/// as `JSON.stringify` does; everything else is copied as it is, run by run.
fn write_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut rest = text;
    // All three kinds are ASCII, so each run ends on a char boundary.
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'"' | b'\\' | ..=0x1f)) {
        out.push_str(&rest[..at]);
        let byte = rest.as_bytes()[at];
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::{object, parse};

    #[test]
    fn escapes_only_what_json_requires() {
        let text = "q\"b\\s/\n\r\t\u{8}\u{c}\u{1}\u{1f}é😀";
        assert_eq!(string_literal(text), r#""q\"b\\s/\n\r\t\b\f\u0001\u001fé😀""#);
    }

    #[test]
    fn string_literals_parse_back_to_their_text() {
        for text in ["plain", "q\"uote", "back\\slash", "line\nbreak\u{1}", "é😀"] {
            let literal = string_literal(text);
            assert_eq!(parse(literal.as_bytes()), Ok(Value::String(text.into())), "{literal}");
        }
    }

    #[test]
    fn writes_compact_json_that_parses_back() {
        let value = object([
            ("id", Some(Value::String("j1".into()))),
            ("absent", None),
            ("n", Some(Value::Number(-1.5))),
            (
                "list",
                Some(Value::Array(vec![Value::Null, Value::Bool(true), Value::Bool(false), Value::Array(vec![])])),
            ),
            ("nested", Some(Value::Object(vec![]))),
        ]);
        let text = value.to_json();
        assert_eq!(text, r#"{"id":"j1","n":-1.5,"list":[null,true,false,[]],"nested":{}}"#);
        assert_eq!(parse(text.as_bytes()), Ok(value));
    }
}
