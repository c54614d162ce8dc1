// What the SQLite and PostgreSQL `staff` modules share, included by both after their SQL.

use super::audit::commit_with_audit;
use super::{
    begin_write, emails, fetch_optional, map, search, settings, tokens, word, Args, BackendStore,
    Conn, Db, DbRow, Pool,
};
use async_trait::async_trait;
use sqlx::query::QueryScalar;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::outbox::NewEmail;
use vetdesk_core::ports::{StaffStore, StoreResult};
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{NewStaff, StaffRecord, StaffStatus};
use vetdesk_core::time::Millis;
use vetdesk_core::{Role, StoreError};

row_type! {
    DbRow;
    pub(super) DbStaff(StaffRecord), |row| {
        id, username, display_name, email, password_hash,
        role: word(row, "role", Role::parse)?,
        status: word(row, "status", StaffStatus::parse)?,
    }
}

type IdQuery<'q> = QueryScalar<'q, Db, i64, Args<'q>>;

/// `INSERT` or `INSERT_FIRST` with the staff member's columns.
fn bind_staff<'q>(sql: &'q str, s: &'q NewStaff, now: Millis) -> IdQuery<'q> {
    sqlx::query_scalar(sql)
        .bind(s.username.to_lowercase())
        .bind(&s.display_name)
        .bind(s.role.as_str())
        .bind(&s.email)
        .bind(s.status.as_str())
        .bind(&s.password_hash)
        .bind(now)
}

async fn insert(pool: &Pool, staff: &[NewStaff], now: Millis) -> sqlx::Result<Vec<i64>> {
    let mut tx = begin_write(pool).await?;
    let mut ids = Vec::with_capacity(staff.len());
    for s in staff {
        ids.push(bind_staff(INSERT, s, now).fetch_one(&mut *tx).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// `None` when the clinic already has staff (the transaction is rolled back).
async fn insert_first(
    pool: &Pool,
    admin: &NewStaff,
    settings_body: &str,
    audit: &AuditEvent,
) -> sqlx::Result<Option<i64>> {
    let mut tx = begin_write(pool).await?;
    let inserted = bind_staff(INSERT_FIRST, admin, audit.at);
    let Some(id) = inserted.fetch_optional(&mut *tx).await? else {
        return Ok(None);
    };
    settings::save_body(&mut tx, settings_body, audit.at).await?;
    commit_with_audit(tx, &audit.clone().actor(id).subject(id)).await?;
    Ok(Some(id))
}

/// With the account's tokens revoked and the notice queued; `false` when there is no such
/// staff member (nothing is written).
async fn set_email(
    pool: &Pool,
    id: i64,
    email: &str,
    notice: Option<&NewEmail>,
    now: Millis,
    audit: &AuditEvent,
) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    let changed = sqlx::query(SET_EMAIL)
        .bind(email)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Ok(false);
    }
    tokens::revoke_account(&mut tx, id, now).await?;
    if let Some(notice) = notice {
        emails::insert(&mut tx, notice, None).await?;
    }
    commit_with_audit(tx, audit).await?;
    Ok(true)
}

/// Part of a password reset's transaction.
pub(super) async fn set_password(
    conn: &mut Conn,
    staff_id: i64,
    password_hash: &str,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(SET_PASSWORD)
        .bind(password_hash)
        .bind(now)
        .bind(staff_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[async_trait]
impl StaffStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn insert_staff(&self, staff: &[NewStaff], now: Millis) -> StoreResult<Vec<i64>> {
        insert(&self.pool, staff, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn insert_first_admin(
        &self,
        admin: &NewStaff,
        settings: &Settings,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>> {
        let body = settings::body(settings)?;
        insert_first(&self.pool, admin, &body, audit)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn find_staff_by_login(&self, identifier: &str) -> StoreResult<Option<StaffRecord>> {
        let query = sqlx::query_as::<_, DbStaff>(BY_LOGIN).bind(identifier);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn get_staff(&self, id: i64) -> StoreResult<Option<StaffRecord>> {
        let query = sqlx::query_as::<_, DbStaff>(BY_ID).bind(id);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn update_staff_email(
        &self,
        id: i64,
        email: &str,
        notice: Option<&NewEmail>,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let changed = set_email(&self.pool, id, email, notice, now, audit).await;
        if changed.map_err(map)? {
            Ok(())
        } else {
            Err(StoreError::Conflict(
                "that staff member no longer exists".into(),
            ))
        }
    }

    #[tracing::instrument(skip_all)]
    async fn list_staff(&self, query: &str, limit: u32) -> StoreResult<Vec<StaffRecord>> {
        search::<DbStaff, _>(&self.pool, SEARCH, query, limit)
            .await
            .map_err(map)
    }
}
