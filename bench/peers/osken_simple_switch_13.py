"""os-ken's side of the learning-switch benchmark (bench/src/controller.ts).

An app with the behaviour of os-ken's simple_switch_13 and of sdn-runtime's
learning-switch app: on connect, a table-miss flow sends everything to the
controller; each PACKET_IN teaches source MAC -> in_port; a known destination gets
a flow (in_port, eth_dst, eth_src; priority 1, idle timeout 60 s, as the runtime
installs) and the packet is sent on; an unknown one is flooded. LLDP is ignored.
Frames are parsed with os-ken's packet library, as simple_switch_13 does. Nothing
is logged per packet (the runtime runs at log level warn).

The PyPI os-ken has no osken-manager entry point, so this file also starts the
controller the way osken-manager does:

    bench/.venv/bin/python bench/peers/osken_simple_switch_13.py --port 6653 [--host 127.0.0.1]
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
from os_ken.ofproto import ofproto_v1_3  # noqa: E402

IDLE_TIMEOUT_S = 60
LEARNED_PRIORITY = 1


class SimpleSwitch13(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # dpid -> {mac: port}
        self.mac_to_port = {}

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features_handler(self, ev):
        datapath = ev.msg.datapath
        ofproto = datapath.ofproto
        parser = datapath.ofproto_parser
        self.mac_to_port.pop(datapath.id, None)
        actions = [parser.OFPActionOutput(ofproto.OFPP_CONTROLLER, ofproto.OFPCML_NO_BUFFER)]
        self.add_flow(datapath, 0, parser.OFPMatch(), actions, idle_timeout=0)

    def add_flow(self, datapath, priority, match, actions, idle_timeout, buffer_id=None):
        ofproto = datapath.ofproto
        parser = datapath.ofproto_parser
        instructions = [parser.OFPInstructionActions(ofproto.OFPIT_APPLY_ACTIONS, actions)]
        if buffer_id is None:
            buffer_id = ofproto.OFP_NO_BUFFER
        datapath.send_msg(parser.OFPFlowMod(
            datapath=datapath, buffer_id=buffer_id, priority=priority, idle_timeout=idle_timeout,
            match=match, instructions=instructions))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in_handler(self, ev):
        msg = ev.msg
        datapath = msg.datapath
        ofproto = datapath.ofproto
        parser = datapath.ofproto_parser
        in_port = msg.match['in_port']

        eth = packet.Packet(msg.data).get_protocols(ethernet.ethernet)[0]
        if eth.ethertype == ether_types.ETH_TYPE_LLDP:
            return

        macs = self.mac_to_port.setdefault(datapath.id, {})
        macs[eth.src] = in_port
        out_port = macs.get(eth.dst, ofproto.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]

        if out_port != ofproto.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_dst=eth.dst, eth_src=eth.src)
            if msg.buffer_id != ofproto.OFP_NO_BUFFER:
                # A buffered packet is released by the FLOW_MOD itself.
                self.add_flow(datapath, LEARNED_PRIORITY, match, actions, IDLE_TIMEOUT_S, msg.buffer_id)
                return
            self.add_flow(datapath, LEARNED_PRIORITY, match, actions, IDLE_TIMEOUT_S)

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
