//! Reading a body that may be hostile: chunk by chunk, never past the limit
//! the core gave, so a body that never ends costs at most that much memory.

use crate::transport::{TransportError, TransportErrorKind};
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult};

/// The bytes of `stream` (none for a response without a body), or
/// `TooLarge` as soon as they pass `max`: the caller then aborts the
/// exchange, and the rest is never read.
pub(super) async fn read_limited(stream: Option<ReadableStream>, max: u32) -> Result<Vec<u8>, TransportError> {
    let Some(stream) = stream else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::new();
    loop {
        let read = JsFuture::from(reader.read()).await.map_err(super::failure::network)?;
        let read: ReadableStreamReadResult = read.unchecked_into();
        if read.get_done().unwrap_or(true) {
            return Ok(body);
        }
        let chunk: Uint8Array = read.get_value().dyn_into().map_err(super::failure::network)?;
        let (start, length) = (body.len(), chunk.length() as usize);
        if start + length > max as usize {
            return Err(TransportError::new(TransportErrorKind::TooLarge));
        }
        body.resize(start + length, 0);
        chunk.copy_to(&mut body[start..]);
    }
}
