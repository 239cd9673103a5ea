// Reading a body that may be hostile: never more than a limit held in memory.

/**
 * The bytes of `stream` (a ReadableStream, or null for none), or null as soon
 * as they pass `max`: the stream is then cancelled and the rest never read.
 * At most `max` bytes and one chunk are ever held.
 */
export async function readLimited(stream, max) {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Not awaited: a peer that stops reading must not hold this call.
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Whether a declared `content-length` already says the body is over `max`. */
export const declaredOver = (headers, max) => Number(headers.get("content-length")) > max;

/** Lets go of a body that will not be read, so its connection is freed. */
export function discard(stream) {
  stream?.cancel().catch(() => {});
}
