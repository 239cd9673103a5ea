// The connection: where requests go (the base URL, by default this demo's
// proxy from /config.json) and which service's API to speak. There is no key
// field: the proxy holds the key.
import { byId, setFieldError } from "./dom.js";

/**
 * /config.json names the local proxy, and the local mock behind it; without it
 * (a static copy of the page) this origin is used, and no mock is known.
 */
async function loadConfig() {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (response.ok) {
      const config = await response.json();
      if (typeof config?.baseUrl === "string" && config.baseUrl) return config;
    }
  } catch {
    // Offline or served without the demo server: fall through.
  }
  return { baseUrl: location.origin };
}

export async function createConnection({ onProviderChange }) {
  const form = byId("connection-form");
  const baseUrl = byId("c-base-url");
  const { baseUrl: proxyUrl, mockUrl } = await loadConfig();
  baseUrl.value = proxyUrl;
  baseUrl.placeholder = proxyUrl;

  const provider = () => form.elements.provider.value;
  form.addEventListener("input", (event) => {
    if (event.target === baseUrl) setFieldError(baseUrl, "");
    else onProviderChange(provider());
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  return {
    get provider() {
      return provider();
    },
    /** The typed base URL; an empty field means the local proxy. */
    get baseUrl() {
      return baseUrl.value.trim() || proxyUrl;
    },
    /** Follows the quote panel's provider: one choice for the whole page. */
    setProvider(value) {
      form.elements.provider.value = value;
    },
    /**
     * A real service knows how long the video it extends is; the local mock
     * is told: the quote's source length, for requests that go to it (through
     * this demo's proxy). Resolves with the mock's refusal, or null.
     */
    async describeSource(seconds) {
      if (!mockUrl || this.baseUrl !== proxyUrl) return null;
      const told = fetch(`${mockUrl}/__mock/config`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sourceSeconds: seconds }),
      });
      const response = await told.catch(() => null);
      if (!response) return "the local mock did not answer";
      if (response.ok) return null;
      const reason = await response.json().then((body) => body?.error?.message, () => undefined);
      return `the local mock cannot stand in for a ${seconds} s source (${reason ?? `HTTP ${response.status}`})`;
    },
    /** An invalid_request about the connection (baseUrl, provider), next to its field. */
    showError(field, message) {
      if (field !== "baseUrl") return false;
      setFieldError(baseUrl, message);
      baseUrl.focus();
      return true;
    },
  };
}
