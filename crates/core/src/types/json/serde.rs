//! [`Value`] to and from JSON text, through `serde_json`.
//!
//! `serde_json` does the text work (escapes, UTF-8, exact numbers with
//! `float_roundtrip`, a nesting limit); this file only says how its events
//! build a [`Value`], and how a [`Value`] is written back.

use super::{Keep, Value};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

/// Why a text is not a JSON document.
/// Its `Display` says what is wrong, and where.
///
/// ```
/// use kling_extend_core::types::json::parse;
///
/// let error = parse(b"{\"id\":").unwrap_err();
/// assert!(error.to_string().contains("line 1"), "{error}");
/// ```
#[derive(Debug)]
pub struct ParseError(serde_json::Error);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Parses a complete JSON document; a UTF-8 byte order mark is skipped, as
/// `Response.json()` skips it.
///
/// ```
/// use kling_extend_core::types::json::{Value, parse};
///
/// assert_eq!(parse(b"\xEF\xBB\xBF[1]").unwrap(), Value::Array(vec![Value::Number(1.0)]));
/// assert_eq!(parse(br#"{"a":1,"a":2}"#).unwrap().to_json(), r#"{"a":2}"#, "the last value, as JSON.parse");
/// for bad in ["", "[1,]", "NaN", "1 2"] {
///     assert!(parse(bad.as_bytes()).is_err(), "{bad}");
/// }
/// ```
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    parse_only(bytes, &Keep::All)
}

/// A complete JSON document, of which only what `keep` names is built: every
/// other member is read through (checked, never stored), so a large document
/// costs its reading, not its tree. What a provider reads of an answer is
/// small; the answer itself goes on as its text (`Raw::Text`).
///
/// ```
/// use kling_extend_core::types::json::{Keep, parse_only};
///
/// const STATUS: Keep = Keep::Members(&[("status", Keep::All)]);
/// let kept = parse_only(br#"{"status":"running","frames":[[0,1],[2,3]]}"#, &STATUS).unwrap();
/// assert_eq!(kept.to_json(), r#"{"status":"running"}"#);
/// assert!(parse_only(br#"{"status":"running","frames":[1,]}"#, &STATUS).is_err(), "what is not kept is checked");
/// ```
pub fn parse_only(bytes: &[u8], keep: &Keep) -> Result<Value, ParseError> {
    read(bytes, keep).map_err(ParseError)
}

/// Whether `bytes` are one JSON document, read through without building it
/// (a proxy passes a document on as text), its nesting bounded as a parse's.
///
/// ```
/// use kling_extend_core::types::json::is_document;
///
/// assert!(is_document(br#"{"video_id":"v1"}"#));
/// assert!(!is_document(b"{\"video_id\":"));
/// let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
/// assert!(!is_document(deep.as_bytes()), "too deep, even unbuilt");
/// ```
pub fn is_document(bytes: &[u8]) -> bool {
    read(bytes, &Keep::Nothing).is_ok()
}

/// The part of the document in `bytes` that `keep` names, a byte order mark
/// skipped (as `Response.json()` skips it).
fn read(bytes: &[u8], keep: &Keep) -> Result<Value, serde_json::Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = de::DeserializeSeed::deserialize(Kept(keep), &mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A JSON number written as text (Kling sends `"3.5"`), read exactly.
///
/// ```
/// use kling_extend_core::types::json::parse_number;
///
/// assert_eq!(parse_number("3.5"), Some(3.5));
/// assert_eq!(parse_number("1e2"), Some(100.0));
/// assert_eq!(parse_number("0x10"), None, "JSON's numbers only");
/// assert_eq!(parse_number("\"3\""), None, "a string is no number");
/// ```
pub fn parse_number(text: &str) -> Option<f64> {
    parse(text.as_bytes()).ok()?.as_f64()
}

impl Value {
    /// This value as compact JSON text.
    /// As `JSON.stringify` writes it: whole numbers without a fraction,
    /// members in order.
    ///
    /// ```
    /// use kling_extend_core::types::json::{Value, object};
    ///
    /// let value = object([("n", Some(Value::Number(5.0))), ("x", Some(Value::Number(0.1))), ("s", Some("a\"b".into()))]);
    /// assert_eq!(value.to_json(), r#"{"n":5,"x":0.1,"s":"a\"b"}"#);
    /// ```
    pub fn to_json(&self) -> String {
        // Writing to a String fails only for a non-string map key, which a
        // Value cannot have.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The largest magnitude below which every whole f64 is an exact integer.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            // Whole numbers as integers (`5`, not `5.0`), as JSON.stringify writes them.
            Value::Number(n) if n.fract() == 0.0 && n.abs() < EXACT_INTEGERS => serializer.serialize_i64(*n as i64),
            Value::Number(n) => serializer.serialize_f64(*n),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        de::DeserializeSeed::deserialize(Kept(&Keep::All), deserializer)
    }
}

/// The part of a value that a [`Keep`] names. One visitor builds whole
/// values, kept parts and nothing alike, so `serde_json`'s reader is in the
/// wasm once, and its nesting limit holds for what is read through too
/// (serde's `IgnoredAny` skips without counting).
struct Kept<'k>(&'k Keep);

