//! Ethernet II headers of the frames in packet-ins.

use std::fmt;

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

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
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
