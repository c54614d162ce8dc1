//! What every store promises the rate limits: a fixed window per key, each attempt counted in
//! one atomic step.

use vetdesk_core::limits::Limit;
use vetdesk_core::testing::T0;

use crate::backends::StoreFactory;

const LIMIT: Limit = Limit::per(3, 60_000);

pub async fn limits_count_in_fixed_windows_per_key<F: StoreFactory>() {
    let (store, _guard) = F::open().await;
    let hit = |key: &'static str, at: i64| store.hit(key, LIMIT, at);
    for n in 0..3 {
        assert_eq!(hit("a", T0 + n).await.unwrap(), None);
    }
    assert_eq!(hit("a", T0 + 10_000).await.unwrap(), Some(50_000));
    assert_eq!(hit("b", T0 + 10_000).await.unwrap(), None, "another key");
    // The window ends a minute after it opened, however many came later.
    assert_eq!(hit("a", T0 + 59_999).await.unwrap(), Some(1));
    assert_eq!(hit("a", T0 + 60_000).await.unwrap(), None);
    assert_eq!(hit("a", T0 + 70_000).await.unwrap(), None);
    assert_eq!(hit("a", T0 + 80_000).await.unwrap(), None);
    assert_eq!(hit("a", T0 + 90_000).await.unwrap(), Some(30_000));
}

pub async fn a_taken_back_attempt_frees_its_place_in_its_own_window_only<F: StoreFactory>() {
    let (store, _guard) = F::open().await;
    let hit = |at: i64| store.hit("k", LIMIT, at);
    for _ in 0..3 {
        assert_eq!(hit(T0).await.unwrap(), None);
    }
    store.take_back("k", LIMIT, T0 + 1).await.unwrap();
    assert_eq!(hit(T0 + 2).await.unwrap(), None, "its place is free again");
    assert!(hit(T0 + 3).await.unwrap().is_some());
    // After the window, taking back changes nothing in the next one.
    store.take_back("k", LIMIT, T0 + 60_000).await.unwrap();
    for _ in 0..3 {
        assert_eq!(hit(T0 + 60_001).await.unwrap(), None);
    }
    assert!(hit(T0 + 60_002).await.unwrap().is_some());
    store.take_back("never-hit", LIMIT, T0).await.unwrap();
}

pub async fn parallel_hits_let_no_more_than_the_limit_through<F: StoreFactory>() {
    let (store, _guard) = F::open().await;
    let limit = Limit::per(5, 60_000);
    let hits: Vec<_> = (0..24)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.hit("k", limit, T0).await.unwrap() })
        })
        .collect();
    let mut allowed = 0;
    for hit in hits {
        if hit.await.unwrap().is_none() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5);
}
