//! A ready [`HttpClient`] over reqwest, with redirects off.

use crate::runtime::BoxFuture;
use crate::transport::{HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use kling_extend_core::types::http::RESPONSE_HEADERS;

/// What the ready client names itself.
const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// reqwest as the client's transport. Made from a `reqwest::Client` of your
/// own, keep its redirects off (`redirect::Policy::none()`): a followed
/// redirect carries the credential, perhaps to another origin.
///
/// ```
/// use kling_extend_client::ReqwestClient;
///
/// let http = ReqwestClient::new()?;
/// # Ok::<(), reqwest::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ReqwestClient(reqwest::Client);

impl ReqwestClient {
    /// A reqwest client with redirects off, naming itself
    /// (`kling-extend-client/0.1.0`) as a service's logs would want. It
    /// fails only when reqwest's TLS backend cannot start; there is no
    /// fallback, as reqwest's default client would follow redirects.
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider, ReqwestClient};
    ///
    /// let client = Client::builder(Provider::Trinetra).api_key("sk-…").http_client(ReqwestClient::new()?);
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    pub fn new() -> Result<Self, reqwest::Error> {
        Self::from_builder(reqwest::Client::builder().user_agent(USER_AGENT))
    }
}

impl ReqwestClient {
    /// A client from your own `builder` (proxies, TLS, pools), with its
    /// redirects turned off whatever it set: a followed redirect would carry
    /// the credential, and reqwest drops only `Authorization` and `Cookie`
    /// from one to another origin, not `X-API-Key`.
    ///
    /// ```
    /// use kling_extend_client::ReqwestClient;
    /// use std::time::Duration;
    ///
    /// let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).user_agent("my-app/1.0");
    /// let http = ReqwestClient::from_builder(builder)?;
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    pub fn from_builder(builder: reqwest::ClientBuilder) -> Result<Self, reqwest::Error> {
        builder.redirect(reqwest::redirect::Policy::none()).build().map(ReqwestClient)
    }
}

impl HttpClient for ReqwestClient {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let max_bytes = request.max_bytes as usize;
            let mut response = self.0.execute(outgoing(&self.0, request)?).await.map_err(failed)?;
            let status = response.status().as_u16();
            let headers = read_headers(response.headers());
            // One allocation for a body whose length is announced, up to 64 KiB
            // (an answer that announces more and sends less costs no more).
            let announced = response.content_length().map_or(0, |length| length.min(max_bytes.min(1 << 16) as u64));
            let announced = announced as usize;
            let mut body = Vec::with_capacity(announced);
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                if body.len() + chunk.len() > max_bytes {
                    return Err(TransportError::new(TransportErrorKind::TooLarge));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(HttpResponse { status, headers, body })
        })
    }
}

/// The reqwest request, or `NeverSent` for one it cannot make.
fn outgoing(client: &reqwest::Client, request: HttpRequest) -> Result<reqwest::Request, TransportError> {
    let method = if request.method == "POST" { reqwest::Method::POST } else { reqwest::Method::GET };
    let mut builder = client.request(method, &request.url);
    for (name, value) in &request.headers {
        let value = header_value(value).ok_or_else(|| TransportError::new(TransportErrorKind::NeverSent))?;
        builder = builder.header(name, value);
    }
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    builder.build().map_err(|error| TransportError::new(TransportErrorKind::NeverSent).with_source(error))
}

/// A failed exchange: a connection never made proves nothing was sent.
/// A header's value as sent: the core allows Latin-1, sent as one byte a
/// character, as fetch does; the usual ASCII value is taken as it is.
fn header_value(value: &str) -> Option<reqwest::header::HeaderValue> {
    if value.is_ascii() {
        return reqwest::header::HeaderValue::from_str(value).ok();
    }
    let bytes: Option<Vec<u8>> = value.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
    reqwest::header::HeaderValue::from_bytes(&bytes?).ok()
}

/// The headers the core reads (reqwest's names are lower case already),
/// copied as `fetch`'s `Headers.get` gives them, so the npm package and
/// this client read one answer alike: a repeated header's values joined by
/// `, `, and each byte past ASCII as the Latin-1 character it is.
fn read_headers(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    let latin1 = |value: &reqwest::header::HeaderValue| value.as_bytes().iter().map(|&byte| char::from(byte)).collect();
    RESPONSE_HEADERS
        .iter()
        .filter_map(|name| {
            let values: Vec<String> = headers.get_all(*name).iter().map(latin1).collect();
            (!values.is_empty()).then(|| ((*name).to_owned(), values.join(", ")))
        })
        .collect()
}

fn failed(error: reqwest::Error) -> TransportError {
    let kind = if error.is_connect() { TransportErrorKind::ConnectFailed } else { TransportErrorKind::Network };
    TransportError::new(kind).with_source(error)
}
