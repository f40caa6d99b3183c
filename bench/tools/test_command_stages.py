"""Checks command_stages.py's cutting of a capture into stages on made-up segments.

    python3 -m unittest bench/tools/test_command_stages.py
"""

import os
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'command_stages.py')
CLIENT, GRPC, OPENFLOW, SWITCH, OVERLAY, DIALER = 50000, 40000, 6653, 51000, 7000, 52000
MS = 1_000_000


class Files:
    """Text files in a temporary folder removed after each test."""

    def __init__(self, case):
        folder = tempfile.TemporaryDirectory()
        case.addCleanup(folder.cleanup)
        self.folder, self.count = folder.name, 0

    def write(self, text):
        self.count += 1
        path = os.path.join(self.folder, f'{self.count}.txt')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def segments(self, rows):
        return self.write(''.join('%d %d %d %d\n' % row for row in rows))


def analyze(path, *extra):
    out = subprocess.run([sys.executable, TOOL, 'analyze', path, '--grpc', str(GRPC), '--openflow', str(OPENFLOW), *extra], capture_output=True, text=True, check=True)
    return out.stdout


def stage_p50s(text):
    rows = [line.split('|') for line in text.splitlines() if line.startswith('| ') and line[2].isdigit()]
    return {r[1].strip(): float(r[2]) for r in rows}


class CommandStagesTest(unittest.TestCase):
    def test_no_hop_stages_are_node1_switch_node1(self):
        rows, t = [], 1000 * MS
        for _ in range(100):
            # client -> node 1 (0.2 ms in node 1) -> switch (0.1 ms) -> node 1 (0.3 ms) -> client
            rows += [(t, CLIENT, GRPC, 60), (t + 200_000, OPENFLOW, SWITCH, 8), (t + 300_000, SWITCH, OPENFLOW, 8), (t + 600_000, GRPC, CLIENT, 32)]
            t += MS
        # A stray packet-in from the switch before a round trip is not taken for its reply.
        rows.append((999 * MS, SWITCH, OPENFLOW, 106))
        text = analyze(Files(self).segments(rows))
        self.assertIn('100 round trips', text)
        self.assertEqual(stage_p50s(text), {'1. node1': 0.2, '2. switch': 0.1, '3. node1': 0.3})

    def test_one_hop_stages_name_the_client_node_and_node1(self):
        rows, t = [], 1000 * MS
        for _ in range(100):
            rows += [(t, CLIENT, GRPC, 60), (t + 100_000, DIALER, OVERLAY, 105), (t + 300_000, OPENFLOW, SWITCH, 8), (t + 400_000, SWITCH, OPENFLOW, 8),
                     (t + 700_000, OVERLAY, DIALER, 28), (t + 1_200_000, GRPC, CLIENT, 32)]
            t += 2 * MS
        text = analyze(Files(self).segments(rows), '--overlay', str(OVERLAY))
        self.assertEqual(stage_p50s(text), {'1. node': 0.1, '2. node1': 0.2, '3. switch': 0.1, '4. node1': 0.3, '5. node': 0.5})

    def test_run_queue_time_comes_from_the_holding_thread(self):
        rows = [(1000 * MS, CLIENT, GRPC, 60), (1002 * MS, OPENFLOW, SWITCH, 8), (1002 * MS + 100_000, SWITCH, OPENFLOW, 8), (1002 * MS + 200_000, GRPC, CLIENT, 32)]
        # perf sched timehist: node 1 (pid 11) woken at 1000.0 ms, on a run queue 1.5 ms, ran 0.5 ms up to 1002.0 ms.
        files = Files(self)
        timehist = files.write('    1.002000 [0001]  node[11]    0.000  1.500  0.500\n')
        text = analyze(files.segments(rows), '--timehist', timehist, '--pids', 'node1=11,switch=12')
        row = next(line for line in text.splitlines() if line.startswith('| 1. node1 | 1 |'))
        self.assertEqual([c.strip() for c in row.split('|')[1:-1]], ['1. node1', '1', '2', '2', '0', '1', '0'])


if __name__ == '__main__':
    unittest.main()
