//! The store contract and the recovery flows, one suite run against every backend; then what only
//! the SQLite file has (locks, read-only files, migrations, constraints) and what only the
//! PostgreSQL server has (migrations under a lock, constraints, the server's locale).

#![allow(clippy::unwrap_used)]

mod backends;
mod bulk;
mod clients;
mod codes;
mod connect;
mod contract;
mod faults;
mod flows;
mod limits;
mod migrations;
mod mirror;
mod outbox;
mod password;
mod portal;
mod postgres;
mod queue;
mod setup;
mod sign_ins;
mod sqlite;
mod tls;
mod transfer;

/// Every case of the suite, as its own `#[tokio::test]` on the backend `$backend`. A case left out
/// of this list is dead code, which `clippy -D warnings` refuses.
macro_rules! suite {
    ($backend:ty) => {
        suite!($backend;
            contract::the_demo_roster_covers_every_role,
            contract::a_taken_username_is_a_conflict,
            contract::a_new_token_revokes_the_live_one_of_the_same_purpose_only,
            contract::a_token_and_its_email_are_written_together_or_not_at_all,
            contract::claimed_emails_are_not_claimed_twice_until_the_lease_ends,
            contract::sql_metacharacters_in_searches_are_plain_text,
            contract::settings_are_saved_with_their_audit_event,
            contract::sessions_name_their_staff_until_they_end,
            contract::a_locked_session_takes_no_activity_until_its_password_is_entered,
            contract::an_email_change_is_audited_and_an_unknown_account_is_a_conflict,
            contract::an_action_key_is_taken_once,
            contract::staff_searches_match_names_usernames_and_emails_in_name_order,
            codes::code_attempts_are_reserved_up_to_the_limit,
            codes::a_spent_code_is_burned_but_a_link_beside_it_lives,
            codes::a_notice_issued_with_a_token_is_not_tied_to_it,
            codes::an_email_change_revokes_the_accounts_tokens_and_unsent_resets_at_once,
            codes::parallel_code_guesses_never_count_more_than_five_attempts,
            limits::limits_count_in_fixed_windows_per_key,
            limits::a_taken_back_attempt_frees_its_place_in_its_own_window_only,
            limits::parallel_hits_let_no_more_than_the_limit_through,
            contract::a_reset_uses_its_token_once_and_signs_the_account_out,
            password::a_password_change_keeps_this_session_and_ends_the_accounts_others,
            password::a_password_change_whose_audit_fails_changes_nothing,
            outbox::a_failed_email_waits_for_its_retry_and_a_final_failure_drops_its_secrets,
            outbox::an_expired_email_drops_its_secrets_and_is_never_sent,
            outbox::the_latest_email_is_the_newest_of_the_kinds_asked_for,
            outbox::email_and_activity_searches_match_their_text_newest_first,
            outbox::a_preview_written_email_says_so_and_dead_tokens_are_found,
            outbox::a_restarted_workstation_takes_back_its_dead_claims_at_once,
            outbox::live_claims_are_not_released,
            flows::forgot_password_answers_the_same_for_known_unknown_and_emailless_accounts,
            flows::forgot_password_is_rate_limited_per_account_and_per_recipient,
            flows::a_link_is_consumed_only_by_the_submit_that_sets_the_password,
            flows::links_expire_after_the_self_service_lifetime,
            flows::a_code_works_with_the_username_and_the_sixth_wrong_code_is_refused,
            flows::roles_are_enforced_in_the_core,
            flows::resend_waits_sixty_seconds_and_says_how_long,
            flows::staff_without_email_get_an_explanation_and_can_be_given_one,
            flows::login_is_throttled_after_repeated_failures,
            flows::unknown_ids_and_bad_tokens_get_clear_errors,
            setup::the_first_admin_comes_with_the_settings_and_only_into_an_empty_clinic,
            setup::a_clinic_with_staff_takes_no_first_admin,
            setup::parallel_first_admins_leave_exactly_one,
            setup::setup_signs_the_new_admin_in_and_a_second_setup_is_refused,
            clients::clients_are_found_by_every_kind_of_prefix,
            clients::searches_fold_case_and_keep_unicode_names,
            clients::pages_follow_each_other_without_gaps_or_repeats,
            clients::the_filter_finds_clients_a_bulk_invitation_can_reach,
            clients::a_client_comes_with_their_pets,
            clients::an_email_change_renames_the_account_and_revokes_its_links,
            clients::an_email_another_account_signs_in_with_is_a_conflict,
            portal::an_invitation_creates_the_account_and_queues_its_email,
            portal::a_second_link_revokes_the_first_and_expires_its_unsent_email,
            portal::a_username_another_account_has_is_a_conflict_and_writes_nothing,
            portal::a_live_link_sets_the_password_once_and_signs_the_account_out,
            portal::portal_sessions_name_their_account_until_they_end,
            portal::the_latest_client_email_is_the_newest_of_the_kinds_asked_for,
            portal::an_email_whose_portal_link_died_is_not_sent,
            bulk::a_bulk_run_counts_each_outcome_once_and_finishes,
            bulk::a_keyed_bulk_run_is_stored_once,
            bulk::the_first_dispatchers_key_is_the_clinics,
        );
    };
    ($backend:ty; $($module:ident::$case:ident,)+) => {
        $(
            #[tokio::test]
            async fn $case() {
                crate::$module::$case::<$backend>().await;
            }
        )+
    };
}

mod on_sqlite {
    suite!(crate::backends::Sqlite);
}

mod on_memory {
    suite!(crate::backends::Memory);
}

mod on_postgres {
    suite!(crate::backends::Postgres);
}
