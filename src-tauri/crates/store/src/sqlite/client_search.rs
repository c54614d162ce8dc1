//! The Clients search: which plan finds a page of matches, and its SQL. Every kind of match
//! (first name, last name, "first last", email, pet, phone) is a range on its own index.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use vetdesk_core::client::{
    ClientFilter, ClientQuery, ClientRow, PortalAccountStatus, PortalStatus,
};

use super::{fetch_all, word, RowsQuery};
use crate::rows::prefix_end;

/// The columns of a Clients row, read from `clients c`: its pets' names in the order they were
/// added, and its portal account's status, if any.
macro_rules! client_rows {
    ($($rest:expr),+) => {
        concat!(
            "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, \
             (SELECT json_group_array(p.name ORDER BY p.id) FROM pets p \
              WHERE p.client_id = c.id) AS pets, \
             (SELECT a.status FROM portal_accounts a WHERE a.client_id = c.id) AS portal \
             FROM ",
            $($rest),+
        )
    };
}

/// What every listing of clients shares: `?1`, `?2` and `?3` the lower-case last name, first
/// name and id of the row a page starts after (the first page starts after a row that sorts
/// before every client), `?4` 1 for only those with an email and no portal account, and `?5`
/// the page size. SQLite does not make a range of a row-value comparison on an index of
/// expressions, so the bound on the last name alone, which the comparison implies, starts the
/// range on `clients_sort`; the comparison then only passes over the rows of that last name.
macro_rules! page_of {
    ($from:literal) => {
        page_of!($from, "")
    };
    ($from:literal, $also:literal) => {
        client_rows!(
            $from,
            " WHERE lower(c.last_name) >= ?1 \
             AND (lower(c.last_name), lower(c.first_name), c.id) > (?1, ?2, ?3) \
             AND (?4 = 0 OR (c.email IS NOT NULL AND c.email <> '' AND NOT EXISTS \
              (SELECT 1 FROM portal_accounts a WHERE a.client_id = c.id))) ",
            $also,
            " ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT ?5"
        )
    };
}

/// The first page of one kind's matches in the list's order, after the cursor (`?1`–`?3`), at
/// most `?5` rows: `$from` names the rows and `$sort` their place in the list, which each
/// kind's index carries beside its term, so the page is sorted from the index alone.
macro_rules! first_of {
    ($from:literal, $sort:literal, $range:literal) => {
        concat!(
            "SELECT * FROM (SELECT ",
            $sort,
            " FROM ",
            $from,
            " WHERE ",
            $range,
            " AND (l, f, id) > (?1, ?2, ?3) ORDER BY l, f, id LIMIT ?5)"
        )
    };
}

/// Every client, a page at a time, read along `clients_sort`.
const LIST: &str = page_of!("clients c");
/// The clients that match by prefix: `?6` the lower-case text and `?7` the first string after
/// every string it begins, `?8` and `?9` the same for the phone's digits and `?10`, `?11` for
/// them after the clinic's country code (`NULL` when the query is no phone number, which
/// matches nothing). Each kind is a range scan on its own
/// index; the matches are then read by id (`CROSS JOIN` keeps that order) and sorted.
const SEARCH: &str = page_of!(
    "(SELECT id FROM clients WHERE lower(first_name) >= ?6 AND lower(first_name) < ?7 \
      UNION SELECT id FROM clients WHERE lower(last_name) >= ?6 AND lower(last_name) < ?7 \
      UNION SELECT id FROM clients \
       WHERE lower(first_name || ' ' || last_name) >= ?6 \
       AND lower(first_name || ' ' || last_name) < ?7 \
      UNION SELECT id FROM clients WHERE lower(email) >= ?6 AND lower(email) < ?7 \
      UNION SELECT client_id FROM pets WHERE lower(name) >= ?6 AND lower(name) < ?7 \
      UNION SELECT id FROM clients WHERE phone_digits >= ?8 AND phone_digits < ?9 \
      UNION SELECT id FROM clients WHERE phone_digits >= ?10 AND phone_digits < ?11) AS m \
     CROSS JOIN clients c ON c.id = m.id"
);

/// The page of every client that matches by prefix, taken from the first page of each kind's
/// matches: the page's rows are among those, whichever kind they match by. `?6`, `?7` the
/// lower-case text and the first string after every string it begins; `?8`–`?11` the phone's
/// digits and them after the clinic's country code, each with its end (`NULL`: no phone
/// number, which matches nothing). Each kind reads its own index only; a client who matches
/// two ways is listed once.
const FIRST_PAGE: &str = client_rows!(
    "(SELECT DISTINCT l, f, id FROM (",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(first_name) >= ?6 AND lower(first_name) < ?7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(last_name) >= ?6 AND lower(last_name) < ?7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(first_name || ' ' || last_name) >= ?6 AND lower(first_name || ' ' || last_name) < ?7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(email) >= ?6 AND lower(email) < ?7"
    ),
    " UNION ALL ",
    first_of!(
        "pets",
        "owner_last AS l, owner_first AS f, client_id AS id",
        "lower(name) >= ?6 AND lower(name) < ?7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "phone_digits >= ?8 AND phone_digits < ?9"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "phone_digits >= ?10 AND phone_digits < ?11"
    ),
    ") ORDER BY l, f, id LIMIT ?5) AS m CROSS JOIN clients c ON c.id = m.id \
     ORDER BY m.l, m.f, m.id"
);

