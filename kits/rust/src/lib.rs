//! A hub: every switch that comes up gets a table-miss flow to the controller,
//! and every packet it sends up is flooded out of all its other ports.

mod sdk;

use serde::Deserialize;
use sdk::{flow_mod, log, output, output_to_controller, packet_out_of, port, Command, Event, Flow, Plugin, CONTROLLER_MAX_LEN_NO_BUFFER};

/// plugin.json's `config`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct Config {
    /// Priority of the table-miss flow.
    miss_priority: u16,
}

impl Default for Config {
    fn default() -> Self {
        Config { miss_priority: 0 }
    }
}

struct Hub {
    config: Config,
}

impl Plugin for Hub {
    fn initialize(config: &str) -> Result<Self, String> {
        let config: Config = serde_json::from_str(config).map_err(|e| format!("config: {e}"))?;
        log::info(&format!("hub ready (table-miss priority {})", config.miss_priority));
        Ok(Hub { config })
    }

    fn handle(&mut self, events: Vec<Event>) -> Vec<Command> {
        let mut commands = Vec::new();
        for event in events {
            match event {
                Event::SwitchUp(up) => {
                    let miss = Flow { priority: self.config.miss_priority, actions: vec![output_to_controller(CONTROLLER_MAX_LEN_NO_BUFFER)], ..Flow::default() };
                    commands.push(flow_mod(&up.dpid, miss));
                }
                Event::PacketIn(packet) => commands.push(packet_out_of(&packet, vec![output(port::FLOOD)])),
                _ => {}
            }
        }
        commands
    }
}

sdk::export_plugin!(Hub);
