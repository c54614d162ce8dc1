//! A TCP proxy the test controls, between a program and a real server: `cut` drops every
//! connection through it at once and refuses new ones, as a network that goes down does for the
//! program; `stall` stops every byte on its way without closing anything, as a pulled cable
//! does (a half-open connection: the program's reads wait for an answer that never comes);
//! `restore` lets connections through again.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct TcpProxy {
    pub port: u16,
    shared: Arc<Shared>,
}

struct Shared {
    cut: AtomicBool,
    /// Bytes are dropped on their way, and nothing is closed.
    stalled: AtomicBool,
    closed: AtomicBool,
    /// Both ends of every connection through the proxy, to shut down on a cut.
    open: Mutex<Vec<TcpStream>>,
}

impl TcpProxy {
    /// Listens on a free port of 127.0.0.1 and forwards each connection to `target`.
    pub fn start(target: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            cut: AtomicBool::new(false),
            stalled: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            open: Mutex::new(Vec::new()),
        });
        let accepting = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.closed.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                if accepting.cut.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                if accepting.stalled.load(Ordering::SeqCst) {
                    // Held open, never answered.
                    accepting
                        .open
                        .lock()
                        .unwrap()
                        .push(client.try_clone().unwrap());
                    pipe(client.try_clone().unwrap(), client, accepting.clone());
                    continue;
                }
                let Ok(server) = TcpStream::connect(target) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                {
                    let mut open = accepting.open.lock().unwrap();
                    open.push(client.try_clone().unwrap());
                    open.push(server.try_clone().unwrap());
                }
                pipe(
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    accepting.clone(),
                );
                pipe(server, client, accepting.clone());
            }
        });
        TcpProxy { port, shared }
    }

    /// Drops every connection through the proxy and refuses new ones.
    pub fn cut(&self) {
        self.shared.cut.store(true, Ordering::SeqCst);
        for stream in self.shared.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Stops every byte on its way, closing nothing: connections stay open and silent, and new
    /// ones are taken and never answered.
    pub fn stall(&self) {
        self.shared.stalled.store(true, Ordering::SeqCst);
    }

    /// Lets new connections through again. Connections that were stalled lost bytes on the
    /// way, as after a long outage: they are closed.
    pub fn restore(&self) {
        if self.shared.stalled.swap(false, Ordering::SeqCst) {
            for stream in self.shared.open.lock().unwrap().drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        self.shared.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
        self.shared.closed.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so that it sees it is closed.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Copies `from` into `to` until either ends, then ends both; while the proxy is stalled, what
/// `from` sends is dropped.
fn pipe(mut from: TcpStream, mut to: TcpStream, shared: Arc<Shared>) {
    thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) if shared.stalled.load(Ordering::SeqCst) => {}
                Ok(n) => {
                    if to.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    });
}
