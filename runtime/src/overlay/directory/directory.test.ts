import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeRecord } from '../../generated/sdn/overlay/v1/overlay.js';
import { overlayDefaults } from '../config.js';
import type { NodeId, OverlayOutput } from '../types.js';
import { Directory } from './directory.js';

const config = overlayDefaults({ nodeId: 1, seeds: [], random: () => 0 });

function record(version: number, aliases: string[] = []): NodeRecord {
  return { version, dpids: [], aliases, patterns: [], links: [], switchInterests: [] };
}

/** A directory whose routes reach `reachable`, with what it sent. */
function directory(reachable: ReadonlySet<NodeId>) {
  const sent: { node: NodeId; record: NodeRecord }[] = [];
  const problems: OverlayOutput[] = [];
  const dir = new Directory(config, (o) => void problems.push(o), {
    setRecordVersion: () => {},
    requestRecord: () => {},
    sendRecord: (node, r) => void sent.push({ node, record: r }),
    recordChanged: () => {},
    reachable: (node) => reachable.has(node),
  });
  return { dir, sent, problems };
}

describe('records pushed unasked', () => {
  it('are taken from a reachable node when newer than the one held, across the u32 wrap', () => {
    const { dir } = directory(new Set([2]));
    dir.onRecord(2, record(0xffff_fffe, ['a']));
    assert.equal(dir.record(2)?.version, 0xffff_fffe);
    dir.onRecord(2, record(1, ['b']));
    assert.deepEqual(dir.record(2)?.aliases, ['b']);
  });

  it('are ignored when older than or as old as the one held, or from an unreachable node', () => {
    const { dir } = directory(new Set([2]));
    dir.onRecord(2, record(5, ['new']));
    const generation = dir.generation;
    dir.onRecord(2, record(4, ['old']));
    dir.onRecord(2, record(5, ['same version']));
    assert.deepEqual(dir.record(2)?.aliases, ['new']);
    assert.equal(dir.generation, generation);
    dir.onRecord(3, record(1, ['gone']));
    assert.equal(dir.record(3), undefined);
  });

  it('go out when the interests change, to the nodes announcing switches only, and not for other changes', () => {
    const { dir, sent } = directory(new Set([2, 3]));
    dir.onRecord(2, { ...record(1), dpids: [7n] });
    dir.onRecord(3, record(1));
    dir.update({ aliases: ['x'] });
    dir.onTick(0);
    assert.equal(sent.length, 0);
    dir.update({ switchInterests: [{ kind: 'packetIn', dpids: [], packed: true }] });
    dir.onTick(config.interestMinIntervalMs);
    assert.deepEqual(sent.map((s) => [s.node, s.record.switchInterests.length]), [[2, 1]]);
  });
});