/// The same matches as [`SEARCH`], found by walking the clients in list order along
/// `clients_sort` and testing each, which stops once a page is full (the pets' matches are
/// collected once, not looked up per client). For a query that matches
/// many clients ("a", a common pet's name) that is a short walk, where [`SEARCH`] would collect
/// and sort thousands of matches; for one that matches few it would walk the whole table.
const WALK: &str = page_of!(
    "clients c INDEXED BY clients_sort",
    "AND ((lower(c.first_name) >= ?6 AND lower(c.first_name) < ?7) \
      OR (lower(c.last_name) >= ?6 AND lower(c.last_name) < ?7) \
      OR (lower(c.first_name || ' ' || c.last_name) >= ?6 \
          AND lower(c.first_name || ' ' || c.last_name) < ?7) \
      OR (lower(c.email) >= ?6 AND lower(c.email) < ?7) \
      OR c.id IN (SELECT client_id FROM pets WHERE lower(name) >= ?6 AND lower(name) < ?7) \
      OR (c.phone_digits >= ?8 AND c.phone_digits < ?9) \
      OR (c.phone_digits >= ?10 AND c.phone_digits < ?11))"
);

/// Counts the matches of the same ranges as [`SEARCH`] (`?1`–`?6`: the text, the phone's
/// digits and them after the country code, each with its end), a client once for each way it
/// matches, up to `?7`: only enough to tell whether the query matches many clients.
const PROBE: &str = "SELECT count(*) FROM ( \
     SELECT 1 FROM clients WHERE lower(first_name) >= ?1 AND lower(first_name) < ?2 \
     UNION ALL SELECT 1 FROM clients WHERE lower(last_name) >= ?1 AND lower(last_name) < ?2 \
     UNION ALL SELECT 1 FROM clients WHERE lower(email) >= ?1 AND lower(email) < ?2 \
     UNION ALL SELECT 1 FROM pets WHERE lower(name) >= ?1 AND lower(name) < ?2 \
     UNION ALL SELECT 1 FROM clients WHERE phone_digits >= ?3 AND phone_digits < ?4 \
     UNION ALL SELECT 1 FROM clients WHERE phone_digits >= ?5 AND phone_digits < ?6 \
     LIMIT ?7)";

/// From this many matches on, walking the list beats collecting and sorting them. Walking finds
/// a page of 101 after about 101 × clients / matches rows (about 1.8 µs each), sorting costs
/// about 2.8 µs a match; at 100,000 clients the two meet near 2,500 clients, which the probe,
/// counting a client once per way it matches, puts near 6,000.
const MANY_MATCHES: i64 = 6_000;

struct DbClientRow(ClientRow);

impl<'r> sqlx::FromRow<'r, SqliteRow> for DbClientRow {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        let pets: String = row.try_get("pets")?;
        let pets = serde_json::from_str(&pets).map_err(|e| sqlx::Error::ColumnDecode {
            index: "pets".into(),
            source: e.into(),
        })?;
        let portal = match row.try_get::<Option<String>, _>("portal")? {
            Some(_) => Some(word(row, "portal", PortalAccountStatus::parse)?),
            None => None,
        };
        Ok(Self(ClientRow {
            id: row.try_get("id")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            pets,
            portal: PortalStatus::from(portal),
        }))
    }
}

impl From<DbClientRow> for ClientRow {
    fn from(row: DbClientRow) -> Self {
        row.0
    }
}

