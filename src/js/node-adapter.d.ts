// Types of `kling-extend/node`. They name only what the listener uses of
// node:http's objects, so they need no @types/node: `http.createServer`
// takes the listener as it is.

/** The parts of `http.IncomingMessage` the listener reads. */
export interface NodeRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  rawHeaders: string[];
  headers: { host?: string | undefined };
  complete: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** The parts of `http.ServerResponse` the listener writes. */
export interface NodeResponseLike {
  statusCode: number;
  readonly destroyed: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  end(): unknown;
  destroy(): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
}

/** The limits `toNodeListener` and `createServer` hold every request to; each a whole number above 0. */
export interface NodeLimits {
  /** The request's headers must arrive within this (`createServer` only: a listener starts after them). Default 10 000 ms. */
  headersTimeoutMs?: number | undefined;
  /** Its body must have arrived whole within this, counted from its headers; else `request.signal` aborts. Default 30 000 ms. */
  bodyTimeoutMs?: number | undefined;
  /** A keep-alive connection idle between requests this long is closed (`createServer` only). Default 30 000 ms. */
  idleTimeoutMs?: number | undefined;
  /** The answer must have been written within this: a client that stops reading is cut off. Default 30 000 ms. */
  writeTimeoutMs?: number | undefined;
  /** Requests handled at once; one more is answered 503 (`retry-after: 1`) at once. Default 256. */
  maxInFlight?: number | undefined;
}

/**
 * A fetch-API handler (such as `createProxy(config)`) as a `node:http`
 * request listener:
 *
 * ```js
 * import { createServer } from "node:http";
 * import { createProxy } from "kling-extend";
 * import { toNodeListener } from "kling-extend/node";
 *
 * createServer(toNodeListener(createProxy({ apiKey, allowedOrigins }))).listen(8787);
 * ```
 *
 * The request body is streamed to the handler as it reads it (nothing is
 * buffered ahead of it but 64 KiB); a body the handler leaves unread (a 413)
 * closes the connection after the answer. The listener never throws: a method
 * the fetch API refuses (TRACE, TRACK) is answered 405, a URL it cannot parse
 * 400, a handler that throws 500, a request past `maxInFlight` 503, all as
 * JSON `{ error: { code, message } }`; a client that goes away, or a body
 * past `bodyTimeoutMs`, aborts `request.signal` (which `createProxy` follows
 * to abort its upstream request).
 */
export function toNodeListener(
  handler: (request: Request) => Response | Promise<Response>,
  limits?: NodeLimits,
): (request: NodeRequestLike, response: NodeResponseLike) => void;

/** The parts of `http.Server` that `createServer` hands back for you to use. */
export interface NodeServerLike {
  listen(port?: number, host?: string, callback?: () => void): this;
  close(callback?: (error?: Error) => void): this;
  address(): unknown;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
}

/**
 * A `node:http` server for `handler` with every limit set: the listener's
 * (`toNodeListener`), and the server's own for headers and idle keep-alive
 * connections.
 *
 * ```js
 * import { createProxy } from "kling-extend";
 * import { createServer } from "kling-extend/node";
 *
 * createServer(createProxy({ apiKey, allowedOrigins }), { maxInFlight: 100 }).listen(8787);
 * ```
 */
export function createServer(
  handler: (request: Request) => Response | Promise<Response>,
  limits?: NodeLimits,
): NodeServerLike;
