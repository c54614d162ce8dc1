//! The Clients search on PostgreSQL: the same plans as the SQLite file's (see
//! `sqlite::client_search`), each kind of match (first name, last name, "first last", email,
//! pet, phone) a range on its own index, compared in the "C" collation the columns carry.

use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
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
             ARRAY(SELECT p.name FROM pets p WHERE p.client_id = c.id ORDER BY p.id) AS pets, \
             (SELECT a.status FROM portal_accounts a WHERE a.client_id = c.id) AS portal \
             FROM ",
            $($rest),+
        )
    };
}

/// What every listing of clients shares: `$1`, `$2` and `$3` the lower-case last name, first
/// name and id of the row a page starts after (the first page starts after a row that sorts
/// before every client), `$4` true for only those with an email and no portal account, and `$5`
/// the page size. The row comparison is a range on `clients_sort`, read in order.
macro_rules! page_of {
    ($from:literal) => {
        page_of!($from, "")
    };
    ($from:literal, $also:literal) => {
        client_rows!(
            $from,
            " WHERE (lower(c.last_name), lower(c.first_name), c.id) > ($1, $2, $3) \
             AND (NOT $4 OR (c.email IS NOT NULL AND c.email <> '' AND NOT EXISTS \
              (SELECT 1 FROM portal_accounts a WHERE a.client_id = c.id))) ",
            $also,
            " ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT $5"
        )
    };
}

/// The first page of one kind's matches in the list's order, after the cursor (`$1`–`$3`), at
/// most `$5` rows: `$from` names the rows and `$sort` their place in the list, which each
/// kind's index carries beside its term.
macro_rules! first_of {
    ($from:literal, $sort:literal, $range:literal) => {
        concat!(
            "(SELECT * FROM (SELECT ",
            $sort,
            " FROM ",
            $from,
            " WHERE ",
            $range,
            ") AS k WHERE (l, f, id) > ($1, $2, $3) ORDER BY l, f, id LIMIT $5)"
        )
    };
}

/// Every client, a page at a time, read along `clients_sort`.
const LIST: &str = page_of!("clients c");
/// The clients that match by prefix: `$6` the lower-case text and `$7` the first string after
/// every string it begins, `$8` and `$9` the same for the phone's digits and `$10`, `$11` for
/// them after the clinic's country code (`NULL` when the query is no phone number, which
/// matches nothing). Each kind is a range scan on its own index; the matches are then read by
/// id and sorted.
const SEARCH: &str = page_of!(
    "(SELECT id FROM clients WHERE lower(first_name) >= $6 AND lower(first_name) < $7 \
      UNION SELECT id FROM clients WHERE lower(last_name) >= $6 AND lower(last_name) < $7 \
      UNION SELECT id FROM clients \
       WHERE lower(first_name || ' ' || last_name) >= $6 \
       AND lower(first_name || ' ' || last_name) < $7 \
      UNION SELECT id FROM clients WHERE lower(email) >= $6 AND lower(email) < $7 \
      UNION SELECT client_id FROM pets WHERE lower(name) >= $6 AND lower(name) < $7 \
      UNION SELECT id FROM clients WHERE phone_digits >= $8 AND phone_digits < $9 \
      UNION SELECT id FROM clients WHERE phone_digits >= $10 AND phone_digits < $11) AS m \
     JOIN clients c ON c.id = m.id"
);

/// The page of every client that matches by prefix, taken from the first page of each kind's
/// matches: the page's rows are among those, whichever kind they match by. Binds as
/// [`SEARCH`]. A client who matches two ways is listed once.
const FIRST_PAGE: &str = client_rows!(
    "(SELECT DISTINCT l, f, id FROM (",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(first_name) >= $6 AND lower(first_name) < $7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(last_name) >= $6 AND lower(last_name) < $7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(first_name || ' ' || last_name) >= $6 AND lower(first_name || ' ' || last_name) < $7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "lower(email) >= $6 AND lower(email) < $7"
    ),
    " UNION ALL ",
    first_of!(
        "pets",
        "owner_last AS l, owner_first AS f, client_id AS id",
        "lower(name) >= $6 AND lower(name) < $7"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "phone_digits >= $8 AND phone_digits < $9"
    ),
    " UNION ALL ",
    first_of!(
        "clients",
        "lower(last_name) AS l, lower(first_name) AS f, id",
        "phone_digits >= $10 AND phone_digits < $11"
    ),
    ") AS u ORDER BY l, f, id LIMIT $5) AS m JOIN clients c ON c.id = m.id \
     ORDER BY m.l, m.f, m.id"
);

