/**
 * Inter-agency procedures across two instances (issue 5, item 3, acceptance): a dossier filed once
 * on a province's instance, one part handled by the commune there, the other by a social-insurance
 * office hosted on another instance reached through the document exchange axis. The part travels
 * as a signed edXML document, becomes a dossier in that office's queue, its processing statuses
 * (03 → 04 → 05 → 06) and its result come back, and on-time is computed across both parts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  agency,
  citizen,
  defineGroup,
  fileOnce,
  official,
  pdf,
  procedure,
  startInstance,
  system,
  until,
  type Instance,
} from './interagency-support.ts';

const codes = { group: '9.710001', birth: '9.710002', insurance: '9.710003' };

async function nodeInfo(i: Instance): Promise<{ nodeId: string; publicKey: string }> {
  const r = await fetch(`${i.baseUrl}/api/v1/exchange/federation/node`, {
    headers: { accept: 'application/json' },
  });
  return (await r.json()) as { nodeId: string; publicKey: string };
}

describe('inter-agency dossier across two instances through the exchange axis', () => {
  let n1: Instance;
  let n2: Instance;
  let commune: { id: string; code: string };
  let office2: { id: string; code: string };

  before(async () => {
    n1 = await startInstance('tinh.lienthong.test');
    n2 = await startInstance('bhxh.lienthong.test');
    // The directory is national: both instances know both agencies under the same codes.
    commune = await agency(n1, { name: 'Ủy ban nhân dân xã Một' });
    const office1 = await agency(n1, { kind: 'unit', name: 'Bảo hiểm xã hội cơ sở Hai' });
    const commune2 = await agency(n2, { code: commune.code, name: 'Ủy ban nhân dân xã Một' });
    office2 = await agency(n2, { code: office1.code, kind: 'unit', name: 'Bảo hiểm xã hội cơ sở Hai' });
    const [node1, node2] = [await nodeInfo(n1), await nodeInfo(n2)];
    const peer2 = await n1.platform.exchange.service.peers.create(system, {
      name: 'Trục của BHXH',
      nodeId: node2.nodeId,
      baseUrl: n2.baseUrl,
      publicKey: node2.publicKey,
    });
    await n1.platform.exchange.service.peers.host(system, peer2.id, office1.id);
    const peer1 = await n2.platform.exchange.service.peers.create(system, {
      name: 'Trục của tỉnh',
      nodeId: node1.nodeId,
      baseUrl: n1.baseUrl,
      publicKey: node1.publicKey,
    });
    await n2.platform.exchange.service.peers.host(system, peer1.id, commune2.id);
    // The commune signs what it sends with its certificate (the platform's CA on instance 1).
    await n1.platform.pki.service.issue(system, {
      holderKind: 'agency',
      agencyId: commune.id,
      agencyCode: commune.code,
      agencyName: 'Ủy ban nhân dân xã Một',
      validDays: 365,
    });
    await defineGroup(n1, {
      code: 'LT-THU-2',
      codes,
      commune,
      office: office1,
      part1: { kind: 'commune', near: 'filing' },
      part2: { code: office1.code },
      part2After: [],
    });
    await procedure(n2, codes.insurance, {
      name: 'Cấp thẻ BHYT (thử)',
      agencyIds: [office2.id],
      workingDays: 2,
    });
  });

  after(async () => {
    for (const n of [n1, n2]) await n?.close();
  });

  it('completes with the remote part’s statuses and result coming back; on time across both', async () => {
    const applicant = citizen();
    const id = await fileOnce(n1, applicant, codes.group, commune.id);
    await n1.platform.dossiers.service.receive(official(commune.id), id);
    let view = await n1.interagency.service.partsOf(applicant, id);
    assert.deepEqual(
      view.parts.map((p) => [p.order, p.route, p.state]),
      [
        [1, 'local', 'sent'],
        [2, 'remote', 'sent'],
      ],
    );

    // On instance 2 the part is a dossier in the office's queue, with the citizen's form and paper.
    const officer2 = official(office2.id);
    const child = await until('the part in the office’s queue on instance 2', async () =>
      (await n2.platform.dossiers.service.listForAgency(officer2)).find(
        (d) => d.procedureCode === codes.insurance,
      ),
    );
    assert.equal(child.status, 'submitted');
    assert.deepEqual(child.values, { childName: 'Nguyễn Thị Bình' });
    assert.equal(child.dueAt, view.parts[1]?.dueAt, 'the due date agreed on the filing side');
    const papers = await n2.platform.dossiers.service.papers(officer2, child.id);
    assert.equal(papers.length, 1);
    // It travelled as a signed edXML document addressed to the office's code.
    const { rows } = await sql<{
      packet_id: string;
    }>`SELECT packet_id FROM dossiers_interagency_inbound`.execute(n2.db.database.db);
    const packet = await n2.platform.exchange.service.get(
      official(office2.id, ['records_clerk']),
      rows[0]?.packet_id ?? '',
    );
    assert.equal(packet.businessType, 0);
    assert.notEqual(packet.signature.result, 'none');
    assert.ok(packet.attachments.some((a) => a.name === 'lienthong-phan.json'));

    // The office receives it: 03 comes back to the filing side.
    await n2.platform.dossiers.service.receive(officer2, child.id);
    view = await until('03 on instance 1', async () => {
      const v = await n1.interagency.service.partsOf(applicant, id);
      return v.parts[1]?.remoteStatus === '03' ? v : null;
    });
    assert.equal(view.parts[1]?.state, 'received');

    // Both agencies finish; the office's result comes back as a reply document.
    await n2.platform.dossiers.service.returnResult(officer2, child.id, pdf('the bhyt tu xa'));
    const officer1 = official(commune.id);
    const child1 = view.parts[0]?.childDossierId ?? '';
    await n1.platform.dossiers.service.receive(officer1, child1);
    await n1.platform.dossiers.service.returnResult(officer1, child1, pdf('giay khai sinh'));

    const done = await until(
      'the main dossier completes on instance 1',
      async () => {
        const d = await n1.platform.dossiers.service.get(applicant, id);
        return d.status === 'delivered' ? d : null;
      },
      60_000,
    );
    // The statuses and the reply travel as separate packets, each on its own delivery: 06 may
    // land a moment after the reply completed the part, and then joins its timeline.
    const codesOf = (v: typeof view) => v.parts[1]?.timeline.flatMap((e) => (e.code ? [e.code] : [])) ?? [];
    view = await until('06 on instance 1', async () => {
      const v = await n1.interagency.service.partsOf(applicant, id);
      return codesOf(v).includes('06') ? v : null;
    });
    const remote = view.parts[1];
    assert.equal(remote?.state, 'done');
    assert.deepEqual(codesOf(view), ['03', '04', '05', '06']);
    assert.equal(
      remote?.finishedAt,
      (await n2.platform.dossiers.service.officerView(officer2, child.id)).finishedAt,
    );
    assert.ok(view.parts.every((p) => p.timeliness === 'early' || p.timeliness === 'on_time'));
    assert.ok(view.timeliness && view.timeliness !== 'late');
    assert.equal(done.finishedAt, [view.parts[0]?.finishedAt ?? '', remote?.finishedAt ?? ''].sort().at(-1));
    const result = await n1.interagency.service.partResult(applicant, id, 2);
    const chunks: Buffer[] = [];
    for await (const c of result.stream) chunks.push(c as Buffer);
    assert.match(Buffer.concat(chunks).toString('latin1'), /the bhyt tu xa/);
    // Instance 2 reported each status once, then the reply.
    const inbound = await sql<{ reported: string[]; reply_packet_id: string | null }>`SELECT reported,
      reply_packet_id FROM dossiers_interagency_inbound`.execute(n2.db.database.db);
    assert.deepEqual(inbound.rows[0]?.reported, ['03', '04', '05', '06']);
    assert.ok(inbound.rows[0]?.reply_packet_id);
  });

  it('withdrawing the main dossier stops the local part and recalls the remote one (13, answered 15)', async () => {
    const applicant = citizen();
    const id = await fileOnce(n1, applicant, codes.group, commune.id);
    await n1.platform.dossiers.service.receive(official(commune.id), id);
    const officer2 = official(office2.id);
    const before = new Set((await n2.platform.dossiers.service.listForAgency(officer2)).map((d) => d.id));
    const child = await until('the part on instance 2', async () =>
      (await n2.platform.dossiers.service.listForAgency(officer2)).find(
        (d) => d.procedureCode === codes.insurance && !before.has(d.id) && d.status === 'submitted',
      ),
    );
    await n2.platform.dossiers.service.receive(officer2, child.id);
    await until('03 on instance 1', async () => {
      const v = await n1.interagency.service.partsOf(applicant, id);
      return v.parts[1]?.remoteStatus === '03';
    });

    await n1.platform.dossiers.service.withdraw(applicant, id, 'Tôi nộp nhầm');
    let view = await n1.interagency.service.partsOf(applicant, id);
    assert.deepEqual(
      view.parts.map((p) => p.state),
      ['stopped', 'stopped'],
    );
    const local = await n1.platform.dossiers.service.officerView(
      official(commune.id),
      view.parts[0]?.childDossierId ?? '',
    );
    assert.equal(local.status, 'stopped', "the commune's dossier of part 1 stops");
    // The office's dossier stops on instance 2 and the recall is accepted back on instance 1.
    await until('the office’s dossier stopped', async () => {
      const d = await n2.platform.dossiers.service.officerView(officer2, child.id);
      return d.status === 'stopped';
    });
    view = await until(
      '15 on instance 1',
      async () => {
        const v = await n1.interagency.service.partsOf(applicant, id);
        return v.parts[1]?.remoteStatus === '15' ? v : null;
      },
      60_000,
    );
    assert.equal(view.parts[1]?.state, 'stopped');
    assert.equal((await n1.platform.dossiers.service.get(applicant, id)).status, 'withdrawn');
  });
});
