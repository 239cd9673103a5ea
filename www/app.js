// The demo page: wires the connection, the quote panel, the extend form and
// the job view together. Each lives in its own module.
import { createConnection } from "./connection.js";
import { createExtendForm } from "./extend-form.js";
import { createJobView } from "./job-view.js";
import { createQuotePanel } from "./quote-panel.js";

/** Set once /config.json has been read. */
let connection = null;

// The calculator needs no network: the quote panel works before (and without) the rest.
// The panel and the form share one resolution and mode: a change in either shows in both.
const quotePanel = createQuotePanel({ onTierChange: (tier) => extendForm.setTier(tier) });

const jobView = createJobView({
  onBusy: (busy) => extendForm.setBusy(busy),
  onFieldError: (field, message) => connection?.showError(field, message) || extendForm.showRemoteError(field, message),
  onExtendResult: (videoId) => extendForm.useVideoId(videoId),
});

const extendForm = createExtendForm({
  onTierChange: (tier) => quotePanel.setTier(tier),
  onSubmit: ({ provider, request }) => {
    if (!connection) return; // still reading /config.json
    const estimate = quotePanel.estimate({ provider, resolution: request.resolution, mode: request.mode });
    void jobView.run({ baseUrl: connection.baseUrl, provider, request, estimate });
  },
});

connection = await createConnection({
  onProviderChange: (provider) => {
    extendForm.setProvider(provider);
    quotePanel.setProvider(provider);
  },
});
extendForm.setProvider(connection.provider);
quotePanel.setProvider(connection.provider);
document.documentElement.dataset.ready = "true";
