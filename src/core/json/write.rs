//! The writer: values as JSON text.

/// `text` as a JSON string literal, quotes included.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::{parse, Value};

    #[test]
    fn string_literals_parse_back_to_their_text() {
        for text in ["plain", "q\"uote", "back\\slash", "line\nbreak\u{1}", "é😀"] {
            let literal = string_literal(text);
            assert_eq!(parse(literal.as_bytes()), Ok(Value::String(text.into())), "{literal}");
        }
    }
}
