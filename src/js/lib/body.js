// Reading a body that may be hostile: never more than a limit held in memory.

/**
 * The bytes of `stream` (a ReadableStream, or null for none), or null as soon
 * as they pass `max`: the stream is then cancelled and the rest never read.
 * At most `max` bytes and one chunk are ever held.
 * @param {ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined} stream
 * @param {number} max
 * @returns {Promise<Uint8Array | null>}
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
  // Most answers arrive in one chunk. It is copied: a caller's fetch may
  // reuse its buffer, and a job's `raw` is made of these bytes later.
  return chunks.length === 1 ? chunks[0].slice() : new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/**
 * Reads a body whole when its headers give its length exactly, for the
 * platform's own fetch (workerd.js binds it): a stream read chunk by chunk
 * from JS costs a workerd call about as much as its fetch (BENCHMARKS.md),
 * and `arrayBuffer()` reads it inside the runtime. The length is exact when
 * there is a `content-length` and neither a `transfer-encoding`, which a
 * runtime may follow past it (workerd reads a chunked body whole whatever
 * `content-length` says), nor a `content-encoding`, whose decoded body may be
 * far longer than the bytes counted. The bytes, or null past `max` (held to
 * it again), or undefined when the length is not given so: then the body is
 * read by `readLimited`.
 * @param {Response} response
 * @param {number} max
 * @returns {Promise<Uint8Array | null | undefined>}
 */
export async function readWhole(response, max) {
  const headers = response.headers;
  if (headers.get("content-length") === null || headers.has("transfer-encoding") || headers.has("content-encoding")) return undefined;
  const body = new Uint8Array(await response.arrayBuffer());
  return body.byteLength > max ? null : body;
}

/**
 * Whether a declared `content-length` already says the body is over `max`.
 * @param {Headers} headers
 * @param {number} max
 */
export const declaredOver = (headers, max) => Number(headers.get("content-length")) > max;

/**
 * Lets go of `response`'s body, which will not be read, so its connection is freed; never throws.
 * @param {Response | undefined} response
 */
export function discard(response) {
  try {
    response?.body?.cancel().catch(() => {});
  } catch {
    // A response-like object whose body cannot even be reached holds nothing to free.
  }
}
