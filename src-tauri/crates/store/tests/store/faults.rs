//! The network between a workstation and the clinic's PostgreSQL server going down and coming
//! back, through a TCP proxy the test controls in front of the real server: calls fail as
//! "cannot be reached" within seconds rather than hang, and work again once it is back, on the
//! same store, without a restart.

use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use vetdesk_core::ports::StaffStore;
use vetdesk_core::testing::T0;
use vetdesk_core::StoreError;
use vetdesk_store::{demo, PgStore};
use vetdesk_testkit::proxy::TcpProxy;

use crate::backends::{demo_hash, postgres_database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_network_fails_calls_fast_and_its_return_heals_the_store() {
    let guard = postgres_database("").await;
    let direct = guard.options();
    let server = std::net::SocketAddr::from(([127, 0, 0, 1], direct.get_port()));
    let proxy = TcpProxy::start(server);
    let through: PgConnectOptions = direct.clone().host("127.0.0.1").port(proxy.port);
    let store = PgStore::open(through).await.unwrap();
    demo::seed_staff(&store, T0, |_| demo_hash()).await.unwrap();
    assert!(store.ping().await.is_ok());
    let staff = store.list_staff("", 100).await.unwrap().len();

    proxy.cut();
    let started = Instant::now();
    let failed = store.list_staff("", 100).await;
    let took = started.elapsed();
    assert!(
        matches!(failed, Err(StoreError::Unavailable(_))),
        "{failed:?}"
    );
    assert!(took < Duration::from_secs(5), "the call hung for {took:?}");
    let started = Instant::now();
    let ping = store.ping().await;
    assert!(matches!(ping, Err(StoreError::Unavailable(_))), "{ping:?}");
    assert!(started.elapsed() < Duration::from_secs(5));

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(10);
    let back = loop {
        match store.list_staff("", 100).await {
            Ok(list) => break list,
            Err(e) => {
                assert!(Instant::now() < deadline, "still failing: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    assert_eq!(back.len(), staff);
    assert!(store.ping().await.is_ok());
}
