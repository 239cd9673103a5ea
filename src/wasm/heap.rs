//! The wasm's global allocator. The client's builds use `talc`, whose
//! allocation and free take bounded time whatever the heap holds: a job
//! document of a million small objects is a million allocations and frees,
//! which `lol_alloc`'s free list (O(n) per free) took minutes over
//! (BENCHMARKS.md, "The allocator"). The calculator alone (`kling-extend/quote`)
//! keeps `lol_alloc` (`mod.rs`): it allocates a few short texts per quote, so
//! its free list stays short, and talc would cost 0.5 KB of its 12 KB budget.
//!
//! talc gets its memory from [`growing::Growing`] rather than from its own wasm
//! source, which grows the memory by as little as each allocation needs: in
//! V8 every `memory.grow` counts as new external memory, and hundreds of
//! small ones set off hundreds of garbage collections of the JS heap
//! (344 for one 7.6 MiB document; ≈ 0.8 s of its 1.4 s).

// `new_wasm` refuses (at compile time, in a const) any target with threads.
#[global_allocator]
static ALLOCATOR: talc::cell::TalcSyncCell<growing::Growing, talc::wasm::WasmBinning> =
    talc::cell::TalcSyncCell::new_wasm(growing::Growing::new());

mod growing {
    use core::alloc::Layout;
    use core::arch::wasm32::{memory_grow, memory_size};
    use core::ptr::NonNull;
    use talc::base::binning::Binning;
    use talc::base::Talc;
    use talc::source::Source;

    /// The unit of `memory.grow`.
    const PAGE: usize = 64 << 10;

    /// Each time the heap runs out, the memory grows by at least a quarter of
    /// its size: a document that needs N bytes costs O(log N) growths (and
    /// garbage collections), and the memory holds at most a quarter more than
    /// the largest heap a call needed. A half was no faster beyond the noise
    /// of a shared machine, and left 284 MiB where this leaves 198 after one
    /// 7.6 MiB document.
    const GROWTH_FRACTION: usize = 4;

    /// talc's memory source: the wasm memory, grown in steps of at least
    /// [`GROWTH_FRACTION`] of its size, each step joined to the heap when
    /// it is adjacent (nothing else grew the memory in between).
    #[derive(Debug)]
    pub struct Growing {
        /// The end of the heap talc was last given, where a growth continues it.
        end: Option<NonNull<u8>>,
    }

    impl Growing {
        pub const fn new() -> Growing {
            Growing { end: None }
        }
    }

    // SAFETY: `acquire` never allocates; it hands talc only memory it has
    // just grown, which nothing else uses.
    unsafe impl Source for Growing {
        fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
            // Enough for the allocation with its alignment, even in a new heap
            // that must first hold talc's own bins.
            let bytes = layout.size().saturating_add(layout.align()).saturating_add(talc::min_first_heap_size::<B>());
            let needed = bytes.div_ceil(PAGE);
            let step = needed.max(memory_size::<0>() / GROWTH_FRACTION);
            // When a large step is refused, the memory may still hold what is needed.
            let (first, pages) = grow(step).or_else(|| grow(needed)).ok_or(())?;
            let base = first * PAGE;
            // The memory's last byte is at 4 GiB − 1: its end saturates there.
            let end = (first + pages).saturating_mul(PAGE);
            talc.source.end = match talc.source.end.take() {
                // SAFETY: `old` ends talc's heap, and [base, end) was just grown right after it.
                Some(old) if old.as_ptr() as usize == base => Some(unsafe { talc.extend(old, end as *mut u8) }),
                // SAFETY: [base, end) was just grown; nothing else holds it.
                _ => Some(unsafe { talc.claim(base as *mut u8, end - base) }.ok_or(())?),
            };
            Ok(())
        }
    }

    /// Grows the memory by `pages`: the first new page and their count.
    fn grow(pages: usize) -> Option<(usize, usize)> {
        match memory_grow::<0>(pages) {
            usize::MAX => None,
            first => Some((first, pages)),
        }
    }
}

#[cfg(test)]
mod tests {
    use core::arch::wasm32::memory_size;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A million small allocations (≈ 80 MiB with the list holding them),
    /// and how many times the memory grew for them.
    fn allocate_many() -> (Vec<Vec<u8>>, usize) {
        let mut growths = 0;
        let mut pages = memory_size::<0>();
        let mut pieces = Vec::new();
        for i in 0..1_000_000 {
            pieces.push(vec![i as u8; 64]);
            if memory_size::<0>() != pages {
                growths += 1;
                pages = memory_size::<0>();
            }
        }
        (pieces, growths)
    }

    #[wasm_bindgen_test]
    fn the_memory_grows_in_few_large_steps_and_freed_memory_is_used_again() {
        let (pieces, growths) = allocate_many();
        // By a quarter each time: ≈ 20 from a few MiB; one page at a time would be over 1,000.
        assert!(growths <= 25, "the memory grew {growths} times");
        assert!(pieces.iter().enumerate().all(|(i, piece)| piece[63] == i as u8));
        drop(pieces);
        let pages = memory_size::<0>();
        let (again, growths) = allocate_many();
        assert_eq!((growths, memory_size::<0>()), (0, pages), "the freed memory holds the same allocations");
        drop(again);
    }
}
