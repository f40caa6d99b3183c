"""os-ken's side of the OpenFlow 1.0 learning-switch benchmark (bench/src/controller.ts --openflow 1.0).

osken_simple_switch_13.py's learning switch, spoken in OpenFlow 1.0 with os-ken's
ofproto_v1_0 parser: each PACKET_IN teaches source MAC -> in_port; a known
destination gets a flow (in_port, dl_dst, dl_src; priority 1, idle timeout 60 s, as
the runtime installs) and the packet is sent on; an unknown one is flooded. LLDP is
ignored. No table-miss flow: a 1.0 switch sends a packet that matches no flow to
the controller by itself. Frames are parsed with os-ken's packet library, as
simple_switch_13 does. Nothing is logged per packet.

It starts the controller as osken_simple_switch_13.py does:

    bench/.venv/bin/python bench/peers/osken_simple_switch_10.py --port 6653 [--host 127.0.0.1]
"""

from os_ken.lib import hub

hub.patch(thread=False)

import argparse  # noqa: E402
import logging  # noqa: E402

from os_ken import cfg  # noqa: E402
from os_ken.base import app_manager  # noqa: E402
# Registers the ofp-* command-line options; CONF must see them before it parses.
from os_ken.controller import controller  # noqa: E402,F401
from os_ken.controller import ofp_event  # noqa: E402
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls  # noqa: E402
from os_ken.lib.packet import ether_types, ethernet, packet  # noqa: E402
from os_ken.ofproto import ofproto_v1_0  # noqa: E402

IDLE_TIMEOUT_S = 60
LEARNED_PRIORITY = 1


class SimpleSwitch10(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_0.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # dpid -> {mac: port}
        self.mac_to_port = {}

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features_handler(self, ev):
        # A switch that reconnects starts with an empty flow table: forget what it taught.
        self.mac_to_port.pop(ev.msg.datapath.id, None)

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in_handler(self, ev):
        msg = ev.msg
        datapath = msg.datapath
        ofproto = datapath.ofproto
        parser = datapath.ofproto_parser
        in_port = msg.in_port

        eth = packet.Packet(msg.data).get_protocols(ethernet.ethernet)[0]
        if eth.ethertype == ether_types.ETH_TYPE_LLDP:
            return

        macs = self.mac_to_port.setdefault(datapath.id, {})
        macs[eth.src] = in_port
        out_port = macs.get(eth.dst, ofproto.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]

        if out_port != ofproto.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, dl_dst=eth.dst, dl_src=eth.src)
            # A buffered packet is released by the FLOW_MOD itself.
            datapath.send_msg(parser.OFPFlowMod(
                datapath=datapath, match=match, command=ofproto.OFPFC_ADD, idle_timeout=IDLE_TIMEOUT_S,
                priority=LEARNED_PRIORITY, buffer_id=msg.buffer_id, actions=actions))
            if msg.buffer_id != ofproto.OFP_NO_BUFFER:
                return

        data = msg.data if msg.buffer_id == ofproto.OFP_NO_BUFFER else None
        datapath.send_msg(parser.OFPPacketOut(
            datapath=datapath, buffer_id=msg.buffer_id, in_port=in_port, actions=actions, data=data))


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument('--port', type=int, required=True, help='TCP port to listen on for switches')
    args.add_argument('--host', default='127.0.0.1', help='address to listen on')
    options = args.parse_args()
    cfg.CONF(args=['--ofp-tcp-listen-port', str(options.port), '--ofp-listen-host', options.host], project='os_ken')
    logging.basicConfig(level=logging.WARNING, format='os-ken %(levelname)s %(name)s: %(message)s')
    app_manager.AppManager.run_apps([__name__])


if __name__ == '__main__':
    main()
