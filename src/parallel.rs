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

#[cfg(test)]
mod tests {
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
