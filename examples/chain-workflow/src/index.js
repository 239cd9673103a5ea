import { WorkflowEntrypoint } from "cloudflare:workers";
import { deliverCallback, runChain } from "kling-extend/workflows";

/** One chain: `{ videoId, prompts, callbackUrl }` in, the finished jobs out. */
export class Chain extends WorkflowEntrypoint {
  run(event, step) {
    const { videoId, prompts, callbackUrl } = event.payload;
    const callbackTimeout = this.env.CALLBACK_TIMEOUT;
    return runChain(event, step, { videoId, prompts, callbackUrl, callbackTimeout, options: options(this.env) });
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/callback") return deliverCallback(request, env.CHAIN, env.WEBHOOK_SECRET);
    if (url.pathname === "/chains" && request.method === "POST") {
      const { videoId, prompts } = await request.json();
      const callbackUrl = new URL("/callback", url).href;
      const instance = await env.CHAIN.create({ params: { videoId, prompts, callbackUrl } });
      return Response.json({ id: instance.id }, { status: 202 });
    }
    const chain = /^\/chains\/([\w-]+)$/.exec(url.pathname);
    if (chain) return Response.json(await (await env.CHAIN.get(chain[1])).status());
    return new Response("not found", { status: 404 });
  },
};

/** The service and its key, from the Worker's vars and secrets (never the chain's params, which are stored). */
function options(env) {
  const baseUrl = env.UPSTREAM_URL || undefined;
  if (env.PROVIDER === "trinetra") return { provider: "trinetra", apiKey: env.TRINETRA_API_KEY, baseUrl };
  return { provider: "kling", apiKey: env.KLING_API_KEY, baseUrl };
}