impl<'de> de::DeserializeSeed<'de> for Kept<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Kept<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(self.built(|| Value::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(self.built(|| Value::Number(n as f64)))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(self.built(|| Value::Number(n as f64)))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(self.built(|| Value::Number(n)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(self.built(|| Value::String(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(self.built(|| Value::String(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let item = match self.0 {
            Keep::Items(item) => *item,
            Keep::Nothing => &Keep::Nothing,
            Keep::Every => &Keep::Every,
            Keep::All | Keep::Members(_) => &Keep::All,
        };
        let mut items = Vec::new();
        while let Some(value) = seq.next_element_seed(Kept(item))? {
            if !matches!(self.0, Keep::Nothing) {
                items.push(value);
            }
        }
        Ok(self.built(|| Value::Array(exact(items))))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_key_seed(Member(self.0))? {
            match member {
                Some((key, keep)) => members.push((key, map.next_value_seed(Kept(keep))?)),
                None => drop(map.next_value_seed(Kept(&Keep::Nothing))?),
            }
        }
        let members = if matches!(self.0, Keep::Every) { members } else { last_of_each_key(members) };
        Ok(self.built(|| Value::Object(exact(members))))
    }
}

/// A member's key, read as what an object's [`Keep`] makes of it: the key
/// and what to keep of its value, or `None` for a member read through. A
/// key is copied only for a member that is kept.
struct Member<'k>(&'k Keep);

impl<'de> de::DeserializeSeed<'de> for Member<'_> {
    type Value = Option<(String, &'static Keep)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Member<'_> {
    type Value = Option<(String, &'static Keep)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member's name")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match self.0 {
            Keep::Members(named) => {
                named.iter().find(|(name, _)| *name == key).map(|(name, keep)| ((*name).to_owned(), keep))
            }
            Keep::All | Keep::Items(_) => Some((key.to_owned(), &Keep::All)),
            Keep::Every => Some((key.to_owned(), &Keep::Every)),
            Keep::Nothing => None,
        })
    }
}

impl Kept<'_> {
    /// `value()`, unless nothing is built here.
    fn built(&self, value: impl FnOnce() -> Value) -> Value {
        match self.0 {
            Keep::Nothing => Value::Null,
            _ => value(),
        }
    }
}

/// `items` with at most as much spare capacity as it holds. A `Vec` grows
/// to at least 4 items and then doubles, so a document of many one-member
/// objects or one-item lists would hold up to 4× the memory its values
/// need; shrunk where more than half is spare, it holds at most 2×, and the
/// usual object (grown to a size it nearly fills) is not copied again. With
/// the wasm's allocator the spare end is freed in place.
#[cfg(feature = "client")]
fn exact<T>(mut items: Vec<T>) -> Vec<T> {
    if items.capacity() > 2 * items.len() {
        items.shrink_to_fit();
    }
    items
}

/// The calculator alone (`kling-extend/quote`) parses only Kling's number
/// strings, and its 12 KB budget has no room for the shrinking (42 bytes).
#[cfg(not(feature = "client"))]
fn exact<T>(items: Vec<T>) -> Vec<T> {
    items
}

/// Each key once, where it first appeared, with the last value given for it:
/// what `JSON.parse` makes of duplicates, so `job.status` and `job.raw` can
/// never disagree. Sorting positions keeps this O(n log n) on hostile input.
fn last_of_each_key(mut members: Vec<(String, Value)>) -> Vec<(String, Value)> {
    if members.len() < 2 || members.len() <= 8 && !has_duplicate_key(&members) {
        return members;
    }
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_unstable_by(|&a, &b| members[a].0.cmp(&members[b].0).then(a.cmp(&b)));
    let mut keep = vec![true; members.len()];
    let mut moves = Vec::new();
    // `sort_by` is stable: within a run of one key, positions ascend.
    for run in order.chunk_by(|&a, &b| members[a].0 == members[b].0) {
        if let [first, .., last] = *run {
            moves.push((first, last));
            for &later in &run[1..] {
                keep[later] = false;
            }
        }
    }
    for (first, last) in moves {
        members.swap(first, last);
    }
    let mut kept = keep.into_iter();
    members.retain(|_| kept.next().unwrap_or(false));
    members
}

/// Whether two of a few members share a key, compared pair by pair: the
/// usual small object costs no allocation and no sort.
fn has_duplicate_key(members: &[(String, Value)]) -> bool {
    members.iter().enumerate().any(|(at, (key, _))| members[..at].iter().any(|(before, _)| before == key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Value {
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn documents_read_and_write_back() {
        let text = r#"{"id":"j","n":[1,-2.5,1e-300,null,true],"o":{"s":"a\"b\\c\u0001é"}}"#;
        let value = read(text);
        assert_eq!(value.get("id").and_then(Value::as_str), Some("j"));
        assert_eq!(read(&value.to_json()), value);
        assert_eq!(read("\u{feff} [] "), Value::Array(Vec::new()));
        for bad in ["", "{", "[1,]", "01", "NaN", "\"\\ud800\"", "{\"a\" 1}", "1 2"] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_read_as_javascript_reads_them() {
        assert_eq!(read("950.4000000000001").as_f64(), Some(950.4000000000001));
        assert_eq!(read("2.2250738585072014e-308").as_f64(), Some(f64::MIN_POSITIVE));
        assert_eq!(read("18446744073709551617").as_f64(), Some(18446744073709551616.0));
        assert_eq!(Value::Number(5.0).to_json(), "5");
        assert_eq!(Value::Number(0.1).to_json(), "0.1");
        assert_eq!(parse_number("3.5"), Some(3.5));
        assert_eq!(parse_number("inf"), None);
    }

    #[test]
    fn duplicate_keys_keep_the_first_place_and_the_last_value() {
        let value = read(r#"{"status":"queued","id":"j","status":"failed","x":1,"status":"succeeded"}"#);
        assert_eq!(value.to_json(), r#"{"status":"succeeded","id":"j","x":1}"#);
        let many = r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"a":9,"i":10}"#;
        assert_eq!(read(many).to_json(), r#"{"a":9,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":10}"#);
        let few = r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8}"#;
        assert_eq!(read(few).to_json(), few, "no duplicate: as it came");
    }

    #[test]
    fn only_the_members_kept_are_built_and_the_rest_is_still_checked() {
        const VIDEO: Keep = Keep::Members(&[("url", Keep::All)]);
        const JOB: Keep = Keep::Members(&[("id", Keep::All), ("videos", Keep::Items(&VIDEO)), ("status", Keep::All)]);
        let text =
            br#"{"id":"j","x":[{"a":1},{"a":[2]}],"videos":[{"url":"u","big":[1,2]},7],"status":"s","status":"t"}"#;
        let kept = parse_only(text, &JOB).unwrap();
        assert_eq!(kept.to_json(), r#"{"id":"j","videos":[{"url":"u"},7],"status":"t"}"#);
        assert_eq!(
            parse_only(b"[1,{\"a\":2}]", &JOB).unwrap().to_json(),
            r#"[1,{"a":2}]"#,
            "another kind is built whole"
        );
        for bad in [&br#"{"id":"j","x":[1,]}"#[..], br#"{"x":"\q"}"#, b"{\"x\":1} 2"] {
            assert!(parse_only(bad, &JOB).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_only(deep.as_bytes(), &JOB).is_err(), "nesting is bounded in what is read through too");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(deep.as_bytes()).is_err());
    }
}
