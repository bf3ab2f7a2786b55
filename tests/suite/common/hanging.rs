//! A local endpoint that hangs: the audits that must time out, be interrupted or draw a
//! progress bar run against it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A TCP server on 127.0.0.1 that reads requests and never answers them, except, when
/// asked to, `sts:GetCallerIdentity`: then the base credentials check passes and what
/// hangs are the calls into the accounts.
pub struct HangingServer {
    pub port: u16,
    hung: Arc<AtomicUsize>,
}

const IDENTITY: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAORGEXITTEST</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

impl HangingServer {
    /// Hangs on every request.
    pub fn start() -> HangingServer {
        Self::serving(false)
    }

    /// Answers GetCallerIdentity, hangs on everything else.
    pub fn knowing_the_caller() -> HangingServer {
        Self::serving(true)
    }

    fn serving(identity: bool) -> HangingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hung = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&hung);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let count = Arc::clone(&count);
                std::thread::spawn(move || serve(stream, identity, &count));
            }
        });
        HangingServer { port, hung }
    }

    /// Requests received and left hanging.
    pub fn hung(&self) -> usize {
        self.hung.load(Ordering::SeqCst)
    }
}

/// Serves one connection: requests in turn, until one is left hanging.
fn serve(mut stream: TcpStream, identity: bool, hung: &AtomicUsize) {
    while let Some(request) = read_request(&mut stream) {
        if identity && request.contains("Action=GetCallerIdentity") {
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{IDENTITY}",
                IDENTITY.len()
            );
            if stream.write_all(answer.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        hung.fetch_add(1, Ordering::SeqCst);
        let mut sink = [0u8; 4096];
        while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        return;
    }
}

/// One HTTP request (head and body), or `None` when the connection closed.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut byte = [0u8; 1];
    while !data.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        data.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&data).to_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    data.extend_from_slice(&body);
    Some(String::from_utf8_lossy(&data).to_string())
}
