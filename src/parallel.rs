//! Work spread over the machine's cores, for the parts of a build that are many independent
//! pieces: feed documents, pages, sync records. Scoped threads, no pool, results in order.

/// `work` on every item, spread over the machine's cores; results in the items' order, or the
/// first error.
pub fn map<T: Sync, R: Send, E: Send>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let threads = cores().min(items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        done.push((index, work(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// The cores this process may use, asked once: on Linux each answer reads the cgroup's CPU
/// quota from `/proc` and `/sys`.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// How much lower than the thread that receives downloads the threads that hash, write and
/// probe them run (a `nice` step).
#[cfg(target_os = "linux")]
const HELPER_NICENESS: libc::c_int = 5;

/// Lowers the calling thread's priority a little, to [`HELPER_NICENESS`] below the main
/// thread's: a sync's helpers (hashing and writing what arrived, probing it, encoding
/// renditions) then leave the cores to the one thread that reads every connection when they
/// are busy, so the network is never left unread while there is work queued behind it. A
/// helper started by a helper ends at the same level, not lower. Linux only, and only ever
/// lower: no privilege is needed.
pub fn helper_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `getpid`, `getpriority` and `setpriority` only read their integer arguments.
    // On Linux a nice value belongs to each thread: the process id names the main thread, and
    // `PRIO_PROCESS` with id 0 the calling thread. A failure leaves the priority as it was,
    // which is harmless.
    unsafe {
        let main = libc::id_t::try_from(libc::getpid()).unwrap_or(0);
        let level = libc::getpriority(libc::PRIO_PROCESS, main);
        libc::setpriority(libc::PRIO_PROCESS, 0, (level + HELPER_NICENESS).min(19));
    }
}

#[cfg(test)]
mod tests {
    /// A helper thread runs [`super::HELPER_NICENESS`] lower than the main thread, and so does
    /// a helper it starts; the thread that spawned it keeps its own priority.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_helper_lowers_only_its_own_priority_and_only_once() {
        // SAFETY: `getpriority` only reads its integer arguments.
        let priority = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let before = priority();
        let (helper, nested) = std::thread::spawn(move || {
            super::helper_priority();
            let nested = std::thread::spawn(move || {
                super::helper_priority();
                priority()
            })
            .join()
            .expect("the nested helper");
            (priority(), nested)
        })
        .join()
        .expect("the helper thread");
        assert_eq!(helper, (before + super::HELPER_NICENESS).min(19));
        assert_eq!(nested, helper);
        assert_eq!(priority(), before);
    }

    #[test]
    fn keeps_the_order_and_returns_the_first_error() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(
            super::map(&items, |n| Ok::<_, ()>(n * 2)).unwrap(),
            (0..100).map(|n| n * 2).collect::<Vec<_>>()
        );
        assert_eq!(
            super::map(&items, |n| if *n == 7 { Err(*n) } else { Ok(*n) }),
            Err(7)
        );
    }
}
