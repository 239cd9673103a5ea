//! What has to cross threads: everything, natively, where a server moves a
//! call's future between its workers; nothing on wasm32, where there is one
//! thread and JS values (a `fetch` promise, a timer) cannot be `Send`.

/// `Send` off wasm32; no bound on wasm32. The traits of the client's
/// seams ([`HttpClient`](crate::HttpClient), [`Runtime`](crate::Runtime))
/// and the calls' callbacks ask for it, so natively they are `Send` as any
/// async Rust API's, and on wasm32 they may hold JS values.
///
/// ```
/// use kling_extend_client::MaybeSend;
///
/// fn takes<T: MaybeSend>(_: T) {}
/// takes(String::from("is Send, so MaybeSend everywhere"));
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}

/// `Send` off wasm32; no bound on wasm32. The traits of the client's
/// seams ([`HttpClient`](crate::HttpClient), [`Runtime`](crate::Runtime))
/// and the calls' callbacks ask for it, so natively they are `Send` as any
/// async Rust API's, and on wasm32 they may hold JS values.
///
/// ```
/// use kling_extend_client::MaybeSend;
///
/// fn takes<T: MaybeSend>(_: T) {}
/// takes(String::from("is Send, so MaybeSend everywhere"));
/// ```
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `Sync` off wasm32; no bound on wasm32 (see [`MaybeSend`]).
///
/// ```
/// use kling_extend_client::MaybeSync;
///
/// fn shares<T: MaybeSync>(_: &T) {}
/// shares(&42);
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSync: Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Sync + ?Sized> MaybeSync for T {}

/// `Sync` off wasm32; no bound on wasm32 (see [`MaybeSend`]).
///
/// ```
/// use kling_extend_client::MaybeSync;
///
/// fn shares<T: MaybeSync>(_: &T) {}
/// shares(&42);
/// ```
#[cfg(target_arch = "wasm32")]
pub trait MaybeSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSync for T {}
