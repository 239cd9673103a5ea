/**
 * Control API under /__mock/ so tests that run inside a browser or a Worker
 * (with nothing but fetch) can drive the mock like in-process tests do.
 * These routes are never logged or faulted (see server.js).
 */
import { errorAnswer } from "./server.js";

/**
 * @param {{ reset(): void, fault(f: any): number, nameJobs(ids: any): number, configure(c: any): void,
 *           log: any[], readonly jobs: any[], readonly faults: any[],
 *           readonly config: any }} mock
 */
export function controlRoutes(mock) {
  /** Runs `fn` on the parsed JSON body; bad JSON or a TypeError become a 400. */
  const withJson = (fn) => ({ text }) => {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return errorAnswer(400, "body must be JSON");
    }
    try {
      return fn(body);
    } catch (err) {
      if (err instanceof TypeError) return errorAnswer(400, err.message);
      throw err;
    }
  };

  return [
    {
      method: "POST",
      path: "/__mock/reset",
      handle: () => {
        mock.reset();
        return { status: 204 };
      },
    },
    {
      method: "POST",
      path: "/__mock/faults",
      handle: withJson((body) => ({ status: 201, body: { queued: mock.fault(body) } })),
    },
    { method: "GET", path: "/__mock/faults", handle: () => ({ status: 200, body: mock.faults }) },
    {
      method: "POST",
      path: "/__mock/job-ids",
      handle: withJson((body) => ({ status: 201, body: { queued: mock.nameJobs(body) } })),
    },
    { method: "GET", path: "/__mock/log", handle: () => ({ status: 200, body: mock.log }) },
    { method: "GET", path: "/__mock/jobs", handle: () => ({ status: 200, body: mock.jobs }) },
    { method: "GET", path: "/__mock/callbacks", handle: () => ({ status: 200, body: mock.callbacks }) },
    {
      method: "POST",
      path: "/__mock/config",
      handle: withJson((body) => {
        mock.configure(body);
        return { status: 204 };
      }),
    },
    { method: "GET", path: "/__mock/config", handle: () => ({ status: 200, body: mock.config }) },
  ];
}
