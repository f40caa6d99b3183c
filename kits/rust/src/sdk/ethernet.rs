//! Ethernet II headers of the frames in packet-ins.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// A MAC address; prints as "aa:bb:cc:dd:ee:ff" (the form OXM text values take).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    pub const BROADCAST: Mac = Mac([0xff; 6]);

    /// True for group addresses (broadcast included): the low bit of the first byte.
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 1 == 1
    }
}

impl Mac {
    /// `aa:bb:cc:dd:ee:ff`, as `to_string` gives it, without the formatting
    /// machinery (a learning switch writes two per packet).
    pub fn text(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b':'; 17];
        for (i, byte) in self.0.iter().enumerate() {
            out[i * 3] = HEX[usize::from(byte >> 4)];
            out[i * 3 + 1] = HEX[usize::from(byte & 0xf)];
        }
        out.iter().map(|&c| char::from(c)).collect()
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The Ethernet header of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ethernet {
    pub dst: Mac,
    pub src: Mac,
    /// The EtherType after any 802.1Q / 802.1ad tags.
    pub eth_type: u16,
    /// The VLAN id of the outer tag, if any.
    pub vlan_id: Option<u16>,
}

impl Ethernet {
    /// Reads the header of `frame`; `None` when it is too short to hold one.
    pub fn parse(frame: &[u8]) -> Option<Ethernet> {
        let dst = Mac(frame.get(0..6)?.try_into().ok()?);
        let src = Mac(frame.get(6..12)?.try_into().ok()?);
        let be16 = |at: usize| frame.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
        let mut offset = 12;
        let mut eth_type = be16(offset)?;
        let mut vlan_id = None;
        while eth_type == 0x8100 || eth_type == 0x88a8 {
            let (Some(tci), Some(inner)) = (be16(offset + 2), be16(offset + 4)) else { break };
            vlan_id.get_or_insert(tci & 0x0fff);
            offset += 4;
            eth_type = inner;
        }
        Some(Ethernet { dst, src, eth_type, vlan_id })
    }
}

/// A map keyed by MAC address with a cheap hasher. std's SipHash buys nothing
/// here: on wasm32-unknown-unknown there is no randomness, so its keys are
/// fixed and known, and it costs several times the lookup itself.
pub type MacMap<V> = HashMap<Mac, V, BuildHasherDefault<MacHasher>>;

/// The hasher of [`MacMap`]: FxHash's multiply-rotate over the bytes written.
#[derive(Default)]
pub struct MacHasher(u64);

impl Hasher for MacHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
