//! The kit's SDK: the WIT values as Rust types, OpenFlow constants and builders,
//! Ethernet parsing and the host calls, over the bindings wit-bindgen generates
//! from `wit/plugin.wit` (`sdn:plugin@0.2.0`).
//!
//! A plugin is a type implementing [`Plugin`], exported with
//! `sdk::export_plugin!(MyPlugin)`. The guest is single-threaded: the runtime
//! calls `initialize` once, then `handle` batch after batch, never at once.

// Each plugin crate compiles the SDK as its own private module and uses only
// part of it: the rest is not dead code to warn about.
#![allow(dead_code, unused_imports)]

mod ethernet;
mod host;
mod nicira;
mod openflow;

pub use ethernet::{Ethernet, Mac, MacHasher, MacMap};
pub use host::{kv_delete, kv_get, kv_put, log, now_ms, publish, send};
pub use nicira::*;
pub use openflow::*;

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({ world: "plugin", path: "wit" });
}

#[doc(hidden)]
pub use bindings::Guest;
pub use bindings::sdn::plugin::types::{
    Action, Command, CommandBody, Event, ExperimenterBody, FlowMod, FlowModCommand, FlowRemoved, HostError, Instruction, KvChange, OutputAction, OxmField,
    OxmValue, PacketIn, PacketOut, Port, PortStatus, PubsubMessage, SwitchDown, SwitchError, SwitchUp, WriteMetadata,
};
// Since 0.2.0: topology and mastership events, Nicira actions.
pub use bindings::sdn::plugin::types::{
    Endpoint, Host, HostAdded, HostMoved, HostRemoved, Link, LinkDown, LinkUp, NxConjunctionAction, NxCtAction, NxCtNestedAction, NxFlowSpec,
    NxFlowSpecField, NxFlowSpecSource, NxFlowSpecType, NxLearnAction, NxNatAction, NxRegLoadAction, NxRegMoveAction, NxResubmitTableAction, NxmField,
    RoleChanged,
};

/// A switch's datapath id: 16 lowercase hex digits (see [`dpid`]).
pub type Dpid = String;

/// A plugin: made by `initialize`, then given every batch of events.
pub trait Plugin: Sized + 'static {
    /// Makes the plugin from plugin.json's `config` (JSON text). An `Err` stops
    /// the load with that message; the version running before (if any) stays.
    fn initialize(config: &str) -> Result<Self, String>;

    /// A batch of the subscribed events in arrival order (per switch); returns the
    /// commands to send. Must return within the manifest's `deadlineMs`. A panic
    /// is a trap: the batch's commands are dropped, the runtime counts a fault and
    /// starts a fresh instance (its state is lost) after a backoff.
    fn handle(&mut self, events: Vec<Event>) -> Vec<Command>;
}

/// Exports a [`Plugin`] type as the component's `initialize` and `handle`.
macro_rules! export_plugin {
    ($plugin:ty) => {
        struct SdnPluginExports;

        ::std::thread_local! {
            static SDN_PLUGIN: ::std::cell::RefCell<::std::option::Option<$plugin>> = const { ::std::cell::RefCell::new(None) };
        }

        impl $crate::sdk::Guest for SdnPluginExports {
            fn initialize(config: String) -> Result<(), String> {
                // A panic aborts (a trap, which says only where); the hook logs why
                // first, and the runtime puts that line in the fault it reports.
                ::std::panic::set_hook(::std::boxed::Box::new(|info| $crate::sdk::log::error(&info.to_string())));
                let plugin = <$plugin as $crate::sdk::Plugin>::initialize(&config)?;
                SDN_PLUGIN.with(|slot| *slot.borrow_mut() = Some(plugin));
                Ok(())
            }

            fn handle(events: Vec<$crate::sdk::Event>) -> Vec<$crate::sdk::Command> {
                SDN_PLUGIN.with(|slot| match slot.borrow_mut().as_mut() {
                    Some(plugin) => $crate::sdk::Plugin::handle(plugin, events),
                    None => panic!("handle called before initialize"),
                })
            }
        }

        $crate::sdk::bindings::export!(SdnPluginExports with_types_in $crate::sdk::bindings);
    };
}
pub(crate) use export_plugin;
