// Types of `kling-extend/node`. They name only what the listener uses of
// node:http's objects, so they need no @types/node: `http.createServer`
// takes the listener as it is.

/** The parts of `http.IncomingMessage` the listener reads. */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  rawHeaders: string[];
  headers: { host?: string };
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
 * 400, a handler that throws 500, all as JSON `{ error: { code, message } }`;
 * a client that goes away aborts `request.signal`.
 */
export function toNodeListener(
  handler: (request: Request) => Response | Promise<Response>,
): (request: NodeRequestLike, response: NodeResponseLike) => void;