/// The same matches as [`SEARCH`], found by walking the clients in list order along
/// `clients_sort` and testing each, which stops once a page is full: for a query that matches
/// many clients that is a short walk, where [`SEARCH`] would collect and sort thousands.
const WALK: &str = page_of!(
    "clients c",
    "AND ((lower(c.first_name) >= $6 AND lower(c.first_name) < $7) \
      OR (lower(c.last_name) >= $6 AND lower(c.last_name) < $7) \
      OR (lower(c.first_name || ' ' || c.last_name) >= $6 \
          AND lower(c.first_name || ' ' || c.last_name) < $7) \
      OR (lower(c.email) >= $6 AND lower(c.email) < $7) \
      OR c.id IN (SELECT client_id FROM pets WHERE lower(name) >= $6 AND lower(name) < $7) \
      OR (c.phone_digits >= $8 AND c.phone_digits < $9) \
      OR (c.phone_digits >= $10 AND c.phone_digits < $11))"
);

/// Counts the matches of the same ranges as [`SEARCH`] (`$1`–`$6`: the text, the phone's
/// digits and them after the country code, each with its end), a client once for each way it
/// matches, up to `$7`: only enough to tell whether the query matches many clients.
const PROBE: &str = "SELECT count(*) FROM ( \
     SELECT 1 FROM clients WHERE lower(first_name) >= $1 AND lower(first_name) < $2 \
     UNION ALL SELECT 1 FROM clients WHERE lower(last_name) >= $1 AND lower(last_name) < $2 \
     UNION ALL SELECT 1 FROM clients WHERE lower(email) >= $1 AND lower(email) < $2 \
     UNION ALL SELECT 1 FROM pets WHERE lower(name) >= $1 AND lower(name) < $2 \
     UNION ALL SELECT 1 FROM clients WHERE phone_digits >= $3 AND phone_digits < $4 \
     UNION ALL SELECT 1 FROM clients WHERE phone_digits >= $5 AND phone_digits < $6 \
     LIMIT $7) AS m";

/// From this many matches on, walking the list beats collecting and sorting them (the SQLite
/// file's figure; see `sqlite::client_search`).
const MANY_MATCHES: i64 = 6_000;

/// The end of a prefix that no string follows (an empty one, or one of U+10FFFF only): a string
/// that sorts after every value a client's field holds, none of which is this long.
fn end_of(prefix: &str) -> String {
    prefix_end(prefix).unwrap_or_else(|| char::MAX.to_string().repeat(300))
}

struct DbClientRow(ClientRow);

impl<'r> sqlx::FromRow<'r, PgRow> for DbClientRow {
    fn from_row(row: &'r PgRow) -> sqlx::Result<Self> {
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
            pets: row.try_get("pets")?,
            portal: PortalStatus::from(portal),
        }))
    }
}

impl From<DbClientRow> for ClientRow {
    fn from(row: DbClientRow) -> Self {
        row.0
    }
}

/// Binds a prefix and its end, or two `NULL`s for no prefix, which match nothing.
fn bind_range<'q>(
    query: RowsQuery<'q, DbClientRow>,
    prefix: Option<&'q String>,
) -> RowsQuery<'q, DbClientRow> {
    match prefix {
        Some(prefix) => query.bind(prefix).bind(end_of(prefix)),
        None => query.bind(None::<String>).bind(None::<String>),
    }
}

pub(super) async fn search(pool: &PgPool, q: &ClientQuery) -> sqlx::Result<Vec<ClientRow>> {
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
        .bind(i64::from(q.limit));
    if !listing_all {
        query = bind_range(query, Some(&q.text));
        query = bind_range(query, q.phone_digits.as_ref());
        query = bind_range(query, q.phone_with_country.as_ref());
    }
    fetch_all(pool, query).await
}

/// Whether `q` matches at least [`MANY_MATCHES`] clients, counted by [`PROBE`].
async fn many_matches(pool: &PgPool, q: &ClientQuery) -> sqlx::Result<bool> {
    let mut probe = sqlx::query_scalar::<_, i64>(PROBE);
    for prefix in [
        Some(&q.text),
        q.phone_digits.as_ref(),
        q.phone_with_country.as_ref(),
    ] {
        probe = match prefix {
            Some(prefix) => probe.bind(prefix).bind(end_of(prefix)),
            None => probe.bind(None::<String>).bind(None::<String>),
        };
    }
    let found = probe.bind(MANY_MATCHES).fetch_one(pool).await?;
    Ok(found >= MANY_MATCHES)
}
