//! What both backends read rows with: the newtypes sqlx decodes core types into, the words core
//! enums are stored as, counters, and search patterns.

use sqlx::{ColumnIndex, Decode, Row, Type};

/// Declares `$db`, the newtype sqlx reads a `$core` into from a `$row_type` (its `FromRow` needs a
/// local type), and its unwrapping: each field from the column of its name, or from the
/// expression after it.
macro_rules! row_type {
    ($row_type:path; $vis:vis $db:ident($core:ident), |$row:ident| { $($field:ident $(: $read:expr)?),+ $(,)? }) => {
        $vis struct $db($core);

        impl<'r> sqlx::FromRow<'r, $row_type> for $db {
            fn from_row($row: &'r $row_type) -> sqlx::Result<Self> {
                Ok(Self($core {
                    $($field: row_type!(@read $row, $field $(, $read)?),)+
                }))
            }
        }

        impl From<$db> for $core {
            fn from(row: $db) -> Self {
                row.0
            }
        }
    };
    (@read $row:ident, $field:ident) => {
        sqlx::Row::try_get($row, stringify!($field))?
    };
    (@read $row:ident, $field:ident, $read:expr) => {
        $read
    };
}

/// A column holding one of the words a core enum is stored as.
pub(crate) fn word<R, T>(row: &R, column: &str, parse: fn(&str) -> Option<T>) -> sqlx::Result<T>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unknown value {text:?}").into(),
    })
}

/// A counter column; the core counts in `u32`.
pub(crate) fn counter<R>(row: &R, column: &str) -> sqlx::Result<u32>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let n: i64 = row.try_get(column)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// `query` as a `LIKE ... ESCAPE '\'` pattern that matches it anywhere, wildcards taken literally.
pub(crate) fn like_pattern(query: &str) -> String {
    let escaped = query
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The first string after every string that begins with `prefix`: its last character, moved on
/// by one. `None` when there is none (the prefix ends in U+10FFFF, the last character).
pub(crate) fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}
