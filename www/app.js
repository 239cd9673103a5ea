// The demo page: wires the connection, the quote panel, the extend form and
// the job view together. Each lives in its own module.
import { createConnection } from "./connection.js";
import { createExtendForm } from "./extend-form.js";
import { createJobView } from "./job-view.js";
import { createQuotePanel } from "./quote-panel.js";

/** Set once /config.json has been read. */
let connection = null;

/** One provider for the whole page, whichever control picked it. */
function setProvider(provider) {
  connection?.setProvider(provider);
  extendForm.setProvider(provider);
  quotePanel.setProvider(provider);
}

const jobView = createJobView({
  onBusy: (busy) => extendForm.setBusy(busy),
  onFieldError: (field, message) => connection?.showError(field, message) || extendForm.showRemoteError(field, message),
  onExtendResult: (videoId, seconds) => {
    extendForm.useVideoId(videoId);
    if (seconds !== undefined) quotePanel.setSourceSeconds(seconds);
  },
});

// The form runs what the quote panel prices: they share one provider, one
// resolution and mode, and the panel's chain (source length, extensions).
const extendForm = createExtendForm({
  onTierChange: (tier) => quotePanel.setTier(tier),
  onSubmit: async ({ provider, request }) => {
    if (!connection) return "Not sent: the page is still loading.";
    const plan = quotePanel.plan();
    if (plan.problem) return `Not sent: ${plan.problem}.`;
    const refused = await connection.describeSource(plan.input.sourceSeconds);
    if (refused) return `Not sent: ${refused}.`;
    void jobView.run({ baseUrl: connection.baseUrl, provider, request, plan });
  },
});

// The calculator needs no network: the quote panel works before (and without) the rest.
const quotePanel = createQuotePanel({
  onTierChange: (tier) => extendForm.setTier(tier),
  onProviderChange: setProvider,
  onPlanChange: (plan) => extendForm.showPlan(plan),
});

connection = await createConnection({ onProviderChange: setProvider });
setProvider(connection.provider);
document.documentElement.dataset.ready = "true";
