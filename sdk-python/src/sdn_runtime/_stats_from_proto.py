"""Multipart replies from the runtime -> stats values."""

from __future__ import annotations

from . import _from_proto as fp
from ._proto import stats_pb2 as st
from .constants import GroupType
from .stats import (
    AggregateStats,
    FlowStats,
    GroupDesc,
    GroupStats,
    MeterConfig,
    MeterStats,
    PortStats,
    QueueStats,
    TableStats,
)


def flow(s: st.FlowStats) -> FlowStats:
    return FlowStats(
        table_id=s.table_id,
        duration_sec=s.duration_sec,
        duration_nsec=s.duration_nsec,
        priority=s.priority,
        idle_timeout=s.idle_timeout,
        hard_timeout=s.hard_timeout,
        flags=s.flags,
        cookie=s.cookie,
        packet_count=s.packet_count,
        byte_count=s.byte_count,
        match=fp.match(s.match),
        instructions=tuple(fp.instruction(i) for i in s.instructions),
    )


def aggregate(s: st.AggregateStats) -> AggregateStats:
    return AggregateStats(packet_count=s.packet_count, byte_count=s.byte_count, flow_count=s.flow_count)


def table(s: st.TableStats) -> TableStats:
    return TableStats(table_id=s.table_id, active_count=s.active_count, lookup_count=s.lookup_count, matched_count=s.matched_count)


def port(s: st.PortStats) -> PortStats:
    return PortStats(
        port_no=s.port_no,
        rx_packets=s.rx_packets,
        tx_packets=s.tx_packets,
        rx_bytes=s.rx_bytes,
        tx_bytes=s.tx_bytes,
        rx_dropped=s.rx_dropped,
        tx_dropped=s.tx_dropped,
        rx_errors=s.rx_errors,
        tx_errors=s.tx_errors,
        rx_frame_err=s.rx_frame_err,
        rx_over_err=s.rx_over_err,
        rx_crc_err=s.rx_crc_err,
        collisions=s.collisions,
        duration_sec=s.duration_sec,
        duration_nsec=s.duration_nsec,
    )


def queue(s: st.QueueStats) -> QueueStats:
    return QueueStats(
        port_no=s.port_no,
        queue_id=s.queue_id,
        tx_bytes=s.tx_bytes,
        tx_packets=s.tx_packets,
        tx_errors=s.tx_errors,
        duration_sec=s.duration_sec,
        duration_nsec=s.duration_nsec,
    )


def group(s: st.GroupStats) -> GroupStats:
    return GroupStats(
        group_id=s.group_id,
        ref_count=s.ref_count,
        packet_count=s.packet_count,
        byte_count=s.byte_count,
        duration_sec=s.duration_sec,
        duration_nsec=s.duration_nsec,
        bucket_packet_counts=tuple(s.bucket_packet_counts),
        bucket_byte_counts=tuple(s.bucket_byte_counts),
    )


def group_desc(s: st.GroupDesc) -> GroupDesc:
    return GroupDesc(type=GroupType(s.type), group_id=s.group_id, buckets=tuple(fp.bucket(b) for b in s.buckets))


def meter(s: st.MeterStats) -> MeterStats:
    return MeterStats(
        meter_id=s.meter_id,
        flow_count=s.flow_count,
        packet_in_count=s.packet_in_count,
        byte_in_count=s.byte_in_count,
        duration_sec=s.duration_sec,
        duration_nsec=s.duration_nsec,
        band_packet_counts=tuple(s.band_packet_counts),
        band_byte_counts=tuple(s.band_byte_counts),
    )


def meter_config(s: st.MeterConfig) -> MeterConfig:
    return MeterConfig(flags=s.flags, meter_id=s.meter_id, bands=tuple(fp.band(b) for b in s.bands))
