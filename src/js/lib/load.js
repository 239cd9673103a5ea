// How an entry gets its wasm build when no bundler hands it a module:
// fetched from a URL next to the module (a page's server half; index.js has
// its own copy), or decoded from base64 text inside a JS module
// (server/kling_extend_bg.wasm.js, web/kling_extend_bg.wasm.js, written by
// scripts/build.sh). A JS module is all a runtime or bundler must handle:
// nothing is read from disk (Deno without --allow-read) and no asset must be
// copied next to a bundle (Next's server bundles, esbuild).

/**
 * The wasm at `url`, compiled. Read whole rather than streamed: streaming
 * needs the server to send `application/wasm`, and these bytes are few.
 * @param {URL} url
 */
export async function compileUrl(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`kling-extend: could not load ${url} (HTTP ${response.status})`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * The bytes of base64 `text`: the engine's decoder where there is one, else atob, which every runtime has.
 * @param {string} text
 */
export function decodeBase64(text) {
  // Not yet in TypeScript's library.
  const decoder = /** @type {{ fromBase64?: (text: string) => Uint8Array }} */ (/** @type {unknown} */ (Uint8Array));
  if (typeof decoder.fromBase64 === "function") return decoder.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
