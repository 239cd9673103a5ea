// The wasm build this runtime uses, bound by the entry file at start-up and
// read at call time: the web build in a page; the server build (which adds
// createProxy's core and the signature check) in Node, Workers and a page's
// server half (server-build.js), which a page loads only on first use.
import { answer } from "./boundary.js";
import { KlingExtendError } from "./error.js";

/**
 * What JS calls of a wasm build (wasm-bindgen's glue): texts are JSON but
 * for `call`'s `text`. The calculator's and the proxy's cross as their own
 * modules (quote.js, proxy.js) read them; a build lacks what it was built
 * without (the page's has no proxy).
 * @typedef {object} Build
 * @property {(name: string, args: string, text: string) => string} call
 * @property {(index: number) => unknown} takeRaw
 * @property {(task: number, name: import("./driver.js").TaskEvent, detail: string, monotonic: number, unix: number) => string} taskEvent
 * @property {(task: number, status: number, headers: string, body: Uint8Array, monotonic: number, unix: number) => string} taskResponse
 * @property {new (options: string, inBrowser: boolean, environment: string) => Settings} Settings
 * @property {() => void} __wbg_reset_state
 * @property {(module?: any) => { memory: WebAssembly.Memory }} initSync
 * @property {() => number} asks
 * @property {(chain: boolean) => number} price
 * @property {(chain: boolean, value: string) => number} priceValue
 * @property {((value: unknown, name: string) => string) | undefined} [encode]
 * @property {any} [ProxyCore]
 * @property {(...args: any[]) => string} [verifyWebhook]
 *
 * A client's options as the core checked them (src/wasm/settings.rs).
 * @typedef {object} Settings
 * @property {() => string | undefined} refusal
 * @property {(() => boolean) | undefined} [wantsEnvironment] absent where there is no environment (a page's build)
 * @property {(environment: string) => void} supply
 * @property {(kind: string, args: string, entropy: Uint8Array, monotonic: number, unix: number) => string} start
 * @property {() => void} free
 */

/** @type {Build} */
export let wasm;
/** @typedef {() => Promise<any>} LoadServer */
/** @typedef {() => Record<string, string> | null} ReadEnvironment */

/** @type {LoadServer | undefined} */
let load;
/** @type {ReadEnvironment | undefined} */
let readEnvironment;

/**
 * The number of the current instance. A failed instance is replaced (intoCore), and the objects it
 * made (a call's machine, a ProxyCore) point into memory that is gone: they must be
 * neither used nor freed, so each is kept with the instance it was made in.
 */
export let instance = 0;

/**
 * `loadServer`: how a page imports its server half; `environment`: how Node
 * reads the variables the core may use (credentials, the log level), absent
 * where there is no process environment (pages, Workers).
 */
/**
 * @param {Build} build
 * @param {LoadServer} [loadServer]
 * @param {ReadEnvironment} [environment]
 */
export function bind(build, loadServer, environment) {
  wasm = build;
  load = loadServer;
  readEnvironment = environment;
}

/** The process environment's variables for the core, or null. */
export const environment = () => readEnvironment?.() ?? null;

/**
 * Calls into the wasm. The core answers with values, never by throwing, so
 * anything thrown here is the instance failing: a trap (`unreachable` once
 * memory cannot grow), the glue refusing a value still borrowed by a call a
 * trap cut short, a RangeError from memory growth. Its state can no longer be
 * trusted, so it is replaced by a fresh instance and the caller gets an
 * `internal_error` KlingExtendError with the original as `cause`. `during`
 * says what the core was doing, for the message; `detail()` gives what the
 * call knew (the job it submitted, maybeSubmitted), asked for only then;
 * `madeIn` is the number of the instance the object called was made in: one from a replaced
 * instance fails without being touched.
 * @template T
 * @param {() => T} fn
 * @param {string} during
 * @param {() => Partial<import("../index.js").KlingExtendErrorDetail>} [detail]
 * @returns {T}
 */
export function intoCore(fn, during, detail, madeIn = instance) {
  if (madeIn !== instance) throw failure(`was restarted during this call, after it failed in another one`, detail?.());
  try {
    return fn();
  } catch (error) {
    restart();
    throw failure(`failed ${during} (${String(error).slice(0, 200)}); it was restarted`, detail?.(), error);
  }
}


/**
 * Frees `object` unless its instance was replaced; never throws, so it cannot hide a caller's error.
 * @param {{ free(): void }} object
 * @param {number | undefined} madeIn
 */
export function release(object, madeIn) {
  if (madeIn !== instance) return;
  try {
    object.free();
  } catch {
    restart();
  }
}

/**
 * Drops the core's machine `task` (any event but the core's own ends it) unless its instance was replaced; never throws.
 * @param {number} task
 * @param {number} madeIn
 */
export function endTask(task, madeIn) {
  if (madeIn !== instance) return;
  try {
    wasm.taskEvent(task, "end", "", 0, 0);
  } catch {
    restart();
  }
}

function restart() {
  instance += 1;
  try {
    wasm.__wbg_reset_state();
  } catch {
    // No instance could be made now (memory): the next call tries again.
  }
}

/**
 * The package's own failure: it never blames the service (contract v1.2).
 * @param {string} what
 * @param {Partial<import("../index.js").KlingExtendErrorDetail> | undefined} detail
 * @param {unknown} [cause]
 */
function failure(what, detail, cause) {
  return new KlingExtendError({ code: "internal_error", message: `kling-extend's wasm core ${what}`, retryable: false, ...detail }, cause);
}

/**
 * A synchronous function of the core by name, its arguments JSON texts (boundary.js).
 * @type {(name: string, ...args: string[]) => any}
 */
export const call = (name, ...args) => callWithText(name, "", ...args);

/**
 * `call`, with `text` a large argument that crosses as itself, not escaped into the others' JSON.
 * @type {(name: string, text: string, ...args: string[]) => any}
 */
export const callWithText = (name, text, ...args) => answer(intoCore(() => wasm.call(name, `[${args}]`, text), `in ${name}`), takeRaw);

/**
 * The document the last core answer set aside at `index` (boundary.js's withJobs).
 * @param {number} index
 */
export const takeRaw = (index) => wasm.takeRaw(index);

/** Whether this build is a page's, whose server half loads on demand. */
export const hasServerHalf = () => load !== undefined;

/**
 * `call` on the server half. Its KlingExtendError is a copy of this one, so
 * an error of that class gets this prototype: a page sees one class.
 * @template T
 * @param {(half: any) => T | Promise<T>} call
 * @returns {Promise<T>}
 */
export async function onServer(call) {
  // Only a page's build, which has a server half, calls it.
  const half = await /** @type {LoadServer} */ (load)();
  try {
    return await call(half);
  } catch (error) {
    if (error instanceof half.KlingExtendError) Object.setPrototypeOf(error, KlingExtendError.prototype);
    throw error;
  }
}
