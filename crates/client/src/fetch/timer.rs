//! One wait on the platform's `setTimeout`, cleared when dropped: a wait
//! cut short (an exchange that answered before its timeout) leaves no timer
//! behind and no callback to leak.

use super::{clear_timeout, set_timeout};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The longest delay `setTimeout` takes: past it, it fires at once.
pub(super) const MAX_DELAY_MS: u64 = (1 << 31) - 1;

/// Whether the timer fired, and who waits for it.
#[derive(Default)]
struct State {
    fired: bool,
    waker: Option<Waker>,
}

/// A future that completes when its `setTimeout` fires.
pub(super) struct Timer {
    state: Rc<RefCell<State>>,
    /// The handle to clear, while the timer is pending.
    handle: Option<JsValue>,
    /// What `setTimeout` calls; freed with the timer, once it has fired or
    /// been cleared, so never called after.
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// A timer of `ms` (at most [`MAX_DELAY_MS`]). A runtime without
    /// `setTimeout` gets one that has already fired: each exchange then
    /// times out at once and the call fails, rather than polling without
    /// pause or waiting forever.
    pub(super) fn new(ms: u64) -> Timer {
        let state = Rc::new(RefCell::new(State::default()));
        let fired = Rc::clone(&state);
        let callback = Closure::<dyn FnMut()>::new(move || {
            let mut state = fired.borrow_mut();
            state.fired = true;
            if let Some(waker) = state.waker.take() {
                waker.wake();
            }
        });
        let handle = set_timeout(callback.as_ref().unchecked_ref(), ms.min(MAX_DELAY_MS) as f64).ok();
        if handle.is_none() {
            state.borrow_mut().fired = true;
        }
        Timer { state, handle, _callback: callback }
    }
}

impl Future for Timer {
    type Output = ();

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.borrow_mut();
        if state.fired {
            return Poll::Ready(());
        }
        state.waker = Some(context.waker().clone());
        Poll::Pending
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if !self.state.borrow().fired {
            if let Some(handle) = &self.handle {
                clear_timeout(handle);
            }
        }
    }
}