/// Binds a prefix's end: a string, or when no string follows the prefix, a blob, which SQLite
/// sorts after every string.
fn bind_end(query: RowsQuery<'_, DbClientRow>, end: Option<String>) -> RowsQuery<'_, DbClientRow> {
    match end {
        Some(end) => query.bind(end),
        None => query.bind(vec![0xff_u8]),
    }
}

pub(super) async fn search(pool: &SqlitePool, q: &ClientQuery) -> sqlx::Result<Vec<ClientRow>> {
    let listing_all = q.text.is_empty() && q.phone_digits.is_none();
    let (last, first, id) = match &q.after {
        Some(a) => (
            a.last_name.to_ascii_lowercase(),
            a.first_name.to_ascii_lowercase(),
            a.id,
        ),
        None => (String::new(), String::new(), i64::MIN),
    };
    let sql = if listing_all {
        LIST
    } else if q.filter == ClientFilter::All {
        FIRST_PAGE
    } else if many_matches(pool, q).await? {
        WALK
    } else {
        SEARCH
    };
    let mut query = sqlx::query_as::<_, DbClientRow>(sql)
        .bind(last)
        .bind(first)
        .bind(id)
        .bind(q.filter == ClientFilter::NotRegisteredWithEmail)
        .bind(q.limit);
    if !listing_all {
        query = bind_end(query.bind(&q.text), prefix_end(&q.text));
        for digits in [&q.phone_digits, &q.phone_with_country] {
            query = match digits {
                Some(digits) => bind_end(query.bind(digits), prefix_end(digits)),
                None => query.bind(None::<String>).bind(None::<String>),
            };
        }
    }
    fetch_all(pool, query).await
}

/// Whether `q` matches at least [`MANY_MATCHES`] clients, counted by [`PROBE`].
async fn many_matches(pool: &SqlitePool, q: &ClientQuery) -> sqlx::Result<bool> {
    let mut probe = sqlx::query_scalar::<_, i64>(PROBE);
    for prefix in [
        Some(&q.text),
        q.phone_digits.as_ref(),
        q.phone_with_country.as_ref(),
    ] {
        probe = match prefix {
            Some(prefix) => {
                let probe = probe.bind(prefix);
                match prefix_end(prefix) {
                    Some(end) => probe.bind(end),
                    None => probe.bind(vec![0xff_u8]),
                }
            }
            None => probe.bind(None::<String>).bind(None::<String>),
        };
    }
    let found = probe.bind(MANY_MATCHES).fetch_one(pool).await?;
    Ok(found >= MANY_MATCHES)
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    /// The plan SQLite makes for `sql`, one line per step.
    async fn plan(pool: &SqlitePool, sql: &str, binds: usize) -> Vec<String> {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut query = sqlx::query(&explain);
        for _ in 0..binds {
            query = query.bind("x");
        }
        let rows = query.fetch_all(pool).await.unwrap();
        rows.iter().map(|r| r.get::<String, _>("detail")).collect()
    }

    /// Every kind of match is a range on its own index, and the whole list a range on the
    /// sort index read in order: no step reads a whole table or sorts every client, so a page
    /// costs the same at 100,000 clients as at 100.
    #[tokio::test]
    async fn every_search_is_an_index_range_scan() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.sqlite3");
        let store = SqliteStore::open(&path).await.unwrap();

        let ranges = [
            "clients USING INDEX clients_first (<expr>>? AND <expr><?)",
            "clients USING INDEX clients_sort (<expr>>? AND <expr><?)",
            "clients USING INDEX clients_full (<expr>>? AND <expr><?)",
            "clients USING INDEX clients_email (<expr>>? AND <expr><?)",
            "pets USING INDEX pets_name (<expr>>? AND <expr><?)",
            "clients USING INDEX clients_phone (phone_digits>? AND phone_digits<?)",
        ];
        for (sql, binds) in [(FIRST_PAGE, 11), (SEARCH, 11)] {
            let steps = plan(store.pool(), sql, binds).await;
            for range in ranges {
                let step = format!("SEARCH {range}");
                assert!(steps.contains(&step), "{step} not in {steps:#?}");
            }
            assert!(
                steps.contains(&"SEARCH c USING INTEGER PRIMARY KEY (rowid=?)".to_string()),
                "{steps:#?}"
            );
            // No table is read whole: only the matches, and the page's own rows.
            let scans: Vec<&String> = steps
                .iter()
                .filter(|s| s.starts_with("SCAN") && !s.starts_with("SCAN (subquery"))
                .collect();
            assert_eq!(scans, ["SCAN m"], "{steps:#?}");
        }
        // The first page of last-name matches is read in the list's order, unsorted.
        let first = plan(store.pool(), FIRST_PAGE, 11).await;
        let by_last = first
            .iter()
            .position(|s| s.contains("clients_sort"))
            .unwrap();
        assert!(!first[by_last + 1].contains("TEMP B-TREE"), "{first:#?}");

        let list = plan(store.pool(), LIST, 5).await;
        let range = "SEARCH c USING INDEX clients_sort (<expr>>?)".to_string();
        assert!(list.contains(&range), "{list:#?}");
        assert!(
            !list
                .iter()
                .any(|s| s.starts_with("SCAN") || s.contains("FOR ORDER BY")),
            "{list:#?}"
        );
    }

    #[test]
    fn a_prefix_ends_at_the_next_string() {
        assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        assert_eq!(prefix_end(""), None);
    }
}
