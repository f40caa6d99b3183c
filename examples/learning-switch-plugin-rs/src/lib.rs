//! The learning switch of os-ken's simple_switch_13, as a plugin: on switch-up a
//! table-miss flow sends unmatched packets to the controller; on packet-in the
//! source MAC is learned on its in_port, a known destination gets a flow
//! (in_port, eth_dst, eth_src; idle timeout) and the packet is sent on, an
//! unknown one is flooded.

mod sdk;

use std::collections::HashMap;

use serde::Deserialize;
use sdk::{
    eth_type, flow_mod, log, oxm, output, output_to_controller, packet_out_of, port, Command, Dpid, Ethernet, Event, Flow, MacMap, PacketIn, Plugin,
    CONTROLLER_MAX_LEN_NO_BUFFER, NO_BUFFER,
};

/// plugin.json's `config`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct Config {
    /// Idle timeout of learned flows, in seconds (0: none).
    idle_timeout: u16,
    /// Priority of learned flows (the table-miss flow has 0).
    priority: u16,
}

impl Default for Config {
    fn default() -> Self {
        Config { idle_timeout: 60, priority: 1 }
    }
}

struct LearningSwitch {
    config: Config,
    /// Per switch: MAC -> the port it was last seen on (os-ken's mac_to_port).
    mac_to_port: HashMap<Dpid, MacMap<u32>>,
}

impl Plugin for LearningSwitch {
    fn initialize(config: &str) -> Result<Self, String> {
        let config: Config = serde_json::from_str(config).map_err(|e| format!("config: {e}"))?;
        log::info(&format!("learning switch ready (idle timeout {} s, priority {})", config.idle_timeout, config.priority));
        Ok(LearningSwitch { config, mac_to_port: HashMap::new() })
    }

    fn handle(&mut self, events: Vec<Event>) -> Vec<Command> {
        let mut commands = Vec::new();
        for event in events {
            match event {
                Event::SwitchUp(up) => {
                    let miss = Flow { priority: 0, actions: vec![output_to_controller(CONTROLLER_MAX_LEN_NO_BUFFER)], ..Flow::default() };
                    commands.push(flow_mod(&up.dpid, miss));
                    self.mac_to_port.insert(up.dpid, MacMap::default());
                }
                Event::SwitchDown(down) => {
                    self.mac_to_port.remove(&down.dpid);
                }
                Event::PacketIn(packet) => self.on_packet_in(&packet, &mut commands),
                _ => {}
            }
        }
        commands
    }
}

impl LearningSwitch {
    fn on_packet_in(&mut self, p: &PacketIn, commands: &mut Vec<Command>) {
        let Some(eth) = Ethernet::parse(&p.data) else { return };
        if eth.eth_type == eth_type::LLDP {
            return;
        }
        // Not entry(): it takes its key by value, a copy of the dpid per packet.
        if !self.mac_to_port.contains_key(&p.dpid) {
            self.mac_to_port.insert(p.dpid.clone(), MacMap::default());
        }
        let Some(table) = self.mac_to_port.get_mut(&p.dpid) else { return };
        table.insert(eth.src, p.in_port);
        let known = table.get(&eth.dst).copied();
        let actions = vec![output(known.unwrap_or(port::FLOOD))];
        if known.is_some() {
            let mut flow = Flow {
                priority: self.config.priority,
                match_fields: vec![oxm::in_port(p.in_port), oxm::eth_dst(eth.dst), oxm::eth_src(eth.src)],
                actions: actions.clone(),
                idle_timeout: self.config.idle_timeout,
                ..Flow::default()
            };
            // A buffered packet goes out with the flow that now matches it (as simple_switch_13 does).
            if p.buffer_id != NO_BUFFER {
                flow.buffer_id = Some(p.buffer_id);
                commands.push(flow_mod(&p.dpid, flow));
                return;
            }
            commands.push(flow_mod(&p.dpid, flow));
        }
        commands.push(packet_out_of(p, actions));
    }
}

sdk::export_plugin!(LearningSwitch);
