//! Looking for reset secrets where none may be: a preview email, a log, a file.

/// Whether `text` holds something shaped like a one-time code (`K7P2M-9XQMD`: five and five
/// capital letters or digits).
pub fn has_code(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|word| {
            let (left, right) = word.split_once('-').unwrap_or_default();
            let symbol = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
            left.len() == 5 && right.len() == 5 && left.chars().chain(right.chars()).all(symbol)
        })
}

/// Whether `text` holds a reset link (the app's or the clinic web page's).
pub fn has_link(text: &str) -> bool {
    text.contains("token=")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_links_are_found_and_other_words_are_not() {
        assert!(has_code("Your code:\n    7KQ2M-XR4TD\n"));
        assert!(has_code("<p>7KQ2M-XR4TD</p>"));
        assert!(!has_code("[hidden: set up email in Settings › Mail]"));
        assert!(!has_code("Harborview-Animal clinic 2025-06-15"));
        assert!(!has_code("7kq2m-xr4td"));
        assert!(has_link("vetdesk://reset?token=abc"));
        assert!(!has_link("vetdesk://reset"));
    }
}
