use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Admin,
    OfficeManager,
    Veterinarian,
    Technician,
    Receptionist,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::OfficeManager,
        Role::Veterinarian,
        Role::Technician,
        Role::Receptionist,
    ];

    /// The value kept in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::OfficeManager => "office_manager",
            Role::Veterinarian => "veterinarian",
            Role::Technician => "technician",
            Role::Receptionist => "receptionist",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::OfficeManager => "Office Manager",
            Role::Veterinarian => "Veterinarian",
            Role::Technician => "Technician",
            Role::Receptionist => "Receptionist",
        }
    }

    /// Admins reset anyone; office managers reset anyone but admins.
    pub fn can_reset_staff(self, target: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::OfficeManager => target != Role::Admin,
            _ => false,
        }
    }

    pub fn can_manage_staff(self) -> bool {
        matches!(self, Role::Admin | Role::OfficeManager)
    }

    pub fn can_view_activity(self) -> bool {
        matches!(self, Role::Admin | Role::OfficeManager)
    }

    pub fn can_manage_settings(self) -> bool {
        self == Role::Admin
    }

    pub fn can_act_on_portal(self) -> bool {
        matches!(self, Role::Admin | Role::OfficeManager | Role::Receptionist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_rules_follow_the_role_table() {
        for target in Role::ALL {
            assert!(Role::Admin.can_reset_staff(target));
            assert_eq!(
                Role::OfficeManager.can_reset_staff(target),
                target != Role::Admin
            );
            for actor in [Role::Veterinarian, Role::Technician, Role::Receptionist] {
                assert!(!actor.can_reset_staff(target));
            }
        }
    }

    #[test]
    fn only_admins_manage_settings() {
        let allowed: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.can_manage_settings())
            .collect();
        assert_eq!(allowed, vec![Role::Admin]);
    }

    #[test]
    fn portal_actions_exclude_clinical_roles() {
        assert!(Role::Receptionist.can_act_on_portal());
        assert!(!Role::Veterinarian.can_act_on_portal());
        assert!(!Role::Technician.can_act_on_portal());
    }

    #[test]
    fn database_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
