//! vizpro's aggregates as pure deciders, and the value types parsed at the edge.
//!
//! Nothing here performs I/O, reads a clock or generates ids: everything a decision depends on arrives in
//! the command or in the state folded from past events. That keeps every rule testable as
//! given(events) → when(command) → then(events or error), and keeps decisions reproducible.

pub mod access;
pub mod chart;
pub mod dashboard;
pub mod data_source;
pub mod dataset;
pub mod error;
pub mod user;
pub mod values;

use uuid::Uuid;
use vizpro_events::{DomainEvent, Role};

pub use access::{AccessControl, Need, ResourceState, Shareable, ensure_can_create};
pub use chart::{Chart, ChartCommand, ChartState, Charts};
pub use dashboard::{Dashboard, DashboardCommand, DashboardState, Dashboards, Tile};
pub use data_source::{DataSource, DataSourceCommand, DataSourceState, DataSources};
pub use dataset::{Dataset, DatasetCommand, DatasetState, Datasets};
pub use error::DomainError;
pub use user::{User, UserCommand, UserState, Users};
pub use values::{
    Description, DisplayName, Email, GRID_COLUMNS, Password, ResourceName, Slug, parse_chart_spec,
    validate_cell,
};

/// An aggregate's decision logic: which events a command produces, and how events change the state.
pub trait Decider {
    /// What callers ask for.
    type Command;
    /// What happened.
    type Event: DomainEvent;
    /// What the decider remembers between commands; `Default` is "nothing happened yet".
    type State: Default + Clone + std::fmt::Debug;

    /// Accepts or rejects a command against the current state. An accepted command that changes nothing
    /// returns no events, so retries and double clicks are harmless.
    fn decide(
        command: &Self::Command,
        state: &Self::State,
    ) -> Result<Vec<Self::Event>, DomainError>;

    /// Applies one event. Events are facts, so this never fails.
    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Folds a history, oldest event first, into the state it leads to.
    fn replay<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self::State
    where
        Self::Event: 'a,
    {
        events
            .into_iter()
            .fold(Self::State::default(), |state, event| {
                Self::evolve(state, event)
            })
    }
}

/// The authenticated user on whose behalf a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The user's id.
    pub user_id: Uuid,
    /// The user's current role.
    pub role: Role,
}

impl Actor {
    /// Whether the actor is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Shared fixtures for the given/when/then tests of every decider.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Actor, Decider, DomainError};
    use uuid::Uuid;
    use vizpro_events::Role;

    /// The state after a history.
    pub fn given<D: Decider>(history: &[D::Event]) -> D::State {
        D::replay(history)
    }

    /// The outcome of a command after a history.
    pub fn when<D: Decider>(
        history: &[D::Event],
        command: D::Command,
    ) -> Result<Vec<D::Event>, DomainError> {
        D::decide(&command, &given::<D>(history))
    }

    /// Runs commands one after another, like the command API would, and returns every event produced.
    pub fn run<D: Decider>(commands: Vec<D::Command>) -> Vec<D::Event> {
        let mut history = Vec::new();
        for command in commands {
            let state = given::<D>(&history);
            let events =
                D::decide(&command, &state).expect("every command in the scenario succeeds");
            history.extend(events);
        }
        history
    }

    pub fn id(number: u128) -> Uuid {
        Uuid::from_u128(number)
    }

    /// The owner of the resources in resource tests; an editor.
    pub const OWNER: Uuid = Uuid::from_u128(0x0_11);
    pub const ADMIN: Uuid = Uuid::from_u128(0xa_d1);
    pub const STRANGER: Uuid = Uuid::from_u128(0x5_7a);

    pub fn owner() -> Actor {
        Actor {
            user_id: OWNER,
            role: Role::Editor,
        }
    }

    pub fn admin() -> Actor {
        Actor {
            user_id: ADMIN,
            role: Role::Admin,
        }
    }

    pub fn editor(user_id: Uuid) -> Actor {
        Actor {
            user_id,
            role: Role::Editor,
        }
    }

    pub fn viewer(user_id: Uuid) -> Actor {
        Actor {
            user_id,
            role: Role::Viewer,
        }
    }

    pub fn stranger() -> Actor {
        editor(STRANGER)
    }
}
