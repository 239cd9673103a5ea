import { createProxy } from "kling-extend";

let proxy;

export default {
  fetch(request, env) {
    proxy ??= createProxy(configFrom(env));
    return proxy(request);
  },
};

/** The proxy's config from the Worker's vars and secrets. */
function configFrom(env) {
  const common = {
    baseUrl: env.UPSTREAM_URL || undefined,
    allowedOrigins: env.ALLOWED_ORIGINS.split(",").map((origin) => origin.trim()),
  };
  if (env.PROVIDER === "kling") {
    return { ...common, provider: "kling", accessKey: env.KLING_ACCESS_KEY, secretKey: env.KLING_SECRET_KEY };
  }
  return { ...common, provider: "trinetra", apiKey: env.TRINETRA_API_KEY };
}
