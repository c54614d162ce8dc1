fn main() {
    vetdesk_server::run();
}
