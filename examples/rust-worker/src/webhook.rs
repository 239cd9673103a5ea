//! `POST /webhook`: the service's signed delivery of a job's change, checked
//! by the client's `verify_webhook` (Standard Webhooks: the three headers,
//! the timestamp within 5 minutes, an HMAC-SHA256 under `WEBHOOK_SECRET`).

use crate::answer;
use kling_extend_client::{verify_webhook, Error, WebhookHeaders, WebhookOptions};
use worker::{console_log, Request, Response, Result, RouteContext};

/// 204 for a delivery that verifies; 401 for one whose headers do not (a
/// forged, altered or replayed delivery), 400 for a signed body that is not
/// a job; 500 when the Worker has no secret to check with.
pub async fn receive(mut request: Request, context: RouteContext<()>) -> Result<Response> {
    let Ok(secret) = context.env.secret("WEBHOOK_SECRET") else {
        return answer::refused(500, "server_error", "the Worker has no secret WEBHOOK_SECRET");
    };
    // The body exactly as it came: the signature covers its bytes.
    let body = request.bytes().await?;
    let headers = WebhookHeaders::from_fn(|name| request.headers().get(name).ok().flatten());
    match verify_webhook(&body, &headers, &[secret.to_string()], WebhookOptions::default()) {
        Ok(verified) => {
            // Here a real Worker stores the job, keyed by `verified.webhook.id`
            // to drop a delivery sent again.
            console_log!("job {} is {:?}", verified.job.id, verified.job.status);
            Ok(Response::empty()?.with_status(204))
        }
        Err(error) => answer::with_status(&error, refusal_status(&error)),
    }
}

/// Which party is at fault: the sender's headers (401), the signed body (400)
/// or the Worker's own secret (500, `secret`: not a `whsec_` key).
fn refusal_status(error: &Error) -> u16 {
    match error.field() {
        Some(field) if field.starts_with("headers.") => 401,
        Some("secret") => 500,
        _ => 400,
    }
}
