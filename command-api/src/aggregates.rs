//! Decided states held between commands.
//!
//! A command needs the state its stream's history leads to. Reading and folding the whole history on
//! every command costs as much as the stream is long, and dashboards collect an event per drag or resize.
//! The state after a command is kept here with the version it is the state of; the next command on the
//! stream reads only the events after that version (usually none) and folds them on. Stored events never
//! change, so this is exactly the state a full replay gives, whichever instance appended what came after;
//! the append still checks the expected version, so a race between instances is still refused.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Mutex;

use uuid::Uuid;

/// How many streams' states are held at most; beyond that, holding starts over.
const MAX_STREAMS: usize = 16_384;

/// A state and the stream version it was folded up to.
struct Held {
    stream_type: &'static str,
    version: i32,
    state: Box<dyn Any + Send + Sync>,
}

/// States of recently commanded streams, by stream id.
#[derive(Default)]
pub struct AggregateStates {
    held: Mutex<HashMap<Uuid, Held>>,
}

impl std::fmt::Debug for AggregateStates {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.held.lock().map(|held| held.len()).unwrap_or(0);
        formatter
            .debug_struct("AggregateStates")
            .field("streams", &count)
            .finish()
    }
}

impl AggregateStates {
    /// The held state of stream `stream_id` and its version, if one of type `S` is held for a stream of
    /// `stream_type`.
    pub fn get<S: Clone + Send + Sync + 'static>(
        &self,
        stream_id: Uuid,
        stream_type: &'static str,
    ) -> Option<(S, i32)> {
        let held = self.held.lock().ok()?;
        let entry = held.get(&stream_id)?;
        if entry.stream_type != stream_type {
            return None;
        }
        let state = entry.state.downcast_ref::<S>()?;
        Some((state.clone(), entry.version))
    }

    /// Holds `state` as the state of stream `stream_id` at `version`, unless a later one is held.
    pub fn keep<S: Send + Sync + 'static>(
        &self,
        stream_id: Uuid,
        stream_type: &'static str,
        version: i32,
        state: S,
    ) {
        let Ok(mut held) = self.held.lock() else {
            return;
        };
        if held
            .get(&stream_id)
            .is_some_and(|entry| entry.stream_type == stream_type && entry.version > version)
        {
            return;
        }
        if held.len() >= MAX_STREAMS && !held.contains_key(&stream_id) {
            held.clear();
        }
        held.insert(
            stream_id,
            Held {
                stream_type,
                version,
                state: Box::new(state),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_state_comes_back_with_its_version() {
        let states = AggregateStates::default();
        let id = Uuid::now_v7();
        states.keep(id, "dashboard", 3, String::from("three events in"));
        assert_eq!(
            states.get::<String>(id, "dashboard"),
            Some((String::from("three events in"), 3))
        );
    }

    #[test]
    fn a_state_is_not_handed_out_for_another_stream_type_or_state_type() {
        let states = AggregateStates::default();
        let id = Uuid::now_v7();
        states.keep(id, "dashboard", 1, 7_u32);
        assert_eq!(states.get::<u32>(id, "chart"), None);
        assert_eq!(states.get::<String>(id, "dashboard"), None);
    }

    #[test]
    fn an_older_state_does_not_replace_a_newer_one() {
        let states = AggregateStates::default();
        let id = Uuid::now_v7();
        states.keep(id, "dashboard", 5, 5_u32);
        states.keep(id, "dashboard", 4, 4_u32);
        assert_eq!(states.get::<u32>(id, "dashboard"), Some((5, 5)));
    }
}
