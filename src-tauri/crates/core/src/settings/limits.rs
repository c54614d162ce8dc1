//! What the Settings form's numbers may be: the UI reads them to bound its inputs, and
//! [`super::Settings::validated`] enforces the same ones.

use serde::Serialize;

use crate::error::{CoreError, CoreResult};
use crate::policy::FLOOR_MIN_LENGTH;
use crate::validate::Field;

/// The smallest and largest value a number field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LifetimeBounds {
    pub self_reset_minutes: Bounds,
    pub admin_reset_minutes: Bounds,
    pub portal_reset_minutes: Bounds,
    pub portal_invite_minutes: Bounds,
    pub one_time_code_minutes: Bounds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionBounds {
    pub idle_lock_minutes: Bounds,
    pub max_hours: Bounds,
    pub offline_sign_in_days: Bounds,
}

/// What the Settings form may hold; [`Settings::validated`] enforces the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SettingsLimits {
    pub lifetimes: LifetimeBounds,
    pub password_min_length: Bounds,
    pub sessions: SessionBounds,
    pub port: Bounds,
}

impl SettingsLimits {
    pub const fn current() -> Self {
        const fn minutes(max: u32) -> Bounds {
            Bounds { min: 5, max }
        }
        Self {
            lifetimes: LifetimeBounds {
                self_reset_minutes: minutes(24 * 60),
                admin_reset_minutes: minutes(7 * 24 * 60),
                portal_reset_minutes: minutes(24 * 60),
                portal_invite_minutes: minutes(30 * 24 * 60),
                one_time_code_minutes: minutes(60),
            },
            password_min_length: Bounds {
                min: FLOOR_MIN_LENGTH,
                max: 64,
            },
            sessions: SessionBounds {
                idle_lock_minutes: Bounds { min: 1, max: 240 },
                max_hours: Bounds { min: 1, max: 24 },
                offline_sign_in_days: Bounds { min: 0, max: 30 },
            },
            port: Bounds { min: 1, max: 65535 },
        }
    }
}

pub(super) fn in_bounds(field: Field, value: u32, bounds: Bounds, unit: &str) -> CoreResult<()> {
    if (bounds.min..=bounds.max).contains(&value) {
        return Ok(());
    }
    Err(CoreError::invalid(
        field,
        format!(
            "{} must be between {} and {}{unit}.",
            field.label, bounds.min, bounds.max
        ),
    ))
}
