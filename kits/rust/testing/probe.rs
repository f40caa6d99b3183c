//! A plugin the kit's tests build from a project made by new.sh (as src/lib.rs):
//! it exercises the SDK from inside the guest and logs what it saw.

mod sdk;

use sdk::{
    ct, ct_nat, flow_mod, log, nat, now_ms, nx_ct, nx_ct_flags, nx_nat_flags, nx_resubmit_table, output, output_to_controller, packet_out, port, publish, Command,
    Ethernet, Event, Flow, HostError, Plugin, NO_BUFFER,
};

struct Probe;

impl Plugin for Probe {
    fn initialize(config: &str) -> Result<Self, String> {
        let config: serde_json::Value = serde_json::from_str(config).map_err(|e| e.to_string())?;
        if config["fail"] == true {
            return Err("told to fail".into());
        }
        match publish("probe.hello", b"hi") {
            Err(HostError::Denied(_)) => log::info("publish refused: denied"),
            other => log::error(&format!("publish was not refused: {other:?}")),
        }
        log::info(&format!("clock works: {}", now_ms() > 1_600_000_000_000));
        Ok(Probe)
    }

    fn handle(&mut self, events: Vec<Event>) -> Vec<Command> {
        let mut commands = Vec::new();
        for event in events {
            let Event::PacketIn(p) = event else { continue };
            let eth = Ethernet::parse(&p.data).expect("a frame with an Ethernet header");
            let seq = u32::from_be_bytes(p.data[18..22].try_into().expect("4 bytes"));
            if seq == 13 {
                panic!("unlucky {seq}");
            }
            let vlan = eth.vlan_id.map_or("none".to_owned(), |v| v.to_string());
            log::info(&format!(
                "packet-in: unbuffered {}, in_port {}, local {}, {} -> {} type {:x} vlan {vlan}",
                p.buffer_id == NO_BUFFER,
                p.in_port,
                p.in_port == port::LOCAL,
                eth.src,
                eth.dst,
                eth.eth_type
            ));
            commands.push(packet_out(&p.dpid, Some(p.in_port), NO_BUFFER, &p.data, vec![output_to_controller(128), output(port::FLOOD)]));
            // The Nicira builders (world 0.2.0): commit to conntrack zone 5 with source NAT, then resubmit to table 1.
            let mut snat = nat(nx_nat_flags::SRC);
            snat.range_ipv4_min = Some("10.0.0.9".to_owned());
            let commit = sdk::NxCtAction { zone_ofs_nbits: 5, actions: vec![ct_nat(snat)], ..ct(nx_ct_flags::COMMIT) };
            commands.push(flow_mod(&p.dpid, Flow { priority: 7, actions: vec![nx_ct(commit), nx_resubmit_table(1)], ..Flow::default() }));
        }
        commands
    }
}

sdk::export_plugin!(Probe);
