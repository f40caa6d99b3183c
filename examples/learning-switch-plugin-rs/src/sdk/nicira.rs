//! Builders of the Nicira (Open vSwitch) actions of world 0.2.0, named as the
//! runtime's TypeScript SDK names them (`nxCt` -> [`nx_ct`]), with its defaults.
//! Open vSwitch only: another switch answers with an OpenFlow error.

use super::{Action, NxConjunctionAction, NxCtAction, NxCtNestedAction, NxFlowSpec, NxLearnAction, NxNatAction, NxRegLoadAction, NxRegMoveAction, NxResubmitTableAction, NxmField, OxmField};

/// NXAST_RESUBMIT's in_port that keeps the packet's own (OFPP_IN_PORT in 16 bits).
pub const NX_RESUBMIT_IN_PORT: u16 = 0xfff8;
/// NXAST_CT recirc_table: do not recirculate.
pub const NX_CT_RECIRC_NONE: u8 = 255;

/// NXAST_CT flags.
pub mod nx_ct_flags {
    pub const COMMIT: u16 = 1;
    pub const FORCE: u16 = 2;
}

/// NXAST_NAT flags.
pub mod nx_nat_flags {
    pub const SRC: u16 = 1;
    pub const DST: u16 = 2;
    pub const PERSISTENT: u16 = 4;
    pub const PROTO_HASH: u16 = 8;
    pub const PROTO_RANDOM: u16 = 16;
}

/// A field by name ("reg0", "ct_mark").
pub fn nxm(name: &str) -> NxmField {
    NxmField::Name(name.to_owned())
}

/// NXAST_CT with the defaults of the TS SDK: no zone field (the zone is
/// `zone_ofs_nbits`), no recirculation, no ALG, nothing run on commit.
pub fn ct(flags: u16) -> NxCtAction {
    NxCtAction { flags, zone_src: None, zone_ofs_nbits: 0, recirc_table: NX_CT_RECIRC_NONE, alg: 0, actions: Vec::new() }
}

/// Send the packet to the connection tracker (build `ct` with [`ct`], then change its fields).
pub fn nx_ct(ct: NxCtAction) -> Action {
    Action::NxCt(ct)
}

pub fn nx_ct_clear() -> Action {
    Action::NxCtClear
}

/// NXAST_NAT with `flags` ([`nx_nat_flags`]) and no range; set the bounds that apply.
pub fn nat(flags: u16) -> NxNatAction {
    NxNatAction { flags, range_ipv4_min: None, range_ipv4_max: None, range_ipv6_min: None, range_ipv6_max: None, range_proto_min: None, range_proto_max: None }
}

/// NAT as an action of its own; inside a ct use [`ct_nat`].
pub fn nx_nat(nat: NxNatAction) -> Action {
    Action::NxNat(nat)
}

/// NAT inside a ct's `actions`.
pub fn ct_nat(nat: NxNatAction) -> NxCtNestedAction {
    NxCtNestedAction::NxNat(nat)
}

/// A set-field inside a ct's `actions` (ct_mark, ct_label).
pub fn ct_set_field(field: OxmField) -> NxCtNestedAction {
    NxCtNestedAction::SetField(field)
}

/// Resubmit to the current table with `in_port` ([`NX_RESUBMIT_IN_PORT`]: the packet's own).
pub fn nx_resubmit(in_port: u16) -> Action {
    Action::NxResubmit(in_port)
}

/// Resubmit to `table_id` (255: the current one) with the packet's own in_port.
pub fn nx_resubmit_table(table_id: u8) -> Action {
    Action::NxResubmitTable(NxResubmitTableAction { in_port: NX_RESUBMIT_IN_PORT, table_id })
}

/// Add a flow built from `specs` to `table_id` (NXAST_LEARN), no timeouts, priority 0, cookie 0.
pub fn nx_learn(table_id: u8, specs: Vec<NxFlowSpec>) -> Action {
    Action::NxLearn(NxLearnAction { idle_timeout: 0, hard_timeout: 0, priority: 0, cookie: "0".to_owned(), flags: 0, table_id, fin_idle_timeout: 0, fin_hard_timeout: 0, specs })
}

/// Load `value` into bits ofs..ofs+n_bits-1 of `dst` (NXAST_REG_LOAD).
pub fn nx_reg_load(dst: &str, value: u64, ofs: u16, n_bits: u16) -> Action {
    Action::NxRegLoad(NxRegLoadAction { ofs_nbits: (ofs << 6) | (n_bits - 1), dst: nxm(dst), value: value.to_string() })
}

/// Copy `n_bits` bits from src[src_ofs..] to dst[dst_ofs..] (NXAST_REG_MOVE).
pub fn nx_reg_move(src: &str, dst: &str, n_bits: u16, src_ofs: u16, dst_ofs: u16) -> Action {
    Action::NxRegMove(NxRegMoveAction { n_bits, src_ofs, dst_ofs, src_field: nxm(src), dst_field: nxm(dst) })
}

/// Clause `clause` (0-based) of `n_clauses` of conjunction `id`.
pub fn nx_conjunction(id: u32, clause: u8, n_clauses: u8) -> Action {
    Action::NxConjunction(NxConjunctionAction { clause, n_clauses, id })
}

/// Bytes the switch keeps with the flow and ignores.
pub fn nx_note(note: &[u8]) -> Action {
    Action::NxNote(note.to_vec())
}
